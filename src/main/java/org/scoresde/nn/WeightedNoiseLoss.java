package org.scoresde.nn;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * The denoising score matching loss in noise-prediction form: example i contributes
 * w_i * ||eps_i - eps_theta_i||^2, summed over its D dimensions.
 *
 * <p>Batch layout (what the score network's loss layer receives): the network output, flattened in
 * C, H, W order, as [N, D]; the labels are the noise eps [N, D]; the label mask carries the
 * per-example weights w as [N, 1] (a missing mask means weight 1; an [N, D] mask weights each
 * element). The loss sees the whole minibatch at once, so a later regularizer that adds extra
 * network evaluations per example as further rows of the same minibatch (for example groups of
 * 1 + k consecutive rows per example, with weight 0 on the extra rows for this term) can be a
 * sibling loss that couples rows inside a group.
 *
 * <p>DL4J divides the summed score by N and the gradient by N (in the updater), so the training
 * objective is the minibatch mean of the weighted per-example losses.
 */
public final class WeightedNoiseLoss implements ILossFunction {
  private static final long serialVersionUID = 1L;

  /** For JSON deserialization of network configurations. */
  public WeightedNoiseLoss() {}

  @Override
  public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
    INDArray residual = residual(labels, preOutput, activationFn);
    INDArray sq = residual.muli(residual);
    applyWeights(sq, mask);
    return sq.sum(true, 1);
  }

  @Override
  public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
    double total = computeScoreArray(labels, preOutput, activationFn, mask).sumNumber().doubleValue();
    return average ? total / labels.size(0) : total;
  }

  @Override
  public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
    INDArray dOut = residual(labels, preOutput, activationFn).muli(-2.0);
    applyWeights(dOut, mask);
    return activationFn.backprop(preOutput.dup(), dOut).getFirst();
  }

  @Override
  public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
      INDArray mask, boolean average) {
    return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
        computeGradient(labels, preOutput, activationFn, mask));
  }

  /** eps - eps_theta as a new [N, D] array. */
  private static INDArray residual(INDArray labels, INDArray preOutput, IActivation activationFn) {
    if (labels.length() != preOutput.length() || labels.size(0) != preOutput.size(0)) {
      throw new IllegalArgumentException("labels " + java.util.Arrays.toString(labels.shape())
          + " do not match the network output " + java.util.Arrays.toString(preOutput.shape()));
    }
    INDArray out = activationFn.getActivation(preOutput.dup(), true);
    return labels.reshape(out.shape()).sub(out);
  }

  private static void applyWeights(INDArray perElement, INDArray mask) {
    if (mask == null) {
      return;
    }
    if (mask.length() == perElement.size(0)) {
      perElement.muliColumnVector(mask.reshape(perElement.size(0), 1).castTo(perElement.dataType()));
    } else if (mask.length() == perElement.length()) {
      perElement.muli(mask.reshape(perElement.shape()).castTo(perElement.dataType()));
    } else {
      throw new IllegalArgumentException("label mask " + java.util.Arrays.toString(mask.shape())
          + " is neither per example [N, 1] nor per element " + java.util.Arrays.toString(perElement.shape()));
    }
  }

  @Override
  public String name() {
    return "weighted-noise-mse";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WeightedNoiseLoss;
  }

  @Override
  public int hashCode() {
    return name().hashCode();
  }

  @Override
  public String toString() {
    return name();
  }
}
