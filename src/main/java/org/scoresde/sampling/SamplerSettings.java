package org.scoresde.sampling;

import java.io.Serializable;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The knobs of the named samplers, with the reference implementations' defaults: the PC sampler's
 * predictor ({@code reverse-diffusion} or {@code euler-maruyama}), Langevin snr and steps (0 steps:
 * no corrector), DPM-Solver's order and multistep/singlestep, DDIM's eta, and whether Heun's last
 * step is Euler.
 */
public record SamplerSettings(
    String predictor,
    double snr,
    int correctorSteps,
    int dpmOrder,
    boolean dpmMultistep,
    double eta,
    boolean heunEulerLastStep)
    implements Serializable {

  /** The keys {@link #fromMap} understands. */
  public static final Set<String> KEYS = Set.of(
      "predictor", "snr", "corrector_steps", "dpm_order", "dpm_multistep", "eta", "heun_euler_last_step");

  /** reverse-diffusion + Langevin(snr 0.16, 1 step), DPM-Solver-3 multistep, eta 0, EDM's Heun. */
  public static SamplerSettings defaults() {
    return new SamplerSettings("reverse-diffusion", 0.16, 1, 3, true, 0.0, true);
  }

  /**
   * The defaults overridden by the given entries (values as strings or numbers); an unknown key is
   * an IllegalArgumentException naming the known ones.
   */
  public static SamplerSettings fromMap(Map<String, ?> entries) {
    SamplerSettings d = defaults();
    String predictor = d.predictor;
    double snr = d.snr;
    int correctorSteps = d.correctorSteps;
    int dpmOrder = d.dpmOrder;
    boolean dpmMultistep = d.dpmMultistep;
    double eta = d.eta;
    boolean heunEulerLastStep = d.heunEulerLastStep;
    for (Map.Entry<String, ?> e : entries.entrySet()) {
      String v = String.valueOf(e.getValue()).trim();
      switch (e.getKey()) {
        case "predictor" -> predictor = v.toLowerCase(Locale.ROOT);
        case "snr" -> snr = Double.parseDouble(v);
        case "corrector_steps" -> correctorSteps = Integer.parseInt(v);
        case "dpm_order" -> dpmOrder = Integer.parseInt(v);
        case "dpm_multistep" -> dpmMultistep = parseBoolean(e.getKey(), v);
        case "eta" -> eta = Double.parseDouble(v);
        case "heun_euler_last_step" -> heunEulerLastStep = parseBoolean(e.getKey(), v);
        default -> throw new IllegalArgumentException(
            "unknown sampler setting '" + e.getKey() + "': use " + String.join(", ", new TreeSet<>(KEYS)));
      }
    }
    return new SamplerSettings(predictor, snr, correctorSteps, dpmOrder, dpmMultistep, eta, heunEulerLastStep);
  }

  private static boolean parseBoolean(String key, String v) {
    if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(v);
    }
    throw new IllegalArgumentException("sampler setting " + key + " must be true or false, got '" + v + "'");
  }
}
