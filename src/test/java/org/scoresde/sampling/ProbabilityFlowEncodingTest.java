package org.scoresde.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.score.GaussianMixture;
import org.scoresde.score.GaussianMixtureScore;
import org.scoresde.sde.Sde;
import org.scoresde.sde.Sdes;

/** Encoding follows the exact flow of a Gaussian, decoding inverts it for a mixture, slerp keeps norms. */
class ProbabilityFlowEncodingTest {
  private static final double EPS = 1e-3;

  private static double maxRowError(INDArray a, INDArray b) {
    return a.sub(b).norm2(1).maxNumber().doubleValue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"vp", "subvp", "ve"})
  void encodingIsTheExactFlowOfAGaussian(String sdeName) {
    Sde sde = Sdes.create(sdeName);
    GaussianMixture g = new GaussianMixture(
        new double[] {1}, new double[][] {{0.5, -1}}, new double[][][] {{{0.3, 0.1}, {0.1, 0.05}}});
    GaussianMixtureScore model = new GaussianMixtureScore(g, sde);
    ProbabilityFlowEncoding enc = new ProbabilityFlowEncoding(model, EPS);
    INDArray x0 = model.marginal(EPS).sample(100, 3, DataType.DOUBLE);
    INDArray latent = enc.encode(x0);
    INDArray exact = new GaussianFlow(g, sde).map(x0, EPS, sde.horizon());
    double scale = sde.priorStd();
    double err = maxRowError(latent, exact) / scale;
    System.out.printf("%s: encode error %.2e (relative to prior std)%n", sdeName, err);
    // RK4 with 100 log-SNR steps: measured below 1e-5 of the prior scale
    assertTrue(err < 1e-4, sdeName + ": encoding error " + err);
    assertEquals(400, enc.nfe());
  }

  @ParameterizedTest
  @ValueSource(strings = {"vp", "subvp", "ve"})
  void decodingAnEncodingReturnsTheStartingPoint(String sdeName) {
    Sde sde = Sdes.create(sdeName);
    GaussianMixtureScore model = new GaussianMixtureScore(GaussianMixture.random(3, 4, new Random(21)), sde);
    ProbabilityFlowEncoding enc = new ProbabilityFlowEncoding(model, EPS);
    INDArray x0 = model.marginal(EPS).sample(200, 8, DataType.DOUBLE);
    INDArray latent = enc.encode(x0);
    INDArray back = enc.decode(latent);
    double err = maxRowError(back, x0);
    double moved = latent.sub(x0).norm2(1).minNumber().doubleValue();
    System.out.printf("%s: round trip max error %.2e, latent moved at least %.2f%n", sdeName, err, moved);
    // data scale is about 1; two RK4 passes of 100 log-SNR steps measured below 1e-4
    assertTrue(err < 1e-3, sdeName + ": round-trip error " + err);
    assertTrue(moved > 0.1, "the encoding must actually move the points");
  }

  @Test
  void slerpFollowsTheGreatCircle() {
    INDArray a = Nd4j.createFromArray(new double[][] {{3, 0, 0}, {1, 1, 0}});
    INDArray b = Nd4j.createFromArray(new double[][] {{0, 3, 0}, {2, 2, 0}});
    assertEquals(a, Interpolation.slerp(a, b, 0.0));
    INDArray end = Interpolation.slerp(a, b, 1.0);
    assertEquals(0, maxRowError(end, b), 1e-12);
    INDArray mid = Interpolation.slerp(a, b, 0.5);
    // orthogonal rows of norm 3: the midpoint is at 45 degrees with norm 3
    double h = 3 / Math.sqrt(2);
    assertEquals(h, mid.getDouble(0, 0), 1e-12);
    assertEquals(h, mid.getDouble(0, 1), 1e-12);
    // parallel rows fall back to the straight line
    assertEquals(1.5, mid.getDouble(1, 0), 1e-12);

    INDArray p = Interpolation.path(Nd4j.createFromArray(1.0, 0.0), Nd4j.createFromArray(0.0, 1.0), 5);
    assertEquals(5, p.size(0));
    for (int i = 0; i < 5; i++) {
      double angle = Math.PI / 2 * i / 4;
      assertEquals(Math.cos(angle), p.getDouble(i, 0), 1e-12);
      assertEquals(Math.sin(angle), p.getDouble(i, 1), 1e-12);
    }
    assertThrows(IllegalArgumentException.class, () -> Interpolation.path(a.getRow(0), b.getRow(0), 1));
    assertThrows(IllegalArgumentException.class, () -> Interpolation.slerp(a, b.getRow(0, true), 0.5));
  }
}
