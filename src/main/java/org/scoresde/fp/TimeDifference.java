package org.scoresde.fp;

import java.io.Serializable;

/**
 * The three-point finite difference in t used for d_t s: f'(t) ~ c+ f(t + h+) + c0 f(t) + c- f(t - h-),
 * second order for any h+ and h- (error +(h+ h- / 6) f'''). Equal steps give the central difference
 * (c0 = 0); the FP-Diffusion reference uses h- = 1e-3, h+ = 5e-4. Near t = 0 both steps shrink by
 * one factor so that h- never exceeds {@code minRatio * t}: the backward point stays inside (0, t)
 * and the relative accuracy does not collapse where the marginals change on the scale of t itself.
 *
 * @param backward h-, the step to the earlier time
 * @param forward h+, the step to the later time
 * @param maxRelativeBackward the largest h- / t allowed; the steps are scaled down below it
 */
public record TimeDifference(double backward, double forward, double maxRelativeBackward) implements Serializable {

  /** The FP-Diffusion reference's steps, h- = 1e-3 and h+ = 5e-4. */
  public static final double REFERENCE_BACKWARD = 1e-3;
  public static final double REFERENCE_FORWARD = 5e-4;
  /**
   * The default cap h- <= 0.05 t: where the marginals change on the scale of t (sub-VP's sigma_t^2 grows
   * like t^2) the relative truncation error stays near 0.05^2 / 6 of d_t s.
   */
  public static final double DEFAULT_MAX_RELATIVE_BACKWARD = 0.05;

  public TimeDifference {
    if (!(backward > 0 && forward > 0 && Double.isFinite(backward) && Double.isFinite(forward))) {
      throw new IllegalArgumentException("time steps must be positive and finite, got h- = " + backward + ", h+ = " + forward);
    }
    if (!(maxRelativeBackward > 0 && maxRelativeBackward < 1)) {
      throw new IllegalArgumentException("the largest h- / t must lie in (0, 1), got " + maxRelativeBackward);
    }
  }

  /** The reference's non-uniform scheme (h- = 1e-3, h+ = 5e-4). */
  public static TimeDifference reference() {
    return new TimeDifference(REFERENCE_BACKWARD, REFERENCE_FORWARD, DEFAULT_MAX_RELATIVE_BACKWARD);
  }

  /** The central difference with step h on both sides. */
  public static TimeDifference central(double h) {
    return new TimeDifference(h, h, DEFAULT_MAX_RELATIVE_BACKWARD);
  }

  /** The steps used at time t: (h-, h+) scaled by min(1, maxRelativeBackward * t / h-). */
  public Steps at(double t) {
    if (!(t > 0) || !Double.isFinite(t)) {
      throw new IllegalArgumentException("the time of a finite difference must be positive and finite, got " + t);
    }
    double scale = Math.min(1.0, maxRelativeBackward * t / backward);
    return new Steps(backward * scale, forward * scale);
  }

  /** One pair of steps and the weights of the three-point formula. */
  public record Steps(double backward, double forward) {

    /** The steps recovered from the three times actually used, t - h-, t, t + h+. */
    public static Steps of(double earlier, double t, double later) {
      return new Steps(t - earlier, later - t);
    }

    /** The weight c+ of f(t + h+): h- / (h+ (h+ + h-)). */
    public double later() {
      return backward / (forward * (forward + backward));
    }

    /** The weight c0 of f(t): (h+ - h-) / (h+ h-). */
    public double center() {
      return (forward - backward) / (forward * backward);
    }

    /** The weight c- of f(t - h-): -h+ / (h- (h+ + h-)). */
    public double earlier() {
      return -forward / (backward * (forward + backward));
    }
  }
}
