package org.scoresde.cli;

import java.util.ArrayList;
import java.util.List;
import org.scoresde.config.Settings;
import picocli.CommandLine.Option;

/** The options every job takes: where Spark runs, configuration files and overrides, the seed. */
public final class CommonOptions {

  @Option(names = "--master", description = "Spark master URL (default: ${DEFAULT-VALUE}); e.g. local[2], spark://host:7077, yarn, k8s://...")
  String master = "local[*]";

  @Option(names = "--config", paramLabel = "FILE", description = "A HOCON file whose keys override conf/defaults.conf.")
  String configFile;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one configuration key (repeatable), e.g. --set train.batch-size=32.")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--seed", description = "Run seed (default: the configuration's 'seed').")
  Long seed;

  public String master() {
    return master;
  }

  /** The effective configuration: defaults, then --config, then each --set, then --seed. */
  public Settings settings() {
    Settings s = Settings.load(configFile, overrides);
    return seed == null ? s : s.with("seed", seed);
  }
}
