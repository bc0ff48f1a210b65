package org.scoresde.sde;

import java.util.Locale;
import java.util.Map;

/** Builds an SDE from its name and parameters, as written in configuration and model files. */
public final class Sdes {
  private Sdes() {}

  /** The SDE called {@code name} (vp, subvp, ve) with the given parameters, defaults for missing ones. */
  public static Sde create(String name, Map<String, Double> p) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "vp":
        return new VpSde(p.getOrDefault("beta_min", 0.1), p.getOrDefault("beta_max", 20.0));
      case "subvp":
      case "sub-vp":
        return new SubVpSde(p.getOrDefault("beta_min", 0.1), p.getOrDefault("beta_max", 20.0));
      case "ve":
        return new VeSde(p.getOrDefault("sigma_min", 0.01), p.getOrDefault("sigma_max", 50.0));
      default:
        throw new IllegalArgumentException("unknown SDE '" + name + "': use vp, subvp or ve");
    }
  }

  /** The SDE called {@code name} with its default parameters. */
  public static Sde create(String name) {
    return create(name, Map.of());
  }
}
