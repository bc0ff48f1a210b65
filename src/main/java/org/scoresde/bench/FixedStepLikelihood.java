package org.scoresde.bench;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.scoresde.likelihood.DivergenceEstimator;
import org.scoresde.likelihood.ScoreDivergence;
import org.scoresde.likelihood.TerminalDensity;
import org.scoresde.ode.Euler;
import org.scoresde.score.ProbabilityFlow;
import org.scoresde.score.ScoreModel;
import org.scoresde.sde.Sde;

/**
 * The probability-flow log-likelihood of ProbabilityFlowLikelihood with a fixed number of Euler
 * steps instead of adaptive Dormand-Prince, so that its cost is a known number of score + VJP
 * evaluations (NFE) and can be compared across frameworks: the same ScoreModel, divergence
 * estimator, drift and terminal density, only the solver differs. Not accurate at small NFE, and
 * not meant to be: it measures throughput.
 */
final class FixedStepLikelihood {
  private static final double ETA = 1e-5;

  private final ScoreModel model;
  private final DivergenceEstimator estimator;
  private final int steps;

  FixedStepLikelihood(ScoreModel model, DivergenceEstimator estimator, int steps) {
    this.model = model;
    this.estimator = estimator;
    this.steps = steps;
  }

  /** log p(x0) [N] by {@code steps} Euler steps of the augmented ODE from eta to T. */
  INDArray logLikelihood(INDArray x0, long seed) {
    int d = model.dimension();
    int n = (int) x0.size(0);
    Sde sde = model.sde();
    ProbabilityFlow flow = new ProbabilityFlow(model);
    ScoreDivergence divergence = estimator.start(model, n, x0.dataType(), seed);
    int[] rows = java.util.stream.IntStream.range(0, n).toArray();
    double[] grid = new double[steps + 1];
    for (int k = 0; k <= steps; k++) {
      grid[k] = ETA + (sde.horizon() - ETA) * k / steps;
    }
    INDArray y0 = Nd4j.hstack(x0, Nd4j.zeros(x0.dataType(), n, 1));
    INDArray y = new Euler().integrate((t, state) -> {
      INDArray x = state.get(NDArrayIndex.all(), NDArrayIndex.interval(0, d)).dup();
      ScoreDivergence.Result r = divergence.evaluate(rows, x, t);
      double ti = t.getDouble(0);
      INDArray divDrift = r.divergence().castTo(state.dataType()).reshape(n, 1)
          .muli(-0.5 * sde.diffusionSquared(ti)).addi(d * sde.driftCoefficient(ti));
      return Nd4j.hstack(flow.drift(x, t, r.score()), divDrift);
    }, y0, grid);
    INDArray latent = y.get(NDArrayIndex.all(), NDArrayIndex.interval(0, d)).dup();
    INDArray logPT = TerminalDensity.prior(sde).logDensity(latent).reshape(n).castTo(x0.dataType());
    return logPT.addi(y.getColumn(d).reshape(n));
  }
}
