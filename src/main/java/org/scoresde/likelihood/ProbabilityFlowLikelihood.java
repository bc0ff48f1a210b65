package org.scoresde.likelihood;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.scoresde.nd4j.JavaArrays;
import org.scoresde.ode.Dopri5;
import org.scoresde.ode.IndexedBatchOde;
import org.scoresde.ode.OdeResult;
import org.scoresde.score.ProbabilityFlow;
import org.scoresde.score.ScoreModel;
import org.scoresde.sde.Sde;

/**
 * Exact log-likelihoods of a score model by the instantaneous change of variables along its
 * probability-flow ODE dx/dt = a(t) x - g(t)^2 s(x, t) / 2:
 * log p_eta(x) = log p_T(z_T) + int_eta^T div(drift) dt, with div(drift) = D a(t) - g(t)^2 div s / 2.
 * The state [x, delta] of every row is integrated from eta to T by {@link Dopri5}, each row with its
 * own steps; div s comes from a {@link DivergenceEstimator} (exact, or Hutchinson's with probes fixed
 * for the whole integration).
 *
 * <p>Typical use: {@code new ProbabilityFlowLikelihood(model, DivergenceEstimator.rademacher())
 * .logLikelihood(x, seed)}, with eta = 1e-5, rtol = atol = 1e-5 and the SDE's prior, as in score_sde.
 */
public final class ProbabilityFlowLikelihood {
  /** The default starting time eta (score_sde's eps for likelihoods). */
  public static final double DEFAULT_ETA = 1e-5;
  /** The default relative and absolute tolerance of the solver. */
  public static final double DEFAULT_TOLERANCE = 1e-5;

  private final ScoreModel model;
  private final DivergenceEstimator estimator;
  private final double eta;
  private final Dopri5 solver;
  private final TerminalDensity terminal;

  /** Defaults: eta = 1e-5, rtol = atol = 1e-5, the SDE's prior as the terminal density. */
  public ProbabilityFlowLikelihood(ScoreModel model, DivergenceEstimator estimator) {
    this(model, estimator, DEFAULT_ETA, DEFAULT_TOLERANCE, DEFAULT_TOLERANCE, TerminalDensity.prior(model.sde()));
  }

  /**
   * Every setting: the start time eta in (0, T), the solver's tolerances, and the terminal log density
   * (normally {@link TerminalDensity#prior}).
   */
  public ProbabilityFlowLikelihood(
      ScoreModel model, DivergenceEstimator estimator, double eta, double rtol, double atol, TerminalDensity terminal) {
    this(model, estimator, eta, new Dopri5(rtol, atol), terminal);
  }

  private ProbabilityFlowLikelihood(
      ScoreModel model, DivergenceEstimator estimator, double eta, Dopri5 solver, TerminalDensity terminal) {
    if (model == null || estimator == null || solver == null || terminal == null) {
      throw new IllegalArgumentException("ProbabilityFlowLikelihood needs a model, an estimator, a solver and a terminal density");
    }
    double horizon = model.sde().horizon();
    if (!(eta > 0 && eta < horizon)) {
      throw new IllegalArgumentException("eta must lie in (0, T = " + horizon + "), got " + eta);
    }
    this.model = model;
    this.estimator = estimator;
    this.eta = eta;
    this.solver = solver;
    this.terminal = terminal;
  }

  /** The same likelihood with another start time eta. */
  public ProbabilityFlowLikelihood withEta(double newEta) {
    return new ProbabilityFlowLikelihood(model, estimator, newEta, solver, terminal);
  }

  /** The same likelihood with other solver tolerances. */
  public ProbabilityFlowLikelihood withTolerances(double rtol, double atol) {
    return new ProbabilityFlowLikelihood(model, estimator, eta, new Dopri5(rtol, atol).withMaxSteps(solver.maxSteps()), terminal);
  }

  /** The same likelihood with another solver (for its step limit or step-control settings). */
  public ProbabilityFlowLikelihood withSolver(Dopri5 newSolver) {
    return new ProbabilityFlowLikelihood(model, estimator, eta, newSolver, terminal);
  }

  /** The same likelihood closed by another terminal density. */
  public ProbabilityFlowLikelihood withTerminalDensity(TerminalDensity newTerminal) {
    return new ProbabilityFlowLikelihood(model, estimator, eta, solver, newTerminal);
  }

  public ScoreModel model() {
    return model;
  }

  public DivergenceEstimator estimator() {
    return estimator;
  }

  public double eta() {
    return eta;
  }

  public Dopri5 solver() {
    return solver;
  }

  /**
   * log p_eta(x0) for every row of x0 [N, D], in nats, in x0's data type; {@code seed} fixes the
   * Hutchinson probes (ignored by the exact trace).
   *
   * @throws org.scoresde.ode.IntegrationFailedException if a row cannot be integrated to T
   */
  public LikelihoodResult logLikelihood(INDArray x0, long seed) {
    return logLikelihood(x0, DivergenceEstimator.rowSeeds((int) x0.size(0), seed));
  }

  /**
   * log p_eta(x0) as {@link #logLikelihood(INDArray, long)}, row i's Hutchinson probes drawn from
   * {@code rowSeeds[i]}: a row's value then depends on its own seed, not on the rows beside it.
   */
  public LikelihoodResult logLikelihood(INDArray x0, long[] rowSeeds) {
    int d = model.dimension();
    if (x0.rank() != 2 || x0.size(1) != d) {
      throw new IllegalArgumentException("x0 must have shape [N, " + d + "], got " + java.util.Arrays.toString(x0.shape()));
    }
    int n = (int) x0.size(0);
    if (rowSeeds.length != n) {
      throw new IllegalArgumentException("expected one probe seed per row (" + n + "), got " + rowSeeds.length);
    }
    Sde sde = model.sde();
    ProbabilityFlow flow = new ProbabilityFlow(model);
    ScoreDivergence divergence = estimator.start(model, rowSeeds, x0.dataType());
    IndexedBatchOde augmented = (rows, t, y) -> {
      int m = rows.length;
      INDArray x = y.get(NDArrayIndex.all(), NDArrayIndex.interval(0, d)).dup();
      ScoreDivergence.Result r = divergence.evaluate(rows, x, t);
      double[] tv = JavaArrays.values(t);
      double[] div = JavaArrays.values(r.divergence());
      double[] divDrift = new double[m];
      for (int i = 0; i < m; i++) {
        divDrift[i] = d * sde.driftCoefficient(tv[i]) - 0.5 * sde.diffusionSquared(tv[i]) * div[i];
      }
      return Nd4j.hstack(flow.drift(x, t, r.score()), JavaArrays.create(divDrift, new long[] {m, 1}, y.dataType()));
    };
    INDArray y0 = Nd4j.hstack(x0, Nd4j.zeros(x0.dataType(), n, 1));
    OdeResult out = solver.integrate(augmented, y0, eta, sde.horizon());
    INDArray latent = out.y().get(NDArrayIndex.all(), NDArrayIndex.interval(0, d)).dup();
    INDArray integral = out.y().getColumn(d).dup().reshape(n);
    INDArray logPT = terminal.logDensity(latent).reshape(n).castTo(x0.dataType());
    return new LikelihoodResult(logPT.add(integral), logPT, integral, latent, out.evaluations(),
        out.acceptedSteps(), out.rejectedSteps(), out.evaluationsPerRow());
  }

  /**
   * Evaluates the score and its divergence once on {@code rows} rows (x = 0 at the horizon) and drops
   * the result. The network's workspaces only grow, to the most rows a call has had, so after this a
   * task holds the memory of a full batch from its first step: what it holds then depends on the batch
   * size it was given, not on how many rows its data happen to fill.
   */
  public void warmUp(int rows, DataType type) {
    if (rows < 1) {
      throw new IllegalArgumentException("rows must be positive, got " + rows);
    }
    double[] times = new double[rows];
    Arrays.fill(times, model.sde().horizon());
    ScoreDivergence divergence = estimator.start(model, new long[rows], type);
    divergence.evaluate(IntStream.range(0, rows).toArray(), Nd4j.zeros(type, rows, model.dimension()),
        JavaArrays.vector(times, type));
  }

  @Override
  public String toString() {
    return "ProbabilityFlowLikelihood(" + model.sde() + ", " + estimator + ", eta=" + eta
        + ", rtol=" + solver.rtol() + ", atol=" + solver.atol() + ")";
  }
}
