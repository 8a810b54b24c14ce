package io.cpm.segmentation.clv;

/**
 * The Gauss hypergeometric function {@code 2F1(a, b; c; z)} for {@code 0 <= z < 1} by its power series
 * {@code sum_n (a)_n (b)_n / ((c)_n n!) z^n} (Abramowitz & Stegun 15.1.1), summed until a term no longer
 * changes the sum, as the BTYD R package does. Callers keep {@code z} well below 1 by the transformations
 * used in the {@code lifetimes} package (see {@link ParetoNbdModel}), so the series converges quickly.
 */
public final class Hypergeometric {
  /** Upper bound on series terms; reached only when z is within ~1e-5 of 1. */
  static final int MAX_TERMS = 2_000_000;

  private Hypergeometric() {}

  public static double hyp2f1(double a, double b, double c, double z) {
    if (!(z >= 0 && z < 1)) {
      throw new IllegalArgumentException("hyp2f1 needs 0 <= z < 1, got z=" + z);
    }
    double term = 1.0;
    double sum = 1.0;
    for (int n = 0; n < MAX_TERMS; n++) {
      term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z;
      double next = sum + term;
      if (next == sum || term == 0.0) {
        return next;
      }
      if (!Double.isFinite(next)) {
        return next;
      }
      sum = next;
    }
    throw new ArithmeticException("hyp2f1(" + a + ", " + b + "; " + c + "; " + z + ") did not converge in "
        + MAX_TERMS + " terms");
  }
}
