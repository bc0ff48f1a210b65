package org.scoresde.time;

import java.util.function.DoubleUnaryOperator;

/** Composite Simpson quadrature in log-time, for integrands that behave like 1/t near a small eta. */
final class Quadrature {
  private Quadrature() {}

  /** int_a^b f(t) dt with t = a e^s, s in [0, ln(b/a)], by composite Simpson with the given even panel count. */
  static double logSimpson(DoubleUnaryOperator f, double a, double b, int panels) {
    if (b <= a) {
      return 0.0;
    }
    double len = Math.log(b / a);
    double h = len / panels;
    double sum = 0.0;
    for (int i = 0; i <= panels; i++) {
      double t = i == panels ? b : a * Math.exp(i * h);
      double c = (i == 0 || i == panels) ? 1.0 : (i % 2 == 1 ? 4.0 : 2.0);
      sum += c * f.applyAsDouble(t) * t;
    }
    return sum * h / 3.0;
  }
}
