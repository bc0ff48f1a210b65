package org.scoresde.train;

import java.io.IOException;
import java.util.Optional;
import org.scoresde.config.UserError;

/**
 * Stops a training run whose round loss is not finite, or is more than {@code factor} times the lower
 * of the run's best round so far and a reference loss (an untrained network's, D E[w(t)] under the
 * run's time sampler; infinite when there is no such scale, as with the FP penalty). Such a run would
 * otherwise go on to write a useless model; the error names the last good checkpoint to resume from.
 */
public final class DivergenceGuard {
  private final double factor;
  private final String factorSetting;
  private double lowest;

  /** {@code factor} 0 checks only for non-finite losses; {@code factorSetting} is how the user wrote it. */
  public DivergenceGuard(double factor, String factorSetting, double referenceLoss) {
    this.factor = factor;
    this.factorSetting = factorSetting;
    this.lowest = referenceLoss;
  }

  /**
   * Records a round's loss, or throws the run's one error when it diverged. {@code lastCheckpoint}
   * is asked only then.
   */
  public void check(double loss, int epoch, int round, LastCheckpoint lastCheckpoint) throws IOException {
    lowest = Math.min(lowest, loss);
    boolean diverged = factor > 0 && loss > factor * lowest && lowest > 0;
    if (Double.isFinite(loss) && !diverged) {
      return;
    }
    Optional<String> last = lastCheckpoint.get();
    throw new UserError((diverged
        ? String.format("loss %.4g in epoch %d round %d is over %s (train.divergence-factor) times %.4g, the lower of the"
            + " run's best round and an untrained network's loss: training diverged; ", loss, epoch, round,
            factorSetting, lowest)
        : String.format("loss became %s in epoch %d round %d; ", loss, epoch, round)) + (last.isPresent()
        ? "the last good checkpoint is " + last.get() + ": lower train.learning-rate or raise train.warmup, then --resume"
        : "no checkpoint was written yet, so the run is removed: lower train.learning-rate or raise train.warmup and start again"));
  }

  /** The path of the run's newest intact checkpoint, if any. */
  @FunctionalInterface
  public interface LastCheckpoint {
    Optional<String> get() throws IOException;
  }
}
