package io.cpm.segmentation.clv;

/** A maximum-likelihood fit that did not converge or ended at degenerate parameters; the message says which. */
public final class ModelFitException extends RuntimeException {
  public ModelFitException(String message) {
    super(message);
  }

  public ModelFitException(String message, Throwable cause) {
    super(message, cause);
  }
}
