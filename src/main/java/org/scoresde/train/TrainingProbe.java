package org.scoresde.train;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.scoresde.fp.FokkerPlanckLoss;
import org.scoresde.fp.FokkerPlanckPenalty;
import org.scoresde.fp.FokkerPlanckStencil;
import org.scoresde.nn.ScoreNetworkConfig;
import org.scoresde.sde.Sde;

/**
 * A fixed probe batch that the driver evaluates after every averaging round with the current weights:
 * P examples at times spread evenly over [eta, T] with fixed noise give the DSM loss in equal bins of
 * t, and (with a Fokker-Planck loss given) the same points laid out by its stencil give the mean
 * Fokker-Planck penalty p_i = g^2 E_i / D^2. Computed on the driver because dl4j-spark reports only one
 * averaged score per round: per-example losses of the workers never reach the driver.
 */
public final class TrainingProbe {
  private static final long FP_STREAM = 0x50524f42L;
  /**
   * Rows per forward pass: the network ran 2-3 times slower per row on 256 rows at once than on 64
   * (one thread, 0.5-0.8 s against 4 x 0.066 s), and the probe ran between rounds on the driver.
   */
  private static final int CHUNK_ROWS = 64;

  /** The mean DSM loss |eps - eps_theta|^2 (weight 1) of the probe examples with t in [tLo, tHi). */
  public record Bin(double tLo, double tHi, double loss) {}

  /** One evaluation: the loss by t bin and the mean Fokker-Planck penalty (NaN without a stencil). */
  public record Measurement(List<Bin> lossByT, double fpPenalty) {
    public Measurement {
      lossByT = List.copyOf(lossByT);
    }

    public static Measurement none() {
      return new Measurement(List.of(), Double.NaN);
    }
  }

  private final int bins;
  private final double eta;
  private final double horizon;
  private final int[] binOf;
  private final MultiDataSet dsm;
  private final MultiDataSet stencilBatch;
  private final FokkerPlanckPenalty penalty;

  /**
   * @param x0 the probe examples in model scale, [P, C, H, W] or [P, D]
   * @param fokkerPlanck the loss whose stencil and penalty to measure, or null for the loss by t alone
   */
  public TrainingProbe(INDArray x0, Sde sde, ScoreNetworkConfig config, double eta, int bins, long seed,
      FokkerPlanckLoss fokkerPlanck) {
    int p = (int) x0.size(0);
    if (p < bins || bins < 1) {
      throw new IllegalArgumentException("a probe of " + p + " examples cannot fill " + bins + " time bins");
    }
    this.bins = bins;
    this.eta = eta;
    this.horizon = sde.horizon();
    double[] t = new double[p];
    double[] w = new double[p];
    binOf = new int[p];
    for (int i = 0; i < p; i++) {
      t[i] = eta + (horizon - eta) * (i + 0.5) / p;
      w[i] = 1.0;
      binOf[i] = Math.min(bins - 1, (int) Math.floor((t[i] - eta) / (horizon - eta) * bins));
    }
    DenoisingScoreMatching d = new DenoisingScoreMatching(sde, config);
    dsm = d.batch(x0, t, w, seed);
    if (fokkerPlanck != null) {
      FokkerPlanckStencil stencil = fokkerPlanck.stencil();
      stencilBatch = d.fokkerPlanckBatch(x0, t, w, org.scoresde.time.Seeds.derive(seed, FP_STREAM), stencil);
      penalty = new FokkerPlanckPenalty(sde, stencil.decode(stencilBatch.getLabels(0), stencilBatch.getLabelsMaskArray(0)),
          1.0, 0.0, fokkerPlanck.isUnbiased());
    } else {
      stencilBatch = null;
      penalty = null;
    }
  }

  /** Evaluates the probe under the graph's current parameters (no update, no dropout). */
  public Measurement measure(ComputationGraph graph) {
    double[] loss = DenoisingScoreMatching.perExampleLoss(outputs(graph, dsm), dsm).toDoubleVector();
    double[] sum = new double[bins];
    int[] count = new int[bins];
    for (int i = 0; i < loss.length; i++) {
      sum[binOf[i]] += loss[i];
      count[binOf[i]]++;
    }
    List<Bin> out = new ArrayList<>();
    double width = (horizon - eta) / bins;
    for (int b = 0; b < bins; b++) {
      out.add(new Bin(eta + b * width, b == bins - 1 ? horizon : eta + (b + 1) * width, sum[b] / count[b]));
    }
    double fp = Double.NaN;
    if (penalty != null) {
      double mean = 0;
      for (double v : penalty.perExample(outputs(graph, stencilBatch))) {
        mean += v;
      }
      fp = mean / loss.length;
    }
    return new Measurement(out, fp);
  }

  private static INDArray outputs(ComputationGraph graph, MultiDataSet batch) {
    INDArray[] f = batch.getFeatures();
    long rows = f[0].size(0);
    List<INDArray> parts = new ArrayList<>();
    for (long start = 0; start < rows; start += CHUNK_ROWS) {
      long end = Math.min(rows, start + CHUNK_ROWS);
      INDArray[] chunk = new INDArray[f.length];
      for (int k = 0; k < f.length; k++) {
        chunk[k] = f[k].get(NDArrayIndex.interval(start, end)).dup();
      }
      INDArray o = graph.output(false, chunk)[0];
      parts.add(o.reshape(end - start, o.length() / (end - start)).castTo(DataType.DOUBLE));
    }
    return Nd4j.concat(0, parts.toArray(new INDArray[0]));
  }

}
