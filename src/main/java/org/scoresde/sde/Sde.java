package org.scoresde.sde;

import java.io.Serializable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A forward diffusion dx = f(x,t) dt + g(t) dW with linear drift f(x,t) = a(t) x, whose marginal
 * given x0 is N(gamma_t x0, sigma_t^2 I). Every sampler, likelihood and loss sees the diffusion
 * only through this interface, so VP, sub-VP and VE are interchangeable.
 */
public interface Sde extends Serializable {

  /** The short name used in configuration and model files: {@code vp}, {@code subvp} or {@code ve}. */
  String name();

  /** The end time T of the diffusion (1 for all SDEs here). */
  default double horizon() {
    return 1.0;
  }

  /** The drift coefficient a(t) in f(x,t) = a(t) x. */
  double driftCoefficient(double t);

  /** g(t)^2, the squared diffusion coefficient. */
  double diffusionSquared(double t);

  /** g(t). */
  default double diffusion(double t) {
    return Math.sqrt(diffusionSquared(t));
  }

  /** gamma_t, the factor by which the marginal mean shrinks x0. */
  double meanScale(double t);

  /** sigma_t, the marginal standard deviation of x_t given x0. */
  double std(double t);

  /** log(gamma_t^2 / sigma_t^2), decreasing in t. */
  default double logSnr(double t) {
    return 2.0 * (Math.log(meanScale(t)) - Math.log(std(t)));
  }

  /** The t at which {@link #logSnr} equals the given value, found by bisection on [0, T]. */
  default double timeOfLogSnr(double lambda) {
    double lo = 1e-12;
    double hi = horizon();
    for (int i = 0; i < 200; i++) {
      double mid = 0.5 * (lo + hi);
      if (logSnr(mid) > lambda) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return 0.5 * (lo + hi);
  }

  /** The standard deviation of the prior N(0, s^2 I) at t = T. */
  double priorStd();

  /** The drift f(x,t) for a batch x of shape [N, D] at one time t. */
  default INDArray drift(INDArray x, double t) {
    return x.mul(driftCoefficient(t));
  }

  /** Draws n prior samples of dimension d with the given seed, in the given data type. */
  default INDArray samplePrior(int n, int d, long seed, org.nd4j.linalg.api.buffer.DataType type) {
    org.nd4j.linalg.api.rng.Random rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
    INDArray z = Nd4j.createUninitialized(type, n, d);
    return Nd4j.getExecutioner().exec(
        new org.nd4j.linalg.api.ops.random.impl.GaussianDistribution(z, 0.0, priorStd()), rng);
  }

  /** The prior log density log N(x; 0, s^2 I) for every row of x [N, D]; returns [N]. */
  default INDArray priorLogDensity(INDArray x) {
    long d = x.size(1);
    double s = priorStd();
    INDArray sq = x.mul(x).sum(1);
    double c = -0.5 * d * Math.log(2 * Math.PI * s * s);
    return sq.muli(-0.5 / (s * s)).addi(c);
  }

  /** The name of this SDE's parameters and values, for model files and reports. */
  java.util.Map<String, Double> parameters();
}
