package org.scoresde.likelihood;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.score.ExactDensity;
import org.scoresde.sde.Sde;

/**
 * The log density at the end time T that closes the change of variables, log p_T(z_T). Normally the
 * SDE's prior; an exact marginal at T instead removes the prior-mismatch term, so tests can measure
 * the integration error alone.
 */
@FunctionalInterface
public interface TerminalDensity {

  /** log p_T(z) for every row of z [N, D]; returns [N]. */
  INDArray logDensity(INDArray z);

  /** The SDE's prior N(0, s^2 I). */
  static TerminalDensity prior(Sde sde) {
    return sde::priorLogDensity;
  }

  /** An exact marginal density evaluated at time t (normally T). */
  static TerminalDensity exact(ExactDensity density, double t) {
    return z -> density.logDensity(z, Nd4j.createUninitialized(z.dataType(), z.size(0)).assign(t));
  }
}
