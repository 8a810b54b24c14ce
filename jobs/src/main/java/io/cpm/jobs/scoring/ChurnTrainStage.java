package io.cpm.jobs.scoring;

import io.cpm.jobs.pipeline.PipelineContext;
import io.cpm.jobs.pipeline.Stage;
import io.cpm.jobs.pipeline.StageResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code cpm churn train}: trains, stores and records a churn model version for the run date. */
public final class ChurnTrainStage implements Stage {
  private final FeatureSource features;
  private final ScoringSettings settings;

  public ChurnTrainStage(FeatureSource features, ScoringSettings settings) {
    this.features = java.util.Objects.requireNonNull(features, "features");
    this.settings = java.util.Objects.requireNonNull(settings, "settings");
  }

  /** The stage with the {@code scoring} settings and feature source of {@code config}. */
  public static ChurnTrainStage from(io.cpm.jobs.config.CpmConfig config) {
    return new ChurnTrainStage(FeatureSources.forConfig(config), ScoringSettings.from(config.section("scoring")));
  }

  @Override
  public String name() {
    return "churn-train";
  }

  @Override
  public StageResult run(PipelineContext context) {
    List<ModelRuns.Run> modelRuns = new ArrayList<>();
    io.cpm.segmentation.churn.ChurnModel model;
    try {
      model = ChurnModels.train(context, settings.churn(), settings.clv().excludedOrderStatuses(), features,
          context.silver(), modelRuns);
    } catch (ChurnModels.NotTrainable e) {
      // Asked for explicitly, a model that cannot be trained is a data problem (exit 3), not a skip.
      throw io.cpm.jobs.CpmException.dataQuality(e.getMessage());
    }
    ModelRuns.upsert(context.tables(), modelRuns);
    String version = ChurnModels.version(context.runDate());
    return new StageResult(name(), modelRuns.size(),
        Map.of("model", ChurnModels.location(context.tables(), version), ModelRuns.TABLE,
            context.tables().qualifiedName(ModelRuns.TABLE)),
        List.of("chosen " + model.algorithm().label() + " (" + version + ")"));
  }
}
