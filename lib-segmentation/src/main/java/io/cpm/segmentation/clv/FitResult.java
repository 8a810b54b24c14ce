package io.cpm.segmentation.clv;

import java.util.Objects;

/**
 * Outcome of a maximum-likelihood fit: the model, its (unpenalized) total log-likelihood, optimizer
 * iterations and function evaluations, whether the convergence check was met, and the sample size.
 */
public record FitResult<M>(M model, double logLikelihood, int iterations, int evaluations, boolean converged,
    double customers, double l2Penalty) {
  public FitResult {
    Objects.requireNonNull(model, "model");
  }
}
