package org.scoresde.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.score.GaussianMixture;
import org.scoresde.score.GaussianMixtureScore;
import org.scoresde.sde.Sde;
import org.scoresde.sde.Sdes;

/**
 * Checks the exact mixture score against its own log density: the score equals central finite
 * differences of log p_t, and the vector-Jacobian product equals central differences of the score.
 */
public final class ScoreChecks implements VerifyCheck {
  private static final double H = 1e-5;

  @Override
  public String name() {
    return "score";
  }

  @Override
  public List<CheckResult> run(Random rng) {
    List<CheckResult> out = new ArrayList<>();
    Nd4j.getRandom().setSeed(rng.nextLong());
    for (String name : List.of("vp", "subvp", "ve")) {
      Sde sde = Sdes.create(name);
      for (int d : new int[] {2, 10}) {
        GaussianMixture m = GaussianMixture.random(3, d, rng);
        GaussianMixtureScore s = new GaussianMixtureScore(m, sde);
        int n = 4;
        INDArray x = m.sample(n, rng.nextLong(), DataType.DOUBLE);
        INDArray t = Nd4j.create(new double[] {0.01, 0.1, 0.4, 0.9});
        INDArray xt = x.mulColumnVector(meanScales(sde, t)).addi(Nd4j.randn(DataType.DOUBLE, n, d).mulColumnVector(stds(sde, t)));
        INDArray score = s.score(xt, t);
        INDArray v = Nd4j.randn(DataType.DOUBLE, n, d);
        INDArray vjp = s.vjp(xt, t, v);
        double scoreErr = 0;
        double vjpErr = 0;
        for (int j = 0; j < d; j++) {
          INDArray e = Nd4j.zeros(DataType.DOUBLE, n, d);
          e.putColumn(j, Nd4j.ones(DataType.DOUBLE, n, 1).muli(H));
          INDArray lpPlus = s.logDensity(xt.add(e), t);
          INDArray lpMinus = s.logDensity(xt.sub(e), t);
          INDArray fd = lpPlus.sub(lpMinus).divi(2 * H);
          scoreErr = Math.max(scoreErr, relErr(fd, score.getColumn(j)));
          // (v^T J)_j = v . ds/dx_j; J is symmetric (a Hessian) so this is also the j-th column
          INDArray dsdxj = s.score(xt.add(e), t).subi(s.score(xt.sub(e), t)).divi(2 * H);
          INDArray fdVjp = dsdxj.mul(v).sum(1);
          vjpErr = Math.max(vjpErr, relErr(fdVjp, vjp.getColumn(j)));
        }
        // central differences at h = 1e-5: truncation O(h^2 f''') ~ 1e-8 relative, rounding ~1e-11 / h
        out.add(CheckResult.atMost(name(), name + " D=" + d + " score vs finite differences of log p (max rel.)",
            scoreErr, 1e-5, "4 points, t in {0.01, 0.1, 0.4, 0.9}"));
        out.add(CheckResult.atMost(name(), name + " D=" + d + " VJP vs finite differences of the score (max rel.)",
            vjpErr, 1e-5, "random v"));
      }
    }
    return out;
  }

  private static INDArray meanScales(Sde sde, INDArray t) {
    INDArray out = t.dup().reshape(t.length(), 1);
    for (int i = 0; i < t.length(); i++) {
      out.putScalar(i, sde.meanScale(t.getDouble(i)));
    }
    return out;
  }

  private static INDArray stds(Sde sde, INDArray t) {
    INDArray out = t.dup().reshape(t.length(), 1);
    for (int i = 0; i < t.length(); i++) {
      out.putScalar(i, sde.std(t.getDouble(i)));
    }
    return out;
  }

  private static double relErr(INDArray approx, INDArray exact) {
    double worst = 0;
    for (int i = 0; i < exact.length(); i++) {
      double a = approx.getDouble(i);
      double e = exact.getDouble(i);
      worst = Math.max(worst, Math.abs(a - e) / Math.max(1.0, Math.abs(e)));
    }
    return worst;
  }
}
