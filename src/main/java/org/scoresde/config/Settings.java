package org.scoresde.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import java.io.File;
import java.util.List;

/**
 * The effective configuration of a run (HOCON): the documented defaults in conf/defaults.conf,
 * overridden by a user file and by {@code --set key=value}. Immutable; typed getters turn a
 * missing or mistyped key into a {@link UserError} naming the key.
 */
public final class Settings {
  private final Config config;

  private Settings(Config config) {
    this.config = config;
  }

  /** Wraps an already resolved configuration. */
  public static Settings of(Config config) {
    return new Settings(config.resolve());
  }

  /** Defaults (the classpath's defaults.conf) overridden by the file, if any, then by each KEY=VALUE. */
  public static Settings load(String file, List<String> overrides) {
    Config defaults = ConfigFactory.parseResources(Settings.class.getClassLoader(), "defaults.conf",
        ConfigParseOptions.defaults().setAllowMissing(false));
    Config c = defaults;
    if (file != null) {
      File f = new File(file);
      if (!f.isFile()) {
        throw new UserError("configuration file " + file + " does not exist");
      }
      try {
        c = ConfigFactory.parseFile(f, ConfigParseOptions.defaults().setAllowMissing(false)).withFallback(c);
      } catch (ConfigException e) {
        throw new UserError("cannot parse configuration file " + file + ": " + e.getMessage());
      }
    }
    for (String kv : overrides) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new UserError("--set needs KEY=VALUE, got '" + kv + "'");
      }
      String key = kv.substring(0, eq).trim();
      String value = kv.substring(eq + 1).trim();
      if (!defaults.hasPath(key)) {
        throw new UserError("unknown configuration key '" + key + "' (see conf/defaults.conf for every key)");
      }
      try {
        c = ConfigFactory.parseString(key + " = " + quoteIfNeeded(value)).withFallback(c);
      } catch (ConfigException e) {
        throw new UserError("cannot parse --set " + kv + ": " + e.getMessage());
      }
    }
    Config resolved;
    try {
      resolved = c.resolve();
    } catch (ConfigException e) {
      throw new UserError("configuration error: " + e.getMessage());
    }
    SettingRanges.check(resolved);
    return new Settings(resolved);
  }

  private static String quoteIfNeeded(String value) {
    try {
      ConfigFactory.parseString("k = " + value).resolve();
      return value;
    } catch (ConfigException e) {
      return ConfigValueFactory.fromAnyRef(value).render(ConfigRenderOptions.concise());
    }
  }

  public Settings with(String key, Object value) {
    return new Settings(config.withValue(key, ConfigValueFactory.fromAnyRef(value)));
  }

  public Config config() {
    return config;
  }

  public String getString(String key) {
    try {
      return config.getString(key);
    } catch (ConfigException e) {
      throw new UserError("configuration key '" + key + "': " + e.getMessage());
    }
  }

  public int getInt(String key) {
    try {
      return config.getInt(key);
    } catch (ConfigException e) {
      throw new UserError("configuration key '" + key + "': " + e.getMessage());
    }
  }

  public long getLong(String key) {
    try {
      return config.getLong(key);
    } catch (ConfigException e) {
      throw new UserError("configuration key '" + key + "': " + e.getMessage());
    }
  }

  public double getDouble(String key) {
    try {
      return config.getDouble(key);
    } catch (ConfigException e) {
      throw new UserError("configuration key '" + key + "': " + e.getMessage());
    }
  }

  public boolean getBoolean(String key) {
    try {
      return config.getBoolean(key);
    } catch (ConfigException e) {
      throw new UserError("configuration key '" + key + "': " + e.getMessage());
    }
  }

  public List<Integer> getIntList(String key) {
    try {
      return config.getIntList(key);
    } catch (ConfigException e) {
      throw new UserError("configuration key '" + key + "': " + e.getMessage());
    }
  }

  /** The configuration as HOCON text, comments dropped, for config.conf and model files. */
  public String render() {
    return config.root().render(ConfigRenderOptions.defaults().setOriginComments(false).setComments(false).setJson(false));
  }
}
