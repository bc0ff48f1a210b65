package org.scoresde.sampling;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The time schedules by name: the one list that the sample and encode jobs, verify and {@code sample
 * --help} read. The model-free ones are built here; {@code gits} is fitted to a model's own
 * trajectory, so the sample job builds it as a {@link GitsSchedule}.
 */
public final class Schedules {
  /** The name of the model-fitted schedule. */
  public static final String GITS = "gits";

  /** A schedule's name, one line on what it is, and how it is built (null: it needs the model). */
  public record Spec(String name, String description, Supplier<TimeSchedule> factory) {
    /** Whether the schedule is fitted to a model, so that it cannot be built from its name alone. */
    public boolean needsModel() {
      return factory == null;
    }
  }

  private static final List<Spec> ALL = List.of(
      new Spec("uniform", "equal steps in t", UniformSchedule::new),
      new Spec("edm", "EDM's spacing of the noise level (rho = 7)", EdmSchedule::new),
      new Spec("logsnr", "equal steps in log signal-to-noise ratio", LogSnrSchedule::new),
      new Spec(GITS, "fitted to the model: dynamic programming over a fine teacher trajectory (sample only)", null));

  private Schedules() {}

  /** Every schedule, in the order help lists them. */
  public static List<Spec> all() {
    return ALL;
  }

  /** Every schedule's name, {@code gits} included. */
  public static List<String> names() {
    return ALL.stream().map(Spec::name).toList();
  }

  /** The names {@link #byName} builds: the schedules that need no model. */
  public static List<String> modelFreeNames() {
    return ALL.stream().filter(s -> !s.needsModel()).map(Spec::name).toList();
  }

  /** The entry called {@code name} (case-insensitive; {@code log-snr} is {@code logsnr}), if there is one. */
  public static Optional<Spec> find(String name) {
    String n = name.toLowerCase(Locale.ROOT).equals("log-snr") ? "logsnr" : name.toLowerCase(Locale.ROOT);
    return ALL.stream().filter(s -> s.name().equals(n)).findFirst();
  }

  /** The model-free schedule called {@code name}; EDM with rho = 7. */
  public static TimeSchedule byName(String name) {
    return find(name).filter(s -> !s.needsModel()).orElseThrow(() -> new IllegalArgumentException(
        "unknown time schedule '" + name + "': use one of " + String.join(", ", modelFreeNames())
            + " (gits is built from a model with GitsSchedule)")).factory().get();
  }
}
