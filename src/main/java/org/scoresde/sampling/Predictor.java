package org.scoresde.sampling;

import java.io.Serializable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.scoresde.score.ScoreModel;

/** One step of a reverse-time SDE solver from t down to s < t: the predictor of a PC sampler. */
public interface Predictor extends Serializable {

  /** The name used in configuration. */
  String name();

  /** Moves the batch x from t to s; returns the new state and its noise-free mean. */
  Step predict(ScoreModel model, INDArray x, double t, double s, Random rng);

  /** A stochastic step's result: the state with noise added and its mean without. */
  record Step(INDArray x, INDArray mean) {}
}
