package org.scoresde.nn;

import java.util.function.Function;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarSubtraction;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Group normalization without affine parameters, optionally followed by Swish, as an activation
 * function that {@link ActivationOutOfPlace} runs from its input into a fresh output (DL4J has no
 * GroupNorm layer, and SameDiff-backed layers backpropagate wrong gradients in 1.0.0-M2.1); DL4J's
 * own ActivationLayer runs it in place, as models written before that layer existed do.
 *
 * <p>Each example's features (axis 1 onwards, in C-order: channels, then height and width) are split
 * into {@code groups} contiguous groups of channels; each group is shifted to mean 0 and scaled to
 * variance 1. The statistics are per example, so rows never interact: training and evaluation
 * behave alike, small per-worker batches are harmless and there are no running statistics to
 * average. The backward pass is the exact derivative; with Swish, a training forward pass keeps the
 * normalized input, 1 + tanh of its half and the inverse standard deviations, so that the backward
 * pass does not recompute them (7 of its 19 passes over the data). The following convolution learns
 * any scale.
 */
public final class GroupNormActivation extends BaseActivationFunction implements OutOfPlaceActivation {
  private static final long serialVersionUID = 1L;

  private int groups;
  private double epsilon;
  private boolean swish;

  /** For JSON deserialization of network configurations. */
  public GroupNormActivation() {
    this(1, 1e-5, true);
  }

  public GroupNormActivation(int groups, double epsilon, boolean swish) {
    if (groups <= 0 || !(epsilon > 0)) {
      throw new IllegalArgumentException("group norm needs groups > 0 and epsilon > 0, got " + groups + ", " + epsilon);
    }
    this.groups = groups;
    this.epsilon = epsilon;
    this.swish = swish;
  }

  public int groups() {
    return groups;
  }

  @Override
  public INDArray getActivation(INDArray in, boolean training) {
    Rows rows = rows(in);
    forward(rows.x, rows.x, Nd4j.createUninitialized(rows.x.dataType(), rows.x.shape(), 'c'));
    rows.writeBack(in);
    return in;
  }

  @Override
  public void activate(INDArray in, INDArray out, INDArray scratch) {
    INDArray x = rows(in).x;
    forward(x, out.reshape('c', x.shape()), scratch.reshape('c', x.shape()));
  }

  @Override
  public Kept activateKeeping(INDArray in, INDArray out, INDArray scratch, Function<long[], INDArray> keep) {
    if (!swish) {
      activate(in, out, scratch);
      return null;
    }
    INDArray x = rows(in).x;
    Statistics kept = new Statistics(keep.apply(x.shape()), keep.apply(x.shape()), keep.apply(new long[] {x.size(0), 1}));
    normalize(x, kept.h, scratch.reshape('c', x.shape()), 0.5, Nd4j.ones(x.dataType(), x.size(1), 1), kept.inverseStd);
    SwishActivation.onePlusTanh(kept.h, kept.onePlusTanh);
    Nd4j.exec(new MulOp(kept.h, kept.onePlusTanh, out.reshape('c', x.shape())));
    return kept;
  }

  @Override
  public void backprop(Kept kept, INDArray in, INDArray epsilon, INDArray gradient, INDArray work, INDArray scratch) {
    if (!(kept instanceof Statistics statistics)) {
      backprop(in, epsilon, gradient, work, scratch);
      return;
    }
    INDArray x = rows(in).x;
    INDArray upstream = epsilon.reshape('c', x.shape());
    INDArray dy = gradient.reshape('c', x.shape());
    INDArray scratchRows = scratch.reshape('c', x.shape());
    SwishActivation.twiceDerivativeFromOnePlusTanh(statistics.h, statistics.onePlusTanh, upstream, dy, scratchRows);
    normalizationBackward(statistics.h, statistics.inverseStd, dy, scratchRows, 0.5, Nd4j.ones(x.dataType(), x.size(1), 1));
  }

  /** The normalized rows h = s yHat (s = 1/2), 1 + tanh h and the rows' inverse standard deviations. */
  private record Statistics(INDArray h, INDArray onePlusTanh, INDArray inverseStd) implements Kept {}

  @Override
  public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilonIn) {
    Rows rows = rows(in);
    INDArray x = rows.x;
    INDArray dy = Nd4j.createUninitialized(x.dataType(), x.shape(), 'c');
    backward(x, epsilonIn, x, dy, Nd4j.createUninitialized(x.dataType(), x.shape(), 'c'));
    return new Pair<>(dy.reshape('c', in.shape()), null);
  }

  @Override
  public void backprop(INDArray in, INDArray epsilon, INDArray gradient, INDArray work, INDArray scratch) {
    INDArray x = rows(in).x;
    backward(x, epsilon, work.reshape('c', x.shape()), gradient.reshape('c', x.shape()), scratch.reshape('c', x.shape()));
  }

  /** Rows x [N * groups, M] into out (which may be x), with Swish if configured. */
  private void forward(INDArray x, INDArray out, INDArray scratch) {
    INDArray ones = Nd4j.ones(x.dataType(), x.size(1), 1);
    INDArray inverseStd = Nd4j.createUninitialized(x.dataType(), x.size(0), 1);
    if (swish) {
      // y sigmoid(y) = h (1 + tanh h) with h = y / 2: the halving rides on the normalization's scaling.
      normalize(x, out, scratch, 0.5, ones, inverseStd);
      SwishActivation.fromHalf(out, out, scratch);
    } else {
      normalize(x, out, scratch, 1.0, ones, inverseStd);
    }
  }

  /**
   * The gradient at rows x into dy given the upstream gradient (any array of x's length); h (which
   * may be x) and scratch are overwritten.
   */
  private void backward(INDArray x, INDArray upstreamIn, INDArray h, INDArray dy, INDArray scratch) {
    // h = s * yHat (yHat the normalized input; s = 1/2 with Swish so that tanh h gives its sigmoid).
    double s = swish ? 0.5 : 1.0;
    INDArray ones = Nd4j.ones(x.dataType(), x.size(1), 1);
    INDArray inverseStd = normalize(x, h, scratch, s, ones, Nd4j.createUninitialized(x.dataType(), x.size(0), 1));
    INDArray upstream = upstreamIn.reshape('c', x.shape());
    if (swish) {
      SwishActivation.twiceDerivativeFromHalf(h, upstream, dy, scratch);
    } else {
      dy.assign(upstream);
    }
    normalizationBackward(h, inverseStd, dy, scratch, s, ones);
  }

  /**
   * The gradient dy at the normalized rows h = s yHat turned in place into the gradient at the
   * input rows; h is overwritten.
   */
  private static void normalizationBackward(INDArray h, INDArray inverseStd, INDArray dy, INDArray scratch, double s,
      INDArray ones) {
    // With g = s dy the gradient at yHat, d/dx of (x - mean) / sqrt(var + eps) per group is
    // inv (g - mean(g) - yHat mean(g yHat)) = s inv (dy - mean(dy) - h mean(dy h) / s^2).
    INDArray meanDy = rowMeans(dy, ones, Nd4j.createUninitialized(dy.dataType(), dy.size(0), 1));
    Nd4j.exec(new MulOp(dy, h, scratch));
    INDArray meanDyH = rowMeans(scratch, ones, Nd4j.createUninitialized(dy.dataType(), dy.size(0), 1)).muli(1.0 / (s * s));
    h.muliColumnVector(meanDyH);
    dy.subiColumnVector(meanDy).subi(h).muliColumnVector(inverseStd.muli(s));
  }

  /**
   * The rows of x [N * groups, M] normalized and multiplied by {@code scale} into out (which may be
   * x); returns their inverse standard deviations [N * groups, 1] (without the scale), written into
   * inverseStd. The variance is the mean square of the centred row, so no cancellation; scratch holds
   * the squares. ones is the [M, 1] vector of ones the row means are taken with.
   */
  private INDArray normalize(INDArray x, INDArray out, INDArray scratch, double scale, INDArray ones, INDArray inverseStd) {
    INDArray mean = rowMeans(x, ones, Nd4j.createUninitialized(x.dataType(), x.size(0), 1));
    // x - mean into out as a scalar op along each row: libnd4j's broadcast op took 6-10x as long.
    ScalarSubtraction centre = new ScalarSubtraction(x, mean, out, 0.0);
    centre.setDimension(1);
    Nd4j.getExecutioner().exec(centre);
    Nd4j.exec(new MulOp(out, out, scratch));
    INDArray inv = Transforms.pow(rowMeans(scratch, ones, inverseStd).addi(epsilon), -0.5, false);
    out.muliColumnVector(scale == 1.0 ? inv : inv.mul(scale));
    return inv;
  }

  /**
   * The mean of each row of a C-order [R, M] matrix as [R, 1], as a matrix-vector product with
   * ones, into out: BLAS's gemv reads the rows at memory speed, where libnd4j's reduction along
   * dimension 1 took 4-6 times as long and did not use a second thread.
   */
  private static INDArray rowMeans(INDArray x, INDArray ones, INDArray out) {
    return Nd4j.gemm(x, ones, out, false, false, 1.0 / x.size(1), 0.0);
  }

  /**
   * {@code in} as [N * groups, M] (C-order): a view of it when its memory is C-contiguous, so that
   * the work happens in place, else a copy that {@link Rows#writeBack} copies back.
   */
  private Rows rows(INDArray in) {
    long n = in.size(0);
    long perExample = in.length() / n;
    long channels = in.size(1);
    if (channels % groups != 0) {
      throw new IllegalStateException("group norm: " + channels + " channels do not split into " + groups + " groups");
    }
    boolean contiguous = in.ordering() == 'c' && Shape.hasDefaultStridesForShape(in) && in.offset() == 0;
    INDArray source = contiguous ? in : in.dup('c');
    return new Rows(source.reshape('c', n * groups, perExample / groups), !contiguous);
  }

  private record Rows(INDArray x, boolean copied) {
    void writeBack(INDArray in) {
      if (copied) {
        in.assign(x.reshape('c', in.shape()));
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof GroupNormActivation)) {
      return false;
    }
    GroupNormActivation g = (GroupNormActivation) o;
    return groups == g.groups && Double.compare(epsilon, g.epsilon) == 0 && swish == g.swish;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(groups, epsilon, swish);
  }

  @Override
  public String toString() {
    return "groupnorm(groups=" + groups + (swish ? ", swish)" : ")");
  }
}
