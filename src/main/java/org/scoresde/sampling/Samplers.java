package org.scoresde.sampling;

import java.util.List;
import java.util.Locale;

/**
 * Builds a fixed-grid sampler from its configuration name. The adaptive Dormand-Prince sampler
 * ({@code dopri5}) needs no grid and lives with the ODE solvers, so it is not built here.
 */
public final class Samplers {
  private Samplers() {}

  /** The names {@link #byName} accepts. */
  public static List<String> names() {
    return List.of("euler-maruyama", "reverse-diffusion", "pc", "ode-euler", "heun", "dpm-solver", "ddim");
  }

  /** The sampler called {@code name} with its default settings. */
  public static Sampler byName(String name) {
    return byName(name, SamplerSettings.defaults());
  }

  /** The sampler called {@code name}, configured by {@code settings}. */
  public static Sampler byName(String name, SamplerSettings settings) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "euler-maruyama":
        return new EulerMaruyama();
      case "reverse-diffusion":
        return new ReverseDiffusionPredictor();
      case "pc":
        Predictor p = predictor(settings.predictor());
        return settings.correctorSteps() == 0
            ? new PredictorCorrector(p)
            : new PredictorCorrector(p, new LangevinCorrector(settings.snr(), settings.correctorSteps()));
      case "ode-euler":
        return new ProbabilityFlowEuler();
      case "heun":
        return new Heun(settings.heunEulerLastStep());
      case "dpm-solver":
        return new DpmSolver(settings.dpmOrder(), settings.dpmMultistep());
      case "ddim":
        return new Ddim(settings.eta());
      default:
        throw new IllegalArgumentException(
            "unknown sampler '" + name + "': use one of " + String.join(", ", names()));
    }
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
}
