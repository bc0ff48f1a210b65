package org.scoresde.sampling;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The samplers by name: the one list that the sample job, verify and {@code sample --help} read, so
 * adding a sampler is one entry here. Each entry says what the sampler is and builds it from the
 * sampler settings and the tolerance of the adaptive ODE solver (used by {@code dopri5} only).
 */
public final class Samplers {
  /** The ODE tolerance of {@link #byName(String, SamplerSettings)}: that of the published likelihood protocol. */
  public static final double ODE_TOLERANCE = 1e-5;

  /** Builds a sampler from the settings and the adaptive solver's tolerance. */
  @FunctionalInterface
  public interface Factory {
    Sampler create(SamplerSettings settings, double odeTolerance);
  }

  /** A sampler's name in configuration and sample.json, one line on what it is, and its factory. */
  public record Spec(String name, String description, Factory factory) {}

  private static final List<Spec> ALL = List.of(
      new Spec("euler-maruyama", "reverse-time SDE, Euler-Maruyama steps", (s, tol) -> new EulerMaruyama()),
      new Spec("reverse-diffusion", "reverse-time SDE, ancestral (reverse diffusion) steps",
          (s, tol) -> new ReverseDiffusionPredictor()),
      new Spec("pc", "predictor-corrector: a reverse-SDE predictor and Langevin corrector steps", Samplers::pc),
      new Spec("ode-euler", "probability-flow ODE, Euler steps", (s, tol) -> new ProbabilityFlowEuler()),
      new Spec("heun", "probability-flow ODE, Heun's second-order steps (Euler on the last, as EDM)",
          (s, tol) -> new Heun(s.heunEulerLastStep())),
      new Spec("dopri5", "probability-flow ODE, adaptive Dormand-Prince 5(4); the grid only marks the recorded "
          + "trajectory, so --steps does not change the samples", (s, tol) -> new Dopri5Sampler(tol, tol)),
      new Spec("dpm-solver", "probability-flow ODE, DPM-Solver exponential integrator (multistep, order 3)",
          (s, tol) -> new DpmSolver(s.dpmOrder(), s.dpmMultistep())),
      new Spec("ddim", "DDIM (eta 0: deterministic)", (s, tol) -> new Ddim(s.eta())));

  private Samplers() {}

  /** Every sampler, in the order help lists them. */
  public static List<Spec> all() {
    return ALL;
  }

  /** The names {@link #byName} accepts. */
  public static List<String> names() {
    return ALL.stream().map(Spec::name).toList();
  }

  /** The entry called {@code name} (case-insensitive), if there is one. */
  public static Optional<Spec> find(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return ALL.stream().filter(s -> s.name().equals(n)).findFirst();
  }

  /** The sampler called {@code name} with its default settings. */
  public static Sampler byName(String name) {
    return byName(name, SamplerSettings.defaults());
  }

  /** The sampler called {@code name}, configured by {@code settings}, with {@link #ODE_TOLERANCE}. */
  public static Sampler byName(String name, SamplerSettings settings) {
    return byName(name, settings, ODE_TOLERANCE);
  }

  /** The sampler called {@code name}, configured by {@code settings} and the adaptive solver's tolerance. */
  public static Sampler byName(String name, SamplerSettings settings, double odeTolerance) {
    return find(name).orElseThrow(() -> new IllegalArgumentException(
        "unknown sampler '" + name + "': use one of " + String.join(", ", names()))).factory().create(settings, odeTolerance);
  }

  /** The PC predictor called {@code name}: reverse-diffusion or euler-maruyama. */
  public static Predictor predictor(String name) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "reverse-diffusion":
        return new ReverseDiffusionPredictor();
      case "euler-maruyama":
        return new EulerMaruyama();
      default:
        throw new IllegalArgumentException(
            "unknown predictor '" + name + "': use reverse-diffusion or euler-maruyama");
    }
  }

  private static Sampler pc(SamplerSettings settings, double odeTolerance) {
    Predictor p = predictor(settings.predictor());
    return settings.correctorSteps() == 0
        ? new PredictorCorrector(p)
        : new PredictorCorrector(p, new LangevinCorrector(settings.snr(), settings.correctorSteps()));
  }
}
