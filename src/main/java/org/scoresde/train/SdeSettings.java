package org.scoresde.train;

import java.util.Map;
import org.scoresde.config.Settings;
import org.scoresde.config.UserError;
import org.scoresde.sde.Sde;
import org.scoresde.sde.Sdes;

/** The SDE a new model is trained with, from the {@code sde} block of the configuration. */
public final class SdeSettings {
  private SdeSettings() {}

  public static Sde sde(Settings s) {
    return sde(s.getString("sde.name"), s);
  }

  /** The SDE called {@code name} with the configuration's parameters. */
  public static Sde sde(String name, Settings s) {
    try {
      return Sdes.create(name, Map.of(
          "beta_min", s.getDouble("sde.beta-min"), "beta_max", s.getDouble("sde.beta-max"),
          "sigma_min", s.getDouble("sde.sigma-min"), "sigma_max", s.getDouble("sde.sigma-max")));
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
  }
}
