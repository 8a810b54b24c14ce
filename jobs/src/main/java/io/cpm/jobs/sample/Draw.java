package io.cpm.jobs.sample;

import java.time.LocalDate;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random draws for the sample generator on top of a seeded {@link SplittableRandom}.
 *
 * <p>Gamma variates use Marsaglia and Tsang's squeeze method ("A simple method for generating gamma
 * variables", ACM TOMS 26(3), 2000); Poisson counts use Knuth's product of uniforms for small means.
 */
final class Draw {
  private final SplittableRandom random;

  Draw(SplittableRandom random) {
    this.random = random;
  }

  /** A generator for customer {@code index} that depends only on the seed and the index. */
  static Draw forStream(long seed, long index) {
    // SplittableRandom's golden-gamma increment decorrelates neighbouring seeds; mixing the index in with a
    // large odd multiplier keeps customer streams independent of how many customers are generated.
    return new Draw(new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + index));
  }

  double uniform() {
    return random.nextDouble();
  }

  double uniform(double low, double high) {
    return low + (high - low) * random.nextDouble();
  }

  /** Uniform integer in [low, high] (both inclusive). */
  int between(int low, int high) {
    return low + random.nextInt(high - low + 1);
  }

  boolean chance(double probability) {
    return random.nextDouble() < probability;
  }

  double gaussian() {
    return random.nextGaussian();
  }

  /** Exponential with the given mean. */
  double exponential(double mean) {
    return -mean * Math.log(1.0 - random.nextDouble());
  }

  /** Gamma with the given shape and mean (scale = mean / shape). */
  double gamma(double shape, double mean) {
    if (shape < 1.0) {
      double u = random.nextDouble();
      return gamma(shape + 1.0, mean * (shape + 1.0) / shape) * Math.pow(u, 1.0 / shape);
    }
    double d = shape - 1.0 / 3.0;
    double c = 1.0 / Math.sqrt(9.0 * d);
    while (true) {
      double x = random.nextGaussian();
      double v = 1.0 + c * x;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = random.nextDouble();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
        return d * v * mean / shape;
      }
    }
  }

  /** Log-normal factor with median 1 and the given sigma of the log. */
  double logNormalFactor(double sigma) {
    return Math.exp(sigma * random.nextGaussian());
  }

  int poisson(double mean) {
    if (mean > 30) {
      return Math.max(0, (int) Math.round(mean + Math.sqrt(mean) * random.nextGaussian()));
    }
    double limit = Math.exp(-mean);
    double product = random.nextDouble();
    int count = 0;
    while (product > limit) {
      product *= random.nextDouble();
      count++;
    }
    return count;
  }

  <T> T pick(List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  /** Index drawn with probability proportional to {@code weights[i]}. */
  int weighted(double[] weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double x = random.nextDouble() * total;
    for (int i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }

  LocalDate dateBetween(LocalDate from, LocalDate to) {
    long span = to.toEpochDay() - from.toEpochDay();
    return span <= 0 ? from : from.plusDays(random.nextLong(span + 1));
  }

  /** Seconds into a working day (08:00–18:00). */
  int officeSecond() {
    return 8 * 3600 + random.nextInt(10 * 3600);
  }

  /** Seconds into any time of day. */
  int anySecond() {
    return random.nextInt(24 * 3600);
  }
}
