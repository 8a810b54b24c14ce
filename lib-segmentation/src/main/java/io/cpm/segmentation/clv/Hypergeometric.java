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

  /**
   * {@code ln 2F1(a, b; c; z)} and its partial derivatives, for {@code a, b, c > 0} and {@code 0 <= z < 1}:
   * fills {@code result} with {@code [ln F, ∂ln F/∂a, ∂ln F/∂b, ∂ln F/∂c, ∂ln F/∂z]}. The power series is
   * differentiated term by term: with {@code t_n = (a)_n (b)_n / ((c)_n n!) z^n},
   * {@code ∂t_n/∂a = t_n Σ_{j<n} 1/(a+j)} (likewise b), {@code ∂t_n/∂c = −t_n Σ_{j<n} 1/(c+j)} and
   * {@code ∂t_n/∂z = n t_n / z}; all five sums are accumulated in one pass, until no term changes any of them.
   * The value is the same sum as {@link #hyp2f1}.
   */
  static void logHyp2f1WithDerivatives(double a, double b, double c, double z, double[] result) {
    if (!(z >= 0 && z < 1)) {
      throw new IllegalArgumentException("hyp2f1 needs 0 <= z < 1, got z=" + z);
    }
    double term = 1.0;
    double sum = 1.0;
    double sumA = 0;
    double sumB = 0;
    double sumC = 0;
    double sumZ = 0;
    double harmonicA = 0;
    double harmonicB = 0;
    double harmonicC = 0;
    for (int n = 0; n < MAX_TERMS; n++) {
      double ratio = (a + n) * (b + n) / ((c + n) * (n + 1));
      // ∂t_{n+1}/∂z = (n+1) t_{n+1} / z = (n+1) t_n ratio, also at z = 0.
      double nextZ = sumZ + (n + 1) * term * ratio;
      harmonicA += 1 / (a + n);
      harmonicB += 1 / (b + n);
      harmonicC += 1 / (c + n);
      term *= ratio * z;
      double next = sum + term;
      double nextA = sumA + term * harmonicA;
      double nextB = sumB + term * harmonicB;
      double nextC = sumC + term * harmonicC;
      boolean done = term == 0.0
          || (next == sum && nextA == sumA && nextB == sumB && nextC == sumC && nextZ == sumZ);
      sum = next;
      sumA = nextA;
      sumB = nextB;
      sumC = nextC;
      sumZ = nextZ;
      if (done || !Double.isFinite(sum)) {
        result[0] = Math.log(sum);
        result[1] = sumA / sum;
        result[2] = sumB / sum;
        result[3] = -sumC / sum;
        result[4] = sumZ / sum;
        return;
      }
    }
    throw new ArithmeticException("hyp2f1(" + a + ", " + b + "; " + c + "; " + z + ") did not converge in "
        + MAX_TERMS + " terms");
  }
}
