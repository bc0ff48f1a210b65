package org.scoresde.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.config.Settings;
import org.scoresde.fp.FokkerPlanckChecks;
import org.scoresde.verify.CheckResult;
import org.scoresde.verify.VerifyCheck;
import org.scoresde.verify.VerifySuite;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code verify}: the analytic suite, the product's own code paths run against exact answers. */
@Command(name = "verify", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    description = {
      "Run the mathematics (SDEs, time sampling, exact scores, ODE solvers, likelihood, samplers) against",
      "exact answers on fresh random Gaussian mixtures, and print a table: check, value, tolerance, pass.",
      "Exit 0 when every check passes, 1 otherwise. Runs on the driver only; takes a few minutes on 2 cores."})
public final class VerifyCommand implements Callable<Integer> {

  @Mixin CommonOptions common;

  @Option(names = "--json", description = "Print the results as JSON instead of a table.")
  boolean json;

  @Option(names = "--only", paramLabel = "GROUP", split = ",", description = "Run only these groups (e.g. sde,likelihood).")
  List<String> only = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Settings settings = common.settings();
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    Random rng = new Random(settings.getLong("seed"));
    List<CheckResult> results = new ArrayList<>();
    long start = System.nanoTime();
    for (VerifyCheck check : VerifySuite.checks(settings, List.of(new FokkerPlanckChecks()))) {
      if (!only.isEmpty() && !only.contains(check.name())) {
        continue;
      }
      long t0 = System.nanoTime();
      List<CheckResult> r = check.run(rng);
      results.addAll(r);
      if (!json) {
        System.err.printf("verify: %s done in %.1f s%n", check.name(), (System.nanoTime() - t0) / 1e9);
        r.forEach(VerifyCommand::printRow);
      }
    }
    boolean allPass = !results.isEmpty() && results.stream().allMatch(CheckResult::pass);
    double seconds = (System.nanoTime() - start) / 1e9;
    if (json) {
      ObjectMapper om = new ObjectMapper();
      ObjectNode root = om.createObjectNode();
      root.put("pass", allPass);
      root.put("seconds", seconds);
      root.put("seed", settings.getLong("seed"));
      ArrayNode arr = root.putArray("checks");
      for (CheckResult c : results) {
        ObjectNode o = arr.addObject();
        o.put("group", c.group());
        o.put("check", c.check());
        o.put("value", c.value());
        o.put("tolerance", c.tolerance());
        o.put("pass", c.pass());
        o.put("detail", c.detail());
      }
      System.out.println(om.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    } else {
      long failed = results.stream().filter(c -> !c.pass()).count();
      System.out.printf("%d checks, %d failed, %.1f s: %s%n", results.size(), failed, seconds, allPass ? "PASS" : "FAIL");
    }
    return allPass ? 0 : 1;
  }

  private static void printRow(CheckResult c) {
    System.out.printf("%-4s %-11s %-72s %12.4g %s %-10.3g %s%n", c.pass() ? "ok" : "FAIL", c.group(), c.check(), c.value(),
        c.value() <= c.tolerance() ? "<=" : ">=", c.tolerance(), c.detail());
  }
}
