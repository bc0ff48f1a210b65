package org.scoresde.verify;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.sampling.Sampler;
import org.scoresde.sampling.Samplers;
import org.scoresde.sampling.Schedules;
import org.scoresde.score.GaussianMixture;
import org.scoresde.score.GaussianMixtureScore;
import org.scoresde.sde.Sde;
import org.scoresde.sde.Sdes;

/**
 * Checks every sampler with the exact score of a random 2-D Gaussian mixture: a kernel two-sample
 * test (maximum mean discrepancy with a Gaussian kernel, permutation null) between its samples and
 * exact draws from the mixture must not reject at the 1% level. The value reported is the MMD's
 * permutation p-value.
 */
public final class SamplerChecks implements VerifyCheck {
  private static final int PERMUTATIONS = 200;
  private final int samples;

  public SamplerChecks(int samples) {
    this.samples = samples;
  }

  @Override
  public String name() {
    return "sampling";
  }

  @Override
  public List<CheckResult> run(Random rng) {
    Sde sde = Sdes.create("vp");
    GaussianMixture m = GaussianMixture.random(3, 2, rng);
    GaussianMixtureScore score = new GaussianMixtureScore(m, sde);
    Map<String, Integer> steps = new LinkedHashMap<>();
    steps.put("euler-maruyama", 500);
    steps.put("pc", 250);
    steps.put("ode-euler", 250);
    steps.put("heun", 40);
    steps.put("dopri5", 1);
    steps.put("dpm-solver", 20);
    steps.put("ddim", 100);
    List<CheckResult> out = new ArrayList<>();
    int n = samples / 2;
    for (Map.Entry<String, Integer> e : steps.entrySet()) {
      Sampler sampler = Samplers.byName(e.getKey());
      double[] grid = Schedules.byName(e.getKey().equals("dpm-solver") ? "logsnr" : "uniform").grid(sde, e.getValue(), 1e-3);
      INDArray xT = sde.samplePrior(n, 2, rng.nextLong(), DataType.DOUBLE);
      var result = sampler.sample(score, xT, grid, rng.nextLong());
      INDArray exact = m.sample(n, rng.nextLong(), DataType.DOUBLE);
      double p = mmdPermutationPValue(result.samples().toDoubleMatrix(), exact.toDoubleMatrix(), rng);
      out.add(CheckResult.atLeast(name(), String.format("vp D=2 %s (%d steps) MMD two-sample p-value", e.getKey(), e.getValue()),
          p, 0.01, String.format("%d vs %d exact samples, NFE %d", n, n, result.nfe())));
    }
    return out;
  }

  /** The permutation p-value of the biased MMD^2 statistic with a median-heuristic Gaussian kernel. */
  static double mmdPermutationPValue(double[][] a, double[][] b, Random rng) {
    int n = a.length + b.length;
    double[][] z = new double[n][];
    System.arraycopy(a, 0, z, 0, a.length);
    System.arraycopy(b, 0, z, a.length, b.length);
    double[][] d2 = new double[n][n];
    List<Double> sample = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        double s = 0;
        for (int k = 0; k < z[i].length; k++) {
          double diff = z[i][k] - z[j][k];
          s += diff * diff;
        }
        d2[i][j] = d2[j][i] = s;
        if ((i * 31 + j) % 97 == 0) {
          sample.add(s);
        }
      }
    }
    sample.sort(Double::compare);
    double bandwidth2 = Math.max(1e-12, sample.get(sample.size() / 2));
    double[][] k = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        k[i][j] = Math.exp(-d2[i][j] / bandwidth2);
      }
    }
    int[] labels = new int[n];
    for (int i = a.length; i < n; i++) {
      labels[i] = 1;
    }
    double observed = mmd2(k, labels, a.length, b.length);
    int atLeast = 0;
    for (int p = 0; p < PERMUTATIONS; p++) {
      for (int i = n - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        int t = labels[i];
        labels[i] = labels[j];
        labels[j] = t;
      }
      if (mmd2(k, labels, a.length, b.length) >= observed) {
        atLeast++;
      }
    }
    return (atLeast + 1.0) / (PERMUTATIONS + 1.0);
  }

  private static double mmd2(double[][] k, int[] labels, int na, int nb) {
    double aa = 0;
    double bb = 0;
    double ab = 0;
    for (int i = 0; i < k.length; i++) {
      double[] row = k[i];
      for (int j = 0; j < k.length; j++) {
        if (labels[i] == 0 && labels[j] == 0) {
          aa += row[j];
        } else if (labels[i] == 1 && labels[j] == 1) {
          bb += row[j];
        } else {
          ab += row[j];
        }
      }
    }
    return aa / ((double) na * na) + bb / ((double) nb * nb) - ab / ((double) na * nb);
  }
}
