package org.scoresde.ode;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.scoresde.nd4j.JavaArrays;
import org.scoresde.nd4j.Workspaces;

/**
 * The adaptive Dormand-Prince 5(4) Runge-Kutta method (FSAL, seven stages, six evaluations of F
 * per step) in which every row of the batch is an independent problem: each row has its own time
 * and step size, its own error norm RMS_j(err_j / (atol + rtol max(|y_j|, |y_new_j|))), and
 * accepts, rejects and adapts its step on its own, so a stiff or fast row does not force small
 * steps on the others. All rows are evaluated together in one batch call per stage.
 *
 * <p>Rows that reach the end time leave the batch (their state is copied out and the remaining
 * rows are gathered into a smaller batch), rather than being kept with h = 0: each evaluation of F
 * then costs only the rows still moving, which matters when F is a network; the gather happens
 * only on steps where some row finishes. Because of this, a {@link BatchOde} passed here must treat
 * every row alike; an ODE whose rows carry their own constants implements {@link IndexedBatchOde}.
 *
 * <p>Step control: the new step is h * clamp(safety * norm^(-1/5), minFactor, maxFactor), never
 * growing right after a rejection; the first step is chosen per row by the Hairer-Norsett-Wanner
 * heuristic (one extra evaluation of F) unless a first step is given. Integration runs forward
 * (t0 < t1) or backward (t0 > t1). Arithmetic is in the data type of y0. The solver never modifies
 * y0 or the arrays F returns.
 *
 * <p>Memory: each step runs in a cyclic ND4J workspace of the calling thread, so the arrays of a
 * step (stages, error estimates, and whatever F makes) reuse the same memory step after step, and
 * only the state and the last stage are copied out. F must therefore not keep any array it is
 * given or makes beyond its call; its result is read before the step ends.
 */
public final class Dopri5 {
  private static final double[] C = {0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1};
  private static final double[][] A = {
    {},
    {1.0 / 5},
    {3.0 / 40, 9.0 / 40},
    {44.0 / 45, -56.0 / 15, 32.0 / 9},
    {19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
    {9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
    {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84}
  };
  /** Fifth-order weights minus the embedded fourth-order weights, for stages 1..7. */
  private static final double[] E = {
    71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525, -1.0 / 40
  };

  /** The cyclic workspace in which one step's arrays live (bounded memory however many steps). */
  private static final String WORKSPACE = "SCORESDE_DOPRI5_STEP";

  /** The default step limit per row (accepted plus rejected steps). */
  public static final int DEFAULT_MAX_STEPS = 10_000;

  private final double rtol;
  private final double atol;
  private final double safety;
  private final double minFactor;
  private final double maxFactor;
  private final double firstStep;
  private final int maxSteps;

  /**
   * Dormand-Prince with relative and absolute tolerances, safety factor 0.9, step factors in
   * [0.2, 10], automatic first step, and at most {@value #DEFAULT_MAX_STEPS} steps per row.
   */
  public Dopri5(double rtol, double atol) {
    this(rtol, atol, 0.9, 0.2, 10.0, 0.0, DEFAULT_MAX_STEPS);
  }

  private Dopri5(
      double rtol, double atol, double safety, double minFactor, double maxFactor, double firstStep,
      int maxSteps) {
    if (!(rtol >= 0 && atol >= 0 && rtol + atol > 0)) {
      throw new IllegalArgumentException("Dopri5 needs rtol >= 0, atol >= 0, not both 0; got " + rtol + ", " + atol);
    }
    if (!(safety > 0 && safety <= 1 && minFactor > 0 && minFactor < 1 && maxFactor > 1)) {
      throw new IllegalArgumentException("Dopri5 needs 0 < safety <= 1, 0 < minFactor < 1 < maxFactor");
    }
    if (!(firstStep >= 0) || maxSteps < 1) {
      throw new IllegalArgumentException("Dopri5 needs firstStep >= 0 (0 = automatic) and maxSteps >= 1");
    }
    this.rtol = rtol;
    this.atol = atol;
    this.safety = safety;
    this.minFactor = minFactor;
    this.maxFactor = maxFactor;
    this.firstStep = firstStep;
    this.maxSteps = maxSteps;
  }

  /** rtol = atol = 1e-5, the likelihood defaults of score_sde. */
  public static Dopri5 defaults() {
    return new Dopri5(1e-5, 1e-5);
  }

  /** The same solver with another limit on the steps (accepted plus rejected) of any row. */
  public Dopri5 withMaxSteps(int steps) {
    return new Dopri5(rtol, atol, safety, minFactor, maxFactor, firstStep, steps);
  }

  /** The same solver with another safety factor (0 < safety <= 1). */
  public Dopri5 withSafety(double s) {
    return new Dopri5(rtol, atol, s, minFactor, maxFactor, firstStep, maxSteps);
  }

  /** The same solver with other bounds on the factor by which one step changes h. */
  public Dopri5 withStepFactorBounds(double min, double max) {
    return new Dopri5(rtol, atol, safety, min, max, firstStep, maxSteps);
  }

  /** The same solver starting every row with step |h| (0 restores the automatic choice). */
  public Dopri5 withFirstStep(double h) {
    return new Dopri5(rtol, atol, safety, minFactor, maxFactor, Math.abs(h), maxSteps);
  }

  public double rtol() {
    return rtol;
  }

  public double atol() {
    return atol;
  }

  public int maxSteps() {
    return maxSteps;
  }

  /** Integrates an ODE that treats rows alike from y0 [N, M] at t0 to t1; y0 is not modified. */
  public OdeResult integrate(BatchOde ode, INDArray y0, double t0, double t1) {
    return integrate(IndexedBatchOde.of(ode), y0, t0, t1);
  }

  /** Integrates from y0 [N, M] at t0 to t1, telling F which original rows it evaluates. */
  public OdeResult integrate(IndexedBatchOde ode, INDArray y0, double t0, double t1) {
    if (!Double.isFinite(t0) || !Double.isFinite(t1)) {
      throw new IllegalArgumentException("Dopri5 needs finite times, got " + t0 + " -> " + t1);
    }
    if (y0.rank() != 2) {
      throw new IllegalArgumentException("Dopri5 needs a state of shape [N, M], got " + Arrays.toString(y0.shape()));
    }
    int n0 = (int) y0.size(0);
    int[] accepted = new int[n0];
    int[] rejected = new int[n0];
    INDArray out = y0.dup();
    if (t0 == t1 || n0 == 0) {
      return new OdeResult(out, 0, 0, accepted, rejected, new int[n0]);
    }
    Counter counter = new Counter(ode, n0);
    DataType type = y0.dataType();
    double dir = Math.signum(t1 - t0);
    double span = Math.abs(t1 - t0);

    int[] rows = new int[n0];
    Arrays.setAll(rows, i -> i);
    double[] t = new double[n0];
    Arrays.fill(t, t0);
    boolean[] lastRejected = new boolean[n0];
    MemoryWorkspace caller = Workspaces.current();
    INDArray y = y0.dup();
    INDArray k1;
    double[] hAbs;
    try (MemoryWorkspace step = Workspaces.iteration(WORKSPACE)) {
      INDArray f0 = counter.eval(rows, t, y, type);
      hAbs = firstStep > 0 ? filled(n0, Math.min(firstStep, span))
          : initialStep(counter, rows, t0, dir, span, y, f0, type);
      k1 = Workspaces.copyInto(caller, f0);
    }

    while (rows.length > 0) {
      try (MemoryWorkspace step = Workspaces.iteration(WORKSPACE)) {
        int n = rows.length;
        long width = y.size(1);
        INDArray stages = Nd4j.createUninitialized(type, 7, n * width);
        double[] h = new double[n];
        boolean[] lands = new boolean[n];
        for (int i = 0; i < n; i++) {
          double remaining = Math.abs(t1 - t[i]);
          lands[i] = hAbs[i] >= remaining;
          h[i] = lands[i] ? t1 - t[i] : dir * hAbs[i];
        }
        INDArray hCol = JavaArrays.column(h, type);
        stages.getRow(0).assign(k1.reshape(n * width));
        INDArray yNew = null;
        INDArray k7 = null;
        for (int s = 1; s < 7; s++) {
          INDArray ys = combination(A[s], stages, s, type).reshape(n, width).muliColumnVector(hCol).addi(y);
          double[] ts = new double[n];
          for (int i = 0; i < n; i++) {
            ts[i] = C[s] == 1 ? (lands[i] ? t1 : t[i] + h[i]) : t[i] + C[s] * h[i];
          }
          INDArray ks = counter.eval(rows, ts, ys, type);
          stages.getRow(s).assign(ks.reshape(n * width));
          yNew = ys;
          k7 = ks;
        }
        INDArray err = combination(E, stages, 7, type).reshape(n, width).muliColumnVector(hCol);
        INDArray scale = Transforms.max(Transforms.abs(y, true), Transforms.abs(yNew, true), false)
            .muli(rtol).addi(atol);
        double[] norm = rowRms(err.divi(scale));

        boolean[] ok = new boolean[n];
        int nAccepted = 0;
        int nFinished = 0;
        for (int i = 0; i < n; i++) {
          int r = rows[i];
          double e = norm[i];
          ok[i] = e <= 1.0;
          double factor = Double.isNaN(e) ? minFactor
              : e == 0 ? maxFactor : Math.min(maxFactor, Math.max(minFactor, safety * Math.pow(e, -0.2)));
          if (ok[i]) {
            nAccepted++;
            accepted[r]++;
            if (lastRejected[i]) {
              factor = Math.min(factor, 1.0);
            }
            t[i] = lands[i] ? t1 : t[i] + h[i];
            hAbs[i] = Math.abs(h[i]) * factor;
            lastRejected[i] = false;
            if (lands[i]) {
              nFinished++;
            }
          } else {
            rejected[r]++;
            hAbs[i] = Math.abs(h[i]) * Math.min(factor, 1.0);
            lastRejected[i] = true;
            if (!(hAbs[i] > 8 * Math.ulp(Math.max(Math.abs(t[i]), span)))) {
              throw new IntegrationFailedException(String.format(
                  "Dopri5: step size underflow in row %d at t = %g (h = %g, error norm %g): F may return"
                      + " NaN or infinity there, or the problem is too stiff for an explicit method",
                  r, t[i], hAbs[i], e), r, t[i]);
            }
          }
          if (!(ok[i] && lands[i]) && accepted[r] + rejected[r] >= maxSteps) {
            throw new IntegrationFailedException(String.format(
                "Dopri5: row %d took %d steps (%d rejected) and reached only t = %g of %g -> %g"
                    + " (h = %g); loosen rtol/atol (now %g/%g) or raise the step limit withMaxSteps",
                r, accepted[r] + rejected[r], rejected[r], t[i], t0, t1, hAbs[i], rtol, atol), r, t[i]);
          }
        }
        if (nAccepted == 0) {
          continue;
        }
        INDArray yNext = yNew;
        INDArray kNext = k7;
        if (nAccepted < n) {
          int[] pick = new int[n];
          for (int i = 0; i < n; i++) {
            pick[i] = ok[i] ? n + i : i;
          }
          yNext = Nd4j.vstack(y, yNew).getRows(pick);
          kNext = Nd4j.vstack(k1, k7).getRows(pick);
        }
        if (nFinished > 0) {
          int[] keep = new int[n - nFinished];
          int m = 0;
          for (int i = 0; i < n; i++) {
            if (ok[i] && lands[i]) {
              out.putRow(rows[i], yNext.getRow(i));
            } else {
              keep[m++] = i;
            }
          }
          rows = select(rows, keep);
          t = select(t, keep);
          hAbs = select(hAbs, keep);
          lastRejected = select(lastRejected, keep);
          if (keep.length == 0) {
            break;
          }
          yNext = yNext.getRows(keep);
          kNext = kNext.getRows(keep);
        }
        y = Workspaces.keep(caller, y, yNext);
        k1 = Workspaces.keep(caller, k1, kNext);
      }
    }
    return new OdeResult(out, counter.calls, counter.rowsEvaluated, accepted, rejected, counter.perRow);
  }

  /** Hairer, Norsett and Wanner's starting step (Solving ODEs I, II.4), row by row. */
  private double[] initialStep(
      Counter counter, int[] rows, double t0, double dir, double span, INDArray y0, INDArray f0, DataType type) {
    int n = rows.length;
    INDArray scale = Transforms.abs(y0, true).muli(rtol).addi(atol);
    double[] d0 = rowRms(y0.div(scale));
    double[] d1 = rowRms(f0.div(scale));
    double[] h0 = new double[n];
    for (int i = 0; i < n; i++) {
      h0[i] = Math.min(span, (d0[i] < 1e-5 || d1[i] < 1e-5) ? 1e-6 : 0.01 * d0[i] / d1[i]);
    }
    double[] signed = new double[n];
    double[] t = new double[n];
    for (int i = 0; i < n; i++) {
      signed[i] = dir * h0[i];
      t[i] = t0 + signed[i];
    }
    INDArray y1 = f0.mulColumnVector(JavaArrays.column(signed, type)).addi(y0);
    INDArray f1 = counter.eval(rows, t, y1, type);
    double[] d2 = rowRms(f1.sub(f0).divi(scale));
    double[] h = new double[n];
    for (int i = 0; i < n; i++) {
      double d = Math.max(d1[i], d2[i] / h0[i]);
      double h1 = d <= 1e-15 ? Math.max(1e-6, h0[i] * 1e-3) : Math.pow(0.01 / d, 0.2);
      h[i] = Math.min(span, Math.min(100 * h0[i], h1));
    }
    return h;
  }

  /**
   * sum_j coefficients[j] k_j over the first {@code count} stages, the stages held as the rows of
   * one [7, n M] array: one matrix-vector product instead of a chain of scaled additions.
   */
  private static INDArray combination(double[] coefficients, INDArray stages, int count, DataType type) {
    double[] c = Arrays.copyOf(coefficients, count);
    return JavaArrays.vector(c, type).reshape(1, count).mmul(stages.get(NDArrayIndex.interval(0, count), NDArrayIndex.all()));
  }

  /** sqrt(mean_j a_ij^2) for every row i. */
  private static double[] rowRms(INDArray a) {
    double[] ms = a.mul(a).mean(1).castTo(DataType.DOUBLE).toDoubleVector();
    for (int i = 0; i < ms.length; i++) {
      ms[i] = Math.sqrt(ms[i]);
    }
    return ms;
  }

  private static double[] filled(int n, double v) {
    double[] a = new double[n];
    Arrays.fill(a, v);
    return a;
  }

  private static int[] select(int[] a, int[] keep) {
    int[] b = new int[keep.length];
    for (int i = 0; i < keep.length; i++) {
      b[i] = a[keep[i]];
    }
    return b;
  }

  private static double[] select(double[] a, int[] keep) {
    double[] b = new double[keep.length];
    for (int i = 0; i < keep.length; i++) {
      b[i] = a[keep[i]];
    }
    return b;
  }

  private static boolean[] select(boolean[] a, int[] keep) {
    boolean[] b = new boolean[keep.length];
    for (int i = 0; i < keep.length; i++) {
      b[i] = a[keep[i]];
    }
    return b;
  }

  /** Evaluates F and counts batch calls and rows, checking the shape it returns. */
  private static final class Counter {
    private final IndexedBatchOde ode;
    private final int[] perRow;
    private long calls;
    private long rowsEvaluated;

    Counter(IndexedBatchOde ode, int n) {
      this.ode = ode;
      this.perRow = new int[n];
    }

    INDArray eval(int[] rows, double[] t, INDArray y, DataType type) {
      calls++;
      rowsEvaluated += rows.length;
      for (int r : rows) {
        perRow[r]++;
      }
      INDArray f = ode.derivative(rows, JavaArrays.vector(t, type), y);
      if (!Arrays.equals(f.shape(), y.shape())) {
        throw new IllegalStateException("F returned shape " + Arrays.toString(f.shape())
            + " for a state of shape " + Arrays.toString(y.shape()));
      }
      return f;
    }
  }
}
