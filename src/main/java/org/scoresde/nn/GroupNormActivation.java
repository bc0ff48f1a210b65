package org.scoresde.nn;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Group normalization without affine parameters, optionally followed by Swish, as an activation
 * function so that DL4J's built-in ActivationLayer runs it (DL4J has no GroupNorm layer, and
 * SameDiff-backed layers backpropagate wrong gradients in 1.0.0-M2.1).
 *
 * <p>Each example's features (axis 1 onwards, in C-order: channels, then height and width) are split
 * into {@code groups} contiguous groups of channels; each group is shifted to mean 0 and scaled to
 * variance 1. The statistics are per example, so rows never interact: training and evaluation
 * behave alike, small per-worker batches are harmless and there are no running statistics to
 * average. The backward pass is the exact derivative. The following convolution learns any scale.
 */
public final class GroupNormActivation extends BaseActivationFunction {
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
    Normalized z = normalize(in);
    INDArray y = z.y;
    if (swish) {
      y = y.mul(Transforms.sigmoid(y, true));
    }
    in.assign(y.reshape('c', in.shape()));
    return in;
  }

  @Override
  public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilonIn) {
    Normalized z = normalize(in);
    INDArray y = z.y;
    INDArray dy = epsilonIn.dup('c').reshape('c', y.shape());
    if (swish) {
      INDArray s = Transforms.sigmoid(y, true);
      INDArray oneMinusS = s.rsub(1.0);
      dy.muli(s.add(y.mul(s).muli(oneMinusS)));
    }
    // d/dx of (x - mean) / sqrt(var + eps): inv * (dy - mean(dy) - y * mean(dy * y)), per group.
    INDArray meanDy = dy.mean(1).reshape(-1, 1);
    INDArray meanDyY = dy.mul(y).mean(1).reshape(-1, 1);
    INDArray dx = dy.subiColumnVector(meanDy).subi(y.mulColumnVector(meanDyY)).muliColumnVector(z.inverseStd);
    in.assign(dx.reshape('c', in.shape()));
    return new Pair<>(in, null);
  }

  /** The normalized input as [N * groups, M] (C-order) with its inverse standard deviations [N * groups, 1]. */
  private Normalized normalize(INDArray in) {
    long n = in.size(0);
    long perExample = in.length() / n;
    long channels = in.size(1);
    if (channels % groups != 0) {
      throw new IllegalStateException("group norm: " + channels + " channels do not split into " + groups + " groups");
    }
    INDArray x = in.dup('c').reshape('c', n * groups, perExample / groups);
    INDArray mean = x.mean(1).reshape(-1, 1);
    x.subiColumnVector(mean);
    INDArray var = x.mul(x).mean(1).reshape(-1, 1);
    INDArray inv = Transforms.pow(var.addi(epsilon), -0.5, false);
    x.muliColumnVector(inv);
    return new Normalized(x, inv);
  }

  private record Normalized(INDArray y, INDArray inverseStd) {}

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
