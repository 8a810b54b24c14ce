package io.cpm.jobs.sample;

/** A money value in cents, printed with two decimals ({@code 1234} prints as {@code 12.34}). */
record Amount(long cents) {
  static Amount ofUnits(double units) {
    return new Amount(Math.round(units * 100.0));
  }

  @Override
  public String toString() {
    long abs = Math.abs(cents);
    long fraction = abs % 100;
    return (cents < 0 ? "-" : "") + (abs / 100) + (fraction < 10 ? ".0" : ".") + fraction;
  }
}
