package org.scoresde.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.scoresde.sampling.Samplers;
import org.scoresde.sampling.Schedules;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Appends the sampler and schedule registries to a command's description, so that {@code --help}
 * lists exactly what the job accepts, each with one line on what it is.
 */
public final class SamplerCatalogue implements CommandLine.IModelTransformer {
  @Override
  public CommandSpec transform(CommandSpec spec) {
    List<String> lines = new ArrayList<>(Arrays.asList(spec.usageMessage().description()));
    lines.add("Samplers (--sampler):");
    Samplers.all().forEach(s -> lines.add(entry(s.name(), s.description())));
    lines.add("Time schedules (--schedule):");
    Schedules.all().forEach(s -> lines.add(entry(s.name(), s.description())));
    lines.add("");
    spec.usageMessage().description(lines.toArray(String[]::new));
    return spec;
  }

  private static String entry(String name, String description) {
    return String.format("  %-18s %s", name, description).replace("%", "%%");
  }
}
