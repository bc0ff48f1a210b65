package org.scoresde.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.scoresde.sampling.Samplers;
import org.scoresde.sampling.Schedules;
import picocli.CommandLine;

/** Every command's --help renders without picocli's warnings (an unescaped % in a description, say). */
class HelpTextTest {

  private static void collect(CommandLine cl, List<CommandLine> all) {
    all.add(cl);
    cl.getSubcommands().values().forEach(sub -> collect(sub, all));
  }

  @Test
  void everyCommandsHelpRendersWithoutPicocliWarnings() {
    List<CommandLine> all = new ArrayList<>();
    collect(new CommandLine(new Main()), all);
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    List<String> usages = new ArrayList<>();
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      for (CommandLine cl : all) {
        usages.add(cl.getUsageMessage());
      }
    } finally {
      System.setErr(original);
    }
    String warnings = captured.toString(StandardCharsets.UTF_8);
    assertTrue(all.size() >= 10, "commands found: " + all.size());
    assertEquals("", warnings, "picocli printed warnings while rendering --help");
    for (String usage : usages) {
      assertTrue(usage.startsWith("Usage: score-sde"), usage);
      assertTrue(!usage.contains("%n") && !usage.contains("%%"), "an unformatted description: " + usage);
    }
  }

  @Test
  void sampleHelpListsEverySamplerAndScheduleOfTheRegistries() {
    String usage = new CommandLine(new Main()).getSubcommands().get("sample").getUsageMessage();
    for (var s : Samplers.all()) {
      assertTrue(usage.contains("  " + s.name() + " ") && usage.contains(s.description().substring(0, 20)), s.name() + ":\n" + usage);
    }
    for (var s : Schedules.all()) {
      assertTrue(usage.contains("  " + s.name() + " "), s.name() + ":\n" + usage);
    }
  }
}
