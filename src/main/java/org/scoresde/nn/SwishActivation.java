package org.scoresde.nn;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Swish, x sigmoid(x), with a backward pass that stays finite for every finite input: DL4J's
 * ActivationSwish differentiates through exp(x)^2 and returns NaN from x = 45 in float32 (about 355
 * in double). The derivative here is s (1 + x (1 - s)) with s = sigmoid(x).
 */
public final class SwishActivation extends BaseActivationFunction implements OutOfPlaceActivation {
  private static final long serialVersionUID = 1L;

  @Override
  public INDArray getActivation(INDArray in, boolean training) {
    return fromHalf(in.muli(0.5), in, Nd4j.createUninitialized(in.dataType(), in.shape(), 'c'));
  }

  @Override
  public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
    INDArray gradient = Nd4j.createUninitialized(in.dataType(), in.shape(), 'c');
    INDArray work = Nd4j.createUninitialized(in.dataType(), in.shape(), 'c');
    backprop(in, epsilon, gradient, work, Nd4j.createUninitialized(in.dataType(), in.shape(), 'c'));
    return new Pair<>(gradient, null);
  }

  @Override
  public void activate(INDArray in, INDArray out, INDArray scratch) {
    fromHalf(in.mul(0.5, out), out, scratch);
  }

  @Override
  public void backprop(INDArray in, INDArray epsilon, INDArray gradient, INDArray work, INDArray scratch) {
    twiceDerivativeFromHalf(in.mul(0.5, work), epsilon.reshape(in.shape()), gradient, scratch).muli(0.5);
  }

  /**
   * Swish of y = 2h into out (which may be h): y sigmoid(y) = h (1 + tanh h), since sigmoid(y) =
   * (1 + tanh(y / 2)) / 2. libnd4j's tanh custom op runs oneDNN's vectorized kernel, where its
   * sigmoid is scalar code (3.9 ms per 0.8 M floats on one thread against 0.8 ms). Returns out.
   */
  static INDArray fromHalf(INDArray h, INDArray out, INDArray scratch) {
    Nd4j.exec(new MulOp(h, onePlusTanh(h, scratch), out));
    return out;
  }

  /** 1 + tanh h into out (which may be h); returns out. */
  static INDArray onePlusTanh(INDArray h, INDArray out) {
    Nd4j.exec(DynamicCustomOp.builder("tanh").addInputs(h).addOutputs(out).build());
    return out.addi(1.0);
  }

  /**
   * upstream times twice Swish's derivative at y = 2h into dy: with t = tanh h, the derivative
   * sigmoid(y) (1 + y (1 - sigmoid(y))) is (1 + t)(1 + h (1 - t)) / 2. Returns dy.
   */
  static INDArray twiceDerivativeFromHalf(INDArray h, INDArray upstream, INDArray dy, INDArray scratch) {
    return twiceDerivativeFromOnePlusTanh(h, onePlusTanh(h, scratch), upstream, dy, scratch);
  }

  /**
   * {@link #twiceDerivativeFromHalf} given onePlusTanh = 1 + tanh h, which is unchanged unless it is
   * scratch.
   */
  static INDArray twiceDerivativeFromOnePlusTanh(INDArray h, INDArray onePlusTanh, INDArray upstream, INDArray dy,
      INDArray scratch) {
    Nd4j.exec(new MulOp(upstream, onePlusTanh, dy));
    return dy.muli(onePlusTanh.rsub(2.0, scratch).muli(h).addi(1.0));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SwishActivation;
  }

  @Override
  public int hashCode() {
    return SwishActivation.class.hashCode();
  }

  @Override
  public String toString() {
    return "swish";
  }
}
