package org.scoresde.nn;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Locale;
import org.scoresde.sde.Sde;

/**
 * How the network's output F becomes the noise prediction: eps_theta(x, t) = c_skip(t) x + c_out(t) F.
 * {@code none} is plain noise prediction (c_skip = 0, c_out = 1). {@code skip} chooses c_skip and c_out
 * so that F's training target (eps - c_skip x_t) / c_out has unit variance at every t for data of
 * standard deviation {@code dataStd}: c_skip = sigma / (sigma^2 + gamma^2 s^2) and
 * c_out = gamma s / sqrt(sigma^2 + gamma^2 s^2), the skip connection of Karras et al. (2022) written for
 * the noise. At small t it is noise prediction; at large t, where x_t is almost all noise, c_skip x_t
 * carries the noise and an error in F moves the denoised image by at most s times itself, where under
 * {@code none} it moves it by sigma / gamma times itself (~150 at t = 1 for VP).
 *
 * @param kind {@code none} or {@code skip}
 * @param dataStd s, the standard deviation the data is assumed to have (in the network's input space;
 *     unused by {@code none}, which records {@link #DEFAULT_DATA_STD} so that every none is equal)
 */
public record Preconditioning(String kind, double dataStd) implements java.io.Serializable {
  /** The data standard deviation of {@code skip} when the data's own is unknown: Karras et al.'s value for images in [-1, 1]. */
  public static final double DEFAULT_DATA_STD = 0.5;
  /** Plain noise prediction: what every model written before this setting existed does. */
  public static final Preconditioning NONE = new Preconditioning("none", DEFAULT_DATA_STD);

  public Preconditioning {
    kind = kind == null ? "none" : kind.toLowerCase(Locale.ROOT);
    if (!kind.equals("none") && !kind.equals("skip")) {
      throw new IllegalArgumentException("preconditioning must be none or skip, got " + kind);
    }
    if (kind.equals("none")) {
      dataStd = DEFAULT_DATA_STD;
    }
    if (!(dataStd > 0) || !Double.isFinite(dataStd)) {
      throw new IllegalArgumentException("the data standard deviation of the preconditioning must be positive, got " + dataStd);
    }
  }

  /** The preconditioning named by a configuration value ({@code none} or {@code skip}). */
  public static Preconditioning of(String kind) {
    return new Preconditioning(kind, DEFAULT_DATA_STD);
  }

  /** True when the network output is the noise prediction itself. */
  @JsonIgnore
  public boolean isNone() {
    return kind.equals("none");
  }

  /** c_skip(t), the weight of the input x_t in eps_theta. */
  public double skip(Sde sde, double t) {
    if (isNone()) {
      return 0.0;
    }
    double gamma = sde.meanScale(t);
    double sigma = sde.std(t);
    return sigma / (sigma * sigma + gamma * gamma * dataStd * dataStd);
  }

  /** c_out(t), the weight of the network output F in eps_theta. */
  public double out(Sde sde, double t) {
    if (isNone()) {
      return 1.0;
    }
    double gamma = sde.meanScale(t);
    double sigma = sde.std(t);
    return gamma * dataStd / Math.sqrt(sigma * sigma + gamma * gamma * dataStd * dataStd);
  }
}
