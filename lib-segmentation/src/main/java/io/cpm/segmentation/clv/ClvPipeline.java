package io.cpm.segmentation.clv;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The whole CLV computation on transactions ({@link RepeatPurchaseData} columns): summarize per customer as of
 * the calibration end, fit the purchase model on sufficient statistics and Gamma-Gamma on repeat customers'
 * spend, score every customer, and (with a holdout end) compare predicted with actual holdout purchases.
 */
public final class ClvPipeline {
  /**
   * Settings of one CLV run. {@code holdoutEnd} may be null. Build with {@link #builder(LocalDate)}, which names
   * each setting and holds the defaults (the shipped {@code scoring.clv} values).
   */
  public record Parameters(PurchaseModelKind model, ClvTimeUnit timeUnit, double l2Penalty, int maxEvaluations,
      LocalDate calibrationEnd, LocalDate holdoutEnd, int expectedPurchasesDays, int horizonMonths,
      double discountRateMonthly) {
    public Parameters {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(timeUnit, "timeUnit");
      Objects.requireNonNull(calibrationEnd, "calibrationEnd");
      if (horizonMonths < 0 || expectedPurchasesDays < 0) {
        throw new IllegalArgumentException("Invalid CLV horizons: " + horizonMonths + " months, "
            + expectedPurchasesDays + " days");
      }
    }

    /** Parameters with the defaults for a calibration period ending on {@code calibrationEnd}. */
    public static Builder builder(LocalDate calibrationEnd) {
      return new Builder(calibrationEnd);
    }
  }

  /**
   * Named settings of a CLV run. Defaults: BG/NBD, weekly time unit, no L2 penalty, 20,000 evaluations, no
   * holdout, expected purchases over 90 days, CLV over 12 months discounted at 1 % a month.
   */
  public static final class Builder {
    private final LocalDate calibrationEnd;
    private PurchaseModelKind model = PurchaseModelKind.BGNBD;
    private ClvTimeUnit timeUnit = ClvTimeUnit.WEEK;
    private double l2Penalty;
    private int maxEvaluations = 20_000;
    private LocalDate holdoutEnd;
    private int expectedPurchasesDays = 90;
    private int horizonMonths = 12;
    private double discountRateMonthly = 0.01;

    private Builder(LocalDate calibrationEnd) {
      this.calibrationEnd = Objects.requireNonNull(calibrationEnd, "calibrationEnd");
    }

    public Builder model(PurchaseModelKind value) {
      model = value;
      return this;
    }

    public Builder timeUnit(ClvTimeUnit value) {
      timeUnit = value;
      return this;
    }

    public Builder l2Penalty(double value) {
      l2Penalty = value;
      return this;
    }

    public Builder maxEvaluations(int value) {
      maxEvaluations = value;
      return this;
    }

    /** Last day of a holdout period to compare predictions with; null for none. */
    public Builder holdoutEnd(LocalDate value) {
      holdoutEnd = value;
      return this;
    }

    public Builder expectedPurchasesDays(int value) {
      expectedPurchasesDays = value;
      return this;
    }

    public Builder horizonMonths(int value) {
      horizonMonths = value;
      return this;
    }

    public Builder discountRateMonthly(double value) {
      discountRateMonthly = value;
      return this;
    }

    public Parameters build() {
      return new Parameters(model, timeUnit, l2Penalty, maxEvaluations, calibrationEnd, holdoutEnd,
          expectedPurchasesDays, horizonMonths, discountRateMonthly);
    }
  }

  /**
   * Fits, the scored per-customer dataset, holdout metrics (null without holdout), the sizes of the fits'
   * inputs and phase timings ({@code fitSeconds} covers both fits, {@code purchaseFitSeconds} the purchase model).
   */
  public record Result(FitResult<PurchaseModel> purchases, FitResult<GammaGammaModel> spend, Dataset<Row> scored,
      ClvScoring.HoldoutMetrics holdout, int sufficientStatisticRows, double groupingSeconds, double fitSeconds,
      int spendObservationRows, double purchaseFitSeconds) {
    /** JSON-ready summary: model, customers, params, logLikelihood, convergence, gammaGamma, holdout. */
    public Map<String, Object> report() {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("model", purchases.model().name());
      result.put("customers", Math.round(purchases.customers()));
      result.put("sufficientStatisticRows", sufficientStatisticRows);
      result.put("params", purchases.model().parameters());
      result.put("logLikelihood", purchases.logLikelihood());
      result.put("converged", purchases.converged());
      result.put("iterations", purchases.iterations());
      result.put("evaluations", purchases.evaluations());
      result.put("l2Penalty", purchases.l2Penalty());
      Map<String, Object> gammaGamma = new LinkedHashMap<>();
      gammaGamma.put("customers", Math.round(spend.customers()));
      gammaGamma.put("params", spend.model().parameters());
      gammaGamma.put("logLikelihood", spend.logLikelihood());
      gammaGamma.put("converged", spend.converged());
      gammaGamma.put("iterations", spend.iterations());
      result.put("gammaGamma", gammaGamma);
      if (holdout != null) {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("customers", holdout.customers());
        metrics.put("mae", holdout.mae());
        metrics.put("rmse", holdout.rmse());
        metrics.put("totalPredicted", holdout.totalPredicted());
        metrics.put("totalActual", holdout.totalActual());
        metrics.put("byFrequency", holdout.byFrequency().stream().map(b -> {
          Map<String, Object> bucket = new LinkedHashMap<>();
          bucket.put("frequency", b.frequencyBucket());
          bucket.put("customers", b.customers());
          bucket.put("meanPredicted", b.meanPredicted());
          bucket.put("meanActual", b.meanActual());
          return bucket;
        }).toList());
        result.put("holdout", metrics);
      }
      return result;
    }
  }

  private ClvPipeline() {}

  public static Result run(Dataset<Row> transactions, Parameters parameters) {
    long start = System.nanoTime();
    Dataset<Row> summary = RepeatPurchaseData.summarize(transactions, parameters.calibrationEnd(), parameters.timeUnit())
        .cache();
    PurchaseCounts counts = RepeatPurchaseData.purchaseCounts(summary);
    SpendObservations spend = RepeatPurchaseData.spendObservations(summary);
    double grouping = (System.nanoTime() - start) / 1e9;
    long fitStart = System.nanoTime();
    MaximumLikelihood optimizer = new MaximumLikelihood(parameters.l2Penalty(), parameters.maxEvaluations());
    FitResult<PurchaseModel> purchaseFit = optimizer.fitPurchaseModel(parameters.model(), counts);
    double purchaseFitSeconds = (System.nanoTime() - fitStart) / 1e9;
    FitResult<GammaGammaModel> spendFit = optimizer.fitGammaGamma(spend);
    double fit = (System.nanoTime() - fitStart) / 1e9;
    CustomerValueModel model = new CustomerValueModel(purchaseFit.model(), spendFit.model(), parameters.timeUnit());
    Dataset<Row> scored = ClvScoring.score(summary, model, parameters.expectedPurchasesDays(),
        parameters.horizonMonths(), parameters.discountRateMonthly());
    ClvScoring.HoldoutMetrics holdout = null;
    if (parameters.holdoutEnd() != null) {
      double holdoutDays = parameters.holdoutEnd().toEpochDay() - parameters.calibrationEnd().toEpochDay();
      scored = ClvScoring.predictHoldout(RepeatPurchaseData.withHoldoutPurchases(scored, transactions,
          parameters.calibrationEnd(), parameters.holdoutEnd()), purchaseFit.model(),
          parameters.timeUnit().fromDays(holdoutDays));
      holdout = ClvScoring.holdoutMetrics(scored);
    }
    return new Result(purchaseFit, spendFit, scored, holdout, counts.size(), grouping, fit, spend.size(),
        purchaseFitSeconds);
  }
}
