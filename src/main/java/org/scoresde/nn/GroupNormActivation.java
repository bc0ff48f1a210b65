package org.scoresde.nn;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.stream.IntStream;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

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
 *
 * <p>Forward and backward are fused loops over the array's memory (statistics in double), a few
 * passes per group instead of the dozen allocating ND4J element-wise ops they replace
 * (BENCHMARKS.md, "history").
 */
public final class GroupNormActivation extends BaseActivationFunction {
  private static final long serialVersionUID = 1L;
  private static final long PARALLEL_ELEMENTS = 1 << 15;

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
    INDArray x = contiguous(in);
    Values v = Values.of(x);
    int m = groupSize(x);
    rows(x, m, r -> forwardRow(v, r * m, m));
    if (x != in) {
      in.assign(x);
    }
    return in;
  }

  @Override
  public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilonIn) {
    INDArray x = contiguous(in);
    INDArray e = epsilonIn.dataType() == x.dataType() ? contiguous(epsilonIn) : epsilonIn.castTo(x.dataType()).dup('c');
    Values v = Values.of(x);
    Values dv = Values.of(e);
    int m = groupSize(x);
    rows(x, m, r -> backwardRow(v, dv, r * m, m));
    if (x != in) {
      in.assign(x);
    }
    return new Pair<>(in, null);
  }

  private void forwardRow(Values v, int from, int m) {
    double[] stats = statistics(v, from, m);
    double mean = stats[0];
    double inv = stats[1];
    for (int i = from; i < from + m; i++) {
      double y = (v.get(i) - mean) * inv;
      v.set(i, swish ? y / (1 + Math.exp(-y)) : y);
    }
  }

  /** x is replaced by d loss / d x; eps (d loss / d output) is read only. */
  private void backwardRow(Values x, Values eps, int from, int m) {
    double[] stats = statistics(x, from, m);
    double mean = stats[0];
    double inv = stats[1];
    double[] dy = new double[m];
    double sumDy = 0;
    double sumDyY = 0;
    for (int k = 0; k < m; k++) {
      double y = (x.get(from + k) - mean) * inv;
      double g = eps.get(from + k);
      if (swish) {
        double s = 1 / (1 + Math.exp(-y));
        g *= s + y * s * (1 - s);
      }
      dy[k] = g;
      sumDy += g;
      sumDyY += g * y;
    }
    double meanDy = sumDy / m;
    double meanDyY = sumDyY / m;
    for (int k = 0; k < m; k++) {
      double y = (x.get(from + k) - mean) * inv;
      x.set(from + k, inv * (dy[k] - meanDy - y * meanDyY));
    }
  }

  /**
   * Mean and inverse standard deviation of one group in one pass: sums of x - x0 and its square in
   * double, x0 being the group's first element (a shift that keeps the variance free of cancellation
   * when the mean is large against the spread), in two interleaved accumulators.
   */
  private double[] statistics(Values v, int from, int m) {
    double x0 = v.get(from);
    double s1 = 0;
    double s2 = 0;
    double q1 = 0;
    double q2 = 0;
    int i = from;
    int end = from + m;
    for (; i + 1 < end; i += 2) {
      double a = v.get(i) - x0;
      double b = v.get(i + 1) - x0;
      s1 += a;
      s2 += b;
      q1 += a * a;
      q2 += b * b;
    }
    if (i < end) {
      double a = v.get(i) - x0;
      s1 += a;
      q1 += a * a;
    }
    double shifted = (s1 + s2) / m;
    double var = Math.max(0, (q1 + q2) / m - shifted * shifted);
    return new double[] {x0 + shifted, 1 / Math.sqrt(var + epsilon)};
  }

  private int groupSize(INDArray x) {
    long n = x.size(0);
    long channels = x.size(1);
    if (channels % groups != 0) {
      throw new IllegalStateException("group norm: " + channels + " channels do not split into " + groups + " groups");
    }
    long m = x.length() / n / groups;
    if (x.length() > Integer.MAX_VALUE) {
      throw new IllegalStateException("group norm: array of " + x.length() + " elements is too large");
    }
    return (int) m;
  }

  /** Runs each (example, group) row, in parallel when ND4J may use more than one thread and the work is large. */
  private void rows(INDArray x, int m, java.util.function.IntConsumer row) {
    int count = (int) (x.length() / m);
    IntStream range = IntStream.range(0, count);
    if (x.length() >= PARALLEL_ELEMENTS && count > 1 && Nd4j.getEnvironment().maxMasterThreads() > 1) {
      range = range.parallel();
    }
    range.forEach(row);
  }

  private static INDArray contiguous(INDArray a) {
    boolean plain = a.ordering() == 'c' && !a.isView() && Shape.hasDefaultStridesForShape(a)
        && (a.dataType() == DataType.FLOAT || a.dataType() == DataType.DOUBLE);
    if (plain) {
      return a;
    }
    INDArray c = a.dataType() == DataType.FLOAT || a.dataType() == DataType.DOUBLE ? a.dup('c') : a.castTo(DataType.DOUBLE).dup('c');
    return c;
  }

  /** Indexed access to the elements of a C-contiguous float or double array without copying it. */
  private interface Values {
    double get(int i);

    void set(int i, double v);

    static Values of(INDArray a) {
      if (a.dataType() == DataType.FLOAT) {
        FloatBuffer b = a.data().asNioFloat();
        return new Values() {
          @Override
          public double get(int i) {
            return b.get(i);
          }

          @Override
          public void set(int i, double v) {
            b.put(i, (float) v);
          }
        };
      }
      DoubleBuffer b = a.data().asNioDouble();
      return new Values() {
        @Override
        public double get(int i) {
          return b.get(i);
        }

        @Override
        public void set(int i, double v) {
          b.put(i, v);
        }
      };
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
