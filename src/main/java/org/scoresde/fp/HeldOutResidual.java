package org.scoresde.fp;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.model.ModelFile;
import org.scoresde.model.NetworkScoreModel;
import org.scoresde.score.ScoreModel;
import org.scoresde.sde.Sde;

/**
 * The score Fokker-Planck residual of a score model on held-out data: clean examples x0 are noised to
 * times spread evenly over [tMin, T] with fixed noise, and {@link ScoreFokkerPlanckResidual} (exact
 * traces, vector-Jacobian products: an estimator independent of the training stencil) gives the
 * penalty g^2 |R|^2 / D^2 and |R| / (largest term) per point. The command line runs it on a model file
 * and a CSV of held-out rows:
 * {@code score-sde fp-residual --model MODEL --data CSV [--t-min T] [--probe-step H]}.
 */
public final class HeldOutResidual {
  /**
   * Means over the points, the mean penalty in the lower and upper half of [tMin, T], and the root mean
   * square norms of the residual's four terms (d_t s, drift, divergence, squared norm).
   */
  public record Result(int n, double meanPenalty, double medianRelative, double meanPenaltyEarly, double meanPenaltyLate,
      double rmsTimeDerivative, double rmsDrift, double rmsDivergence, double rmsSquaredNorm) {}

  private HeldOutResidual() {}

  /**
   * The residual of {@code model} on x0 [N, D] (double precision advised), times in [tMin, T], noise from
   * {@code seed}, probe displacements probeStep sigma_t (1e-3: close to the derivative itself; 0.05: the
   * training stencil's step).
   */
  public static Result of(ScoreModel model, INDArray x0, double tMin, double probeStep, long seed) {
    int n = (int) x0.size(0);
    int d = (int) x0.size(1);
    Sde sde = model.sde();
    SplittableRandom rng = new SplittableRandom(seed);
    double[] xv = x0.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    double[] t = new double[n];
    double[] xt = new double[n * d];
    for (int i = 0; i < n; i++) {
      t[i] = tMin + (sde.horizon() - tMin) * (i + 0.5) / n;
      double gamma = sde.meanScale(t[i]);
      double sigma = sde.std(t[i]);
      for (int j = 0; j < d; j++) {
        xt[i * d + j] = gamma * xv[i * d + j] + sigma * rng.nextGaussian();
      }
    }
    ScoreFokkerPlanckResidual residual = d <= 16
        ? ScoreFokkerPlanckResidual.exactTrace(model, TimeDifference.reference(), probeStep)
        : new ScoreFokkerPlanckResidual(model, TimeDifference.reference(), ProbeDistribution.RADEMACHER, 8, probeStep);
    ScoreFokkerPlanckResidual.Result r = residual.evaluate(Nd4j.create(xt, new long[] {n, d}, DataType.DOUBLE),
        Nd4j.createFromArray(t), rng.nextLong());
    double[] p = r.penalty().castTo(DataType.DOUBLE).toDoubleVector();
    double[] rel = r.relativeResidual().castTo(DataType.DOUBLE).toDoubleVector();
    double all = 0;
    double early = 0;
    double late = 0;
    for (int i = 0; i < n; i++) {
      all += p[i];
      if (i < n / 2) {
        early += p[i];
      } else {
        late += p[i];
      }
    }
    java.util.Arrays.sort(rel);
    return new Result(n, all / n, rel[n / 2], early / (n / 2), late / (n - n / 2), rms(r.timeDerivative(), n),
        rms(r.driftTerm(), n), rms(r.divergenceTerm(), n), rms(r.squaredNormTerm(), n));
  }

  private static double rms(INDArray rows, int n) {
    double sq = rows.castTo(DataType.DOUBLE).norm2Number().doubleValue();
    return Math.sqrt(sq * sq / n);
  }

  /** The trained network of a model file as a double-precision score model (finite differences need it). */
  public static NetworkScoreModel doublePrecision(ModelFile.Model model) {
    return new NetworkScoreModel(model.graph(), model.metadata().network(), model.metadata().sde(), DataType.DOUBLE);
  }
}
