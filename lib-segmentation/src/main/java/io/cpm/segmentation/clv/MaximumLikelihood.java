package io.cpm.segmentation.clv;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.SimpleValueChecker;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.SimplexOptimizer;

/**
 * Maximum-likelihood fitting of the BTYD models on log-parameters (so every parameter stays positive) with
 * Commons Math's Nelder-Mead simplex, the derivative-free method {@code lifetimes} uses. The objective is the
 * mean negative log-likelihood per customer plus an optional L2 penalty {@code λ Σ θ_i²} on the parameters.
 * The simplex is restarted from its optimum until two runs agree, which guards against the simplex stalling;
 * a fit that exhausts its evaluation budget or ends at degenerate parameters throws {@link ModelFitException}.
 */
public final class MaximumLikelihood {
  /** Parameters outside [1e-6, 1e6] mean the likelihood ran off to a boundary, i.e. a degenerate fit. */
  static final double MAX_ABS_LOG_PARAMETER = Math.log(1e6);
  private static final int MAX_RESTARTS = 5;

  private final double l2Penalty;
  private final int maxEvaluations;

  public MaximumLikelihood(double l2Penalty, int maxEvaluations) {
    if (!(l2Penalty >= 0)) {
      throw new IllegalArgumentException("Invalid L2 penalty: " + l2Penalty + " (must be >= 0)");
    }
    if (maxEvaluations < 100) {
      throw new IllegalArgumentException("Invalid evaluation budget: " + maxEvaluations + " (must be >= 100)");
    }
    this.l2Penalty = l2Penalty;
    this.maxEvaluations = maxEvaluations;
  }

  /** Default settings: no penalty, 20,000 evaluations. */
  public static MaximumLikelihood defaults() {
    return new MaximumLikelihood(0.0, 20_000);
  }

  /** Fits BG/NBD or Pareto/NBD to sufficient statistics. */
  public FitResult<PurchaseModel> fitPurchaseModel(PurchaseModelKind kind, PurchaseCounts counts) {
    if (counts.size() == 0) {
      throw new ModelFitException("Cannot fit " + kind.label() + ": no customers");
    }
    return fit(kind.label(), kind.parameterNames(), kind::create,
        model -> model.totalLogLikelihood(counts), counts.customers());
  }

  /**
   * Fits Gamma-Gamma to repeat customers' mean spend. Spend is divided by its weighted mean first (v is a
   * scale parameter: spend m/c has parameters p, q, v/c), so the fit and its degeneracy check do not depend on
   * the currency unit; the returned v is scaled back and the log-likelihood is that of the original data.
   */
  public FitResult<GammaGammaModel> fitGammaGamma(SpendObservations data) {
    if (data.size() == 0) {
      throw new ModelFitException("Cannot fit Gamma-Gamma: no customers with repeat purchases and positive spend");
    }
    double total = 0;
    for (int i = 0; i < data.size(); i++) {
      total += data.weight()[i] * data.monetary()[i];
    }
    double scale = total / data.customers();
    double[] scaled = new double[data.size()];
    for (int i = 0; i < scaled.length; i++) {
      scaled[i] = data.monetary()[i] / scale;
    }
    SpendObservations normalized = new SpendObservations(data.frequency(), scaled, data.weight());
    FitResult<GammaGammaModel> fit = fit("Gamma-Gamma", new String[] {"p", "q", "v"},
        v -> new GammaGammaModel(v[0], v[1], v[2]), model -> model.totalLogLikelihood(normalized), data.customers());
    GammaGammaModel model = new GammaGammaModel(fit.model().p(), fit.model().q(), fit.model().v() * scale);
    return new FitResult<>(model, model.totalLogLikelihood(data), fit.iterations(), fit.evaluations(),
        fit.converged(), fit.customers(), fit.l2Penalty());
  }

  private <M> FitResult<M> fit(String label, String[] names, Function<double[], M> factory,
      ToDoubleFunction<M> totalLogLikelihood, double customers) {
    ObjectiveFunction objective = new ObjectiveFunction(logParameters -> {
      double[] parameters = exp(logParameters);
      double penalty = 0;
      for (double value : parameters) {
        penalty += value * value;
      }
      double mean;
      try {
        mean = totalLogLikelihood.applyAsDouble(factory.apply(parameters)) / customers;
      } catch (IllegalArgumentException | ArithmeticException e) {
        return Double.POSITIVE_INFINITY;
      }
      return Double.isFinite(mean) ? -mean + l2Penalty * penalty : Double.POSITIVE_INFINITY;
    });
    double[] start = new double[names.length];
    int iterations = 0;
    int evaluations = 0;
    PointValuePair best = null;
    boolean agreed = false;
    try {
      for (int run = 0; run < MAX_RESTARTS && !agreed; run++) {
        SimplexOptimizer optimizer = new SimplexOptimizer(new SimpleValueChecker(1e-10, 1e-12));
        PointValuePair optimum = optimizer.optimize(new MaxEval(Math.max(1, maxEvaluations - evaluations)),
            objective, GoalType.MINIMIZE, new InitialGuess(best == null ? start : best.getPoint()),
            new NelderMeadSimplex(names.length, best == null ? 1.0 : 0.1));
        iterations += optimizer.getIterations();
        evaluations += optimizer.getEvaluations();
        agreed = best != null && Math.abs(best.getValue() - optimum.getValue()) <= 1e-9 * (1 + Math.abs(optimum.getValue()));
        if (best == null || optimum.getValue() <= best.getValue()) {
          best = optimum;
        }
      }
    } catch (TooManyEvaluationsException e) {
      throw new ModelFitException(String.format(Locale.ROOT,
          "%s fit did not converge within %d likelihood evaluations (last parameters %s); try an L2 penalty"
              + " (scoring.clv.l2-penalty) or a coarser time unit", label, maxEvaluations,
          best == null ? "none" : describe(names, exp(best.getPoint()))), e);
    }
    if (!agreed) {
      throw new ModelFitException(label + " fit did not converge: restarts of the simplex kept improving the"
          + " likelihood (last parameters " + describe(names, exp(best.getPoint())) + ")");
    }
    double[] parameters = exp(best.getPoint());
    for (int i = 0; i < names.length; i++) {
      if (!Double.isFinite(best.getValue()) || Math.abs(best.getPoint()[i]) > MAX_ABS_LOG_PARAMETER) {
        throw new ModelFitException(label + " fit is degenerate: " + describe(names, parameters)
            + " (a parameter ran to 0 or infinity; the data may not fit the model, e.g. too few repeat buyers;"
            + " an L2 penalty keeps parameters finite)");
      }
    }
    M model = factory.apply(parameters);
    return new FitResult<>(model, totalLogLikelihood.applyAsDouble(model), iterations, evaluations, true,
        customers, l2Penalty);
  }

  private static double[] exp(double[] logParameters) {
    return Arrays.stream(logParameters).map(Math::exp).toArray();
  }

  private static String describe(String[] names, double[] values) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < names.length; i++) {
      text.append(i == 0 ? "" : ", ").append(names[i]).append('=').append(String.format(Locale.ROOT, "%.6g", values[i]));
    }
    return text.toString();
  }
}
