package org.scoresde.nn;

import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An activation function that reads its input and writes its result to arrays the caller
 * provides. {@link ActivationOutOfPlaceLayer} uses it so that neither the input's copy DL4J's
 * ActivationLayer makes before an in-place activation nor a copy of an input other vertices share
 * is needed: the first pass over the input writes the output.
 */
public interface OutOfPlaceActivation {

  /**
   * The activation of {@code in} into {@code out} (in's shape, C order); {@code in} is unchanged and
   * {@code scratch} (in's shape, C order) is overwritten.
   */
  void activate(INDArray in, INDArray out, INDArray scratch);

  /**
   * The gradient with respect to {@code in} into {@code gradient} given {@code epsilon}, the gradient
   * with respect to the output; {@code in} and {@code epsilon} are unchanged, {@code work} and
   * {@code scratch} are overwritten. All four arrays but epsilon have in's shape in C order.
   */
  void backprop(INDArray in, INDArray epsilon, INDArray gradient, INDArray work, INDArray scratch);

  /**
   * What a training forward pass keeps for its backward pass, so that the backward pass need not
   * recompute it.
   */
  interface Kept {}

  /**
   * {@link #activate} that also keeps, in arrays from {@code keep} (given a shape, a C-order array
   * that lives until the backward pass), what {@link #backprop(Kept, INDArray, INDArray, INDArray,
   * INDArray, INDArray)} needs. The default keeps nothing (null).
   */
  default Kept activateKeeping(INDArray in, INDArray out, INDArray scratch, Function<long[], INDArray> keep) {
    activate(in, out, scratch);
    return null;
  }

  /**
   * {@link #backprop(INDArray, INDArray, INDArray, INDArray, INDArray)} from what {@link
   * #activateKeeping} kept for {@code in} (non-null), which this call may overwrite: it is used once.
   */
  default void backprop(Kept kept, INDArray in, INDArray epsilon, INDArray gradient, INDArray work, INDArray scratch) {
    backprop(in, epsilon, gradient, work, scratch);
  }
}
