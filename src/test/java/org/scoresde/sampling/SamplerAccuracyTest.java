package org.scoresde.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.scoresde.score.GaussianMixture;
import org.scoresde.score.GaussianMixtureScore;
import org.scoresde.sde.Sde;
import org.scoresde.sde.Sdes;
import org.scoresde.sde.VpSde;

/**
 * The ODE samplers against the closed-form flow of Gaussian data (convergence at their order),
 * the identities between samplers, NFE counts, trajectory recording, seeds, data types and the
 * factories.
 */
class SamplerAccuracyTest {
  private static final double EPS = 1e-3;
  private static final GaussianMixture GAUSSIAN = new GaussianMixture(
      new double[] {1}, new double[][] {{0.5, -1}}, new double[][][] {{{0.3, 0.1}, {0.1, 0.05}}});

  private static double rms(INDArray a, INDArray b) {
    double norm = a.sub(b).norm2Number().doubleValue();
    return norm / Math.sqrt(a.size(0));
  }

  /**
   * On a grid uniform in log-SNR, halving the step from 40 to 80 steps divides the error against
   * the exact flow by at least 2^(order - 0.3): measured ratios were 2^0.89..2^1.06 (first order),
   * 2^1.93..2^2.07 (second), 2^3.1..2^3.9 (third), so 0.3 leaves room without admitting a lower order.
   */
  @ParameterizedTest
  @ValueSource(strings = {"vp", "ve", "subvp"})
  void odeSamplersConvergeAtTheirOrder(String sdeName) {
    Sde sde = Sdes.create(sdeName);
    GaussianMixtureScore model = new GaussianMixtureScore(GAUSSIAN, sde);
    INDArray xT = sde.samplePrior(200, 2, 5, DataType.DOUBLE);
    INDArray exact = new GaussianFlow(GAUSSIAN, sde).map(xT, sde.horizon(), EPS);
    Object[][] cases = {
        {new ProbabilityFlowEuler(), 1}, {new Ddim(), 1}, {new Heun(), 2}, {new DpmSolver(2), 2},
        {new DpmSolver(2, false), 2}, {new DpmSolver(3), 3}, {new DpmSolver(3, false), 3}};
    for (Object[] c : cases) {
      Sampler sampler = (Sampler) c[0];
      int order = (Integer) c[1];
      double e40 = rms(sampler.sample(model, xT, new LogSnrSchedule().grid(sde, 40, EPS), 1).samples(), exact);
      double e80 = rms(sampler.sample(model, xT, new LogSnrSchedule().grid(sde, 80, EPS), 1).samples(), exact);
      double observed = Math.log(e40 / e80) / Math.log(2);
      assertTrue(observed >= order - 0.3,
          sdeName + " " + sampler + ": error " + e40 + " at 40 steps, " + e80 + " at 80, observed order " + observed);
      // a solver of order p must already be close at 80 steps: measured at most 0.14 (VE Euler in t)
      assertTrue(e80 < 0.2, sdeName + " " + sampler + ": error " + e80 + " at 80 steps");
    }
  }

  @Test
  void ddimIsFirstOrderDpmSolverAndEdmEuler() {
    Sde sde = new VpSde();
    GaussianMixtureScore model = new GaussianMixtureScore(GaussianMixture.random(3, 2, new Random(3)), sde);
    INDArray xT = sde.samplePrior(100, 2, 9, DataType.DOUBLE);
    double[] grid = new EdmSchedule().grid(sde, 12, EPS);
    INDArray ddim = new Ddim().sample(model, xT, grid, 0).samples();
    // the same update written three ways; they differ by rounding only
    assertEquals(0, rms(ddim, new DpmSolver(1).sample(model, xT, grid, 0).samples()), 1e-12);
    assertEquals(0, rms(ddim, new DpmSolver(1, false).sample(model, xT, grid, 0).samples()), 1e-12);
    double[] one = {grid[0], grid[1]};
    assertEquals(0, rms(new Ddim().sample(model, xT, one, 0).samples(),
        new Heun(true).sample(model, xT, one, 0).samples()), 1e-12);
  }

  @Test
  void nfeCountsBatchedScoreEvaluations() {
    Sde sde = new VpSde();
    GaussianMixtureScore model = new GaussianMixtureScore(GAUSSIAN, sde);
    INDArray xT = sde.samplePrior(10, 2, 1, DataType.DOUBLE);
    double[] grid = new UniformSchedule().grid(sde, 12, EPS);
    assertEquals(12, new EulerMaruyama().sample(model, xT, grid, 0).nfe());
    assertEquals(12, new ReverseDiffusionPredictor().sample(model, xT, grid, 0).nfe());
    assertEquals(12 * 3, new PredictorCorrector(new ReverseDiffusionPredictor(), new LangevinCorrector(0.16, 2))
        .sample(model, xT, grid, 0).nfe());
    assertEquals(12, new ProbabilityFlowEuler().sample(model, xT, grid, 0).nfe());
    assertEquals(2 * 12 - 1, new Heun().sample(model, xT, grid, 0).nfe());
    assertEquals(2 * 12, new Heun(false).sample(model, xT, grid, 0).nfe());
    assertEquals(12, new DpmSolver(3).sample(model, xT, grid, 0).nfe());
    assertEquals(3 * 12, new DpmSolver(3, false).sample(model, xT, grid, 0).nfe());
    assertEquals(2 * 12, new DpmSolver(2, false).sample(model, xT, grid, 0).nfe());
    assertEquals(12, new Ddim(0.5).sample(model, xT, grid, 0).nfe());
  }

  @Test
  void recordingKeepsSamplingAndDenoisingTrajectories() {
    Sde sde = new VpSde();
    GaussianMixtureScore model = new GaussianMixtureScore(GaussianMixture.random(2, 3, new Random(4)), sde);
    INDArray xT = sde.samplePrior(20, 3, 2, DataType.DOUBLE);
    double[] grid = new LogSnrSchedule().grid(sde, 8, EPS);
    for (Sampler sampler : List.of(new PredictorCorrector(new EulerMaruyama(), new LangevinCorrector()),
        new DpmSolver(3), new Heun(), new Ddim(1.0), new ProbabilityFlowEuler())) {
      SampleResult plain = sampler.sample(model, xT, grid, 7);
      TrajectoryRecorder recorder = new TrajectoryRecorder(model, 4);
      SampleResult rec = sampler.sample(model, xT, grid, 7, recorder);
      // recording must not change the run: same samples bit for bit, same NFE
      assertEquals(plain.samples(), rec.samples(), sampler.toString());
      assertEquals(plain.nfe(), rec.nfe());
      assertEquals(grid.length, recorder.states().size());
      assertEquals(grid.length, recorder.denoised().size());
      assertArrayEquals(grid, rec.grid());
      assertEquals(xT.get(NDArrayIndex.interval(0, 4), NDArrayIndex.all()), recorder.states().get(0));
      assertEquals(rec.samples().get(NDArrayIndex.interval(0, 4), NDArrayIndex.all()), recorder.states().get(grid.length - 1));
      for (int i = 0; i < grid.length; i++) {
        INDArray x = recorder.states().get(i);
        assertArrayEquals(new long[] {4, 3}, x.shape());
        INDArray expected = model.denoise(x, Grids.times(x, grid[i]));
        // Tweedie's formula computed two ways, rounding only
        assertEquals(0, rms(expected, recorder.denoised().get(i)), 1e-10, sampler + " x0_hat at t = " + grid[i]);
      }
    }
  }

  @Test
  void seedsMakeStochasticRunsReproducible() {
    Sde sde = new VpSde();
    GaussianMixtureScore model = new GaussianMixtureScore(GAUSSIAN, sde);
    INDArray xT = sde.samplePrior(50, 2, 1, DataType.DOUBLE);
    double[] grid = new UniformSchedule().grid(sde, 20, EPS);
    for (Sampler s : List.of(new EulerMaruyama(), new ReverseDiffusionPredictor(), new Ddim(1.0),
        new PredictorCorrector(new ReverseDiffusionPredictor(), new LangevinCorrector()))) {
      assertEquals(s.sample(model, xT, grid, 11).samples(), s.sample(model, xT, grid, 11).samples());
      assertNotEquals(s.sample(model, xT, grid, 11).samples(), s.sample(model, xT, grid, 12).samples());
    }
  }

  @Test
  void floatBatchesStayFloat() {
    Sde sde = new VpSde();
    GaussianMixtureScore model = new GaussianMixtureScore(GAUSSIAN, sde);
    INDArray xT = sde.samplePrior(30, 2, 1, DataType.FLOAT);
    double[] grid = new EdmSchedule().grid(sde, 10, EPS);
    INDArray exact = new GaussianFlow(GAUSSIAN, sde).map(xT.castTo(DataType.DOUBLE), sde.horizon(), EPS);
    for (String name : Samplers.names()) {
      TrajectoryRecorder recorder = new TrajectoryRecorder(model, 2);
      SampleResult r = Samplers.byName(name).sample(model, xT, grid, 1, recorder);
      assertEquals(DataType.FLOAT, r.samples().dataType(), name);
      assertEquals(DataType.FLOAT, recorder.denoised().get(3).dataType(), name);
      assertTrue(Double.isFinite(r.samples().norm2Number().doubleValue()), name);
    }
    // float rounding (1e-7 relative) is far below DPM-Solver-3's 10-step error (about 1e-3 here)
    INDArray dpm = new DpmSolver(3).sample(model, xT, grid, 1).samples().castTo(DataType.DOUBLE);
    assertTrue(rms(dpm, exact) < 1e-2, "float DPM-Solver-3 error " + rms(dpm, exact));
  }

  @Test
  void badGridsAreRejected() {
    Sde sde = new VpSde();
    GaussianMixtureScore model = new GaussianMixtureScore(GAUSSIAN, sde);
    INDArray xT = sde.samplePrior(3, 2, 1, DataType.DOUBLE);
    for (double[] grid : new double[][] {{1.0}, {0.5, 1.0}, {1.0, 0.5, 0.5}, {1.0, 0.0}}) {
      assertThrows(IllegalArgumentException.class, () -> new DpmSolver(2).sample(model, xT, grid, 0));
      assertThrows(IllegalArgumentException.class, () -> new EulerMaruyama().sample(model, xT, grid, 0));
    }
    assertThrows(IllegalArgumentException.class, () -> new DpmSolver(4));
    assertThrows(IllegalArgumentException.class, () -> new Ddim(1.5));
    assertThrows(IllegalArgumentException.class, () -> new LangevinCorrector(0.0, 1));
  }

  @Test
  void factoriesBuildTheNamedSamplers() {
    assertInstanceOf(EulerMaruyama.class, Samplers.byName("euler-maruyama"));
    assertInstanceOf(ReverseDiffusionPredictor.class, Samplers.byName("reverse-diffusion"));
    assertInstanceOf(ProbabilityFlowEuler.class, Samplers.byName("ode-euler"));
    assertEquals(new Heun(true), Samplers.byName("heun"));
    assertEquals(new DpmSolver(3, true), Samplers.byName("dpm-solver"));
    assertEquals(new Ddim(0.0), Samplers.byName("ddim"));
    assertEquals(new Dopri5Sampler(Samplers.ODE_TOLERANCE, Samplers.ODE_TOLERANCE), Samplers.byName("dopri5"));
    assertEquals(new Dopri5Sampler(1e-3, 1e-3), Samplers.byName("dopri5", SamplerSettings.defaults(), 1e-3));
    Sampler pc = Samplers.byName("pc");
    assertEquals("pc", pc.name());
    assertInstanceOf(ReverseDiffusionPredictor.class, ((PredictorCorrector) pc).predictor());
    for (String name : Samplers.names()) {
      assertEquals(name, Samplers.byName(name).name());
    }

    SamplerSettings s = SamplerSettings.fromMap(Map.of(
        "dpm_order", "2", "dpm_multistep", "false", "eta", 0.3, "corrector_steps", "0", "predictor", "euler-maruyama"));
    assertEquals(new DpmSolver(2, false), Samplers.byName("dpm-solver", s));
    assertEquals(new Ddim(0.3), Samplers.byName("ddim", s));
    Sampler predictorOnly = Samplers.byName("pc", s);
    assertEquals("euler-maruyama", predictorOnly.name());

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Samplers.byName("dopri"));
    assertTrue(e.getMessage().contains("euler-maruyama") && e.getMessage().contains("ddim"), e.getMessage());
    IllegalArgumentException k = assertThrows(IllegalArgumentException.class, () -> SamplerSettings.fromMap(Map.of("order", "2")));
    assertTrue(k.getMessage().contains("dpm_order"), k.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SamplerSettings.fromMap(Map.of("dpm_multistep", "yes")));
  }
}
