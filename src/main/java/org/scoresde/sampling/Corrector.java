package org.scoresde.sampling;

import java.io.Serializable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.scoresde.score.ScoreModel;

/**
 * An MCMC move that leaves p_t invariant (approximately), run at time t before the predictor steps
 * on to s: the corrector of a PC sampler.
 */
public interface Corrector extends Serializable {

  /** The name used in configuration. */
  String name();

  /** Moves x at time t towards p_t; s is the next grid time (some correctors size steps by it). */
  Predictor.Step correct(ScoreModel model, INDArray x, double t, double s, Random rng);
}
