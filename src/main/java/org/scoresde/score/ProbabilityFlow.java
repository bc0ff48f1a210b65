package org.scoresde.score;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.ode.BatchOde;
import org.scoresde.sde.Sde;

/**
 * The probability-flow ODE dx/dt = f(x,t) - g(t)^2 s(x,t) / 2 of a score model: the deterministic
 * flow that shares the SDE's marginals, used by the likelihood and by the ODE samplers.
 */
public final class ProbabilityFlow implements BatchOde {
  private final ScoreModel model;

  public ProbabilityFlow(ScoreModel model) {
    this.model = model;
  }

  public ScoreModel model() {
    return model;
  }

  @Override
  public INDArray derivative(INDArray t, INDArray x) {
    return drift(x, t, model.score(x, t));
  }

  /** a(t) x - g(t)^2 s / 2, row by row, given the score s already evaluated at (x, t). */
  public INDArray drift(INDArray x, INDArray t, INDArray score) {
    Sde sde = model.sde();
    long n = x.size(0);
    INDArray a = t.dup();
    INDArray halfG2 = t.dup();
    for (long i = 0; i < n; i++) {
      double ti = t.getDouble(i);
      a.putScalar(i, sde.driftCoefficient(ti));
      halfG2.putScalar(i, 0.5 * sde.diffusionSquared(ti));
    }
    INDArray col = a.reshape(n, 1);
    return x.mulColumnVector(col).subi(score.mulColumnVector(halfG2.reshape(n, 1)));
  }
}
