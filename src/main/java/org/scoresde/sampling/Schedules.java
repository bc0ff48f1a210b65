package org.scoresde.sampling;

import java.util.List;
import java.util.Locale;

/** Builds a model-free time schedule from its configuration name. */
public final class Schedules {
  private Schedules() {}

  /** The names {@link #byName} accepts; {@code gits} needs a model and is built as a {@link GitsSchedule}. */
  public static List<String> names() {
    return List.of("uniform", "edm", "logsnr");
  }

  /** The schedule called {@code name}; EDM with rho = 7. */
  public static TimeSchedule byName(String name) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "uniform":
        return new UniformSchedule();
      case "edm":
        return new EdmSchedule();
      case "logsnr":
      case "log-snr":
        return new LogSnrSchedule();
      default:
        throw new IllegalArgumentException(
            "unknown time schedule '" + name + "': use one of " + String.join(", ", names())
                + " (gits is built from a model with GitsSchedule)");
    }
  }
}
