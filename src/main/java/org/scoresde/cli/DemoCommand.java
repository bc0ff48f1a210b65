package org.scoresde.cli;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.scoresde.config.Settings;
import org.scoresde.config.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code demo}: the whole pipeline on Fashion-MNIST, locally, ending in a report. */
@Command(name = "demo", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    description = {
      "Run the whole pipeline on Fashion-MNIST on this machine: shard the train and test sets, train briefly,",
      "evaluate bits/dim on a few hundred test images, sample a grid, and write OUT/report.html.",
      "Needs Debian's dataset-fashion-mnist (installed with apt-get when run as root)."})
public final class DemoCommand implements Callable<Integer> {
  static final String DATASET = "/usr/share/datasets/fashion-mnist";

  @Mixin CommonOptions common;

  @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default: ${DEFAULT-VALUE}).")
  String out = "runs/demo";

  @Option(names = "--dataset", paramLabel = "DIR", description = "Fashion-MNIST IDX files (default: ${DEFAULT-VALUE}).")
  String dataset = DATASET;

  @Override
  public Integer call() throws Exception {
    Settings s = common.settings();
    ensureDataset();
    long t0 = System.nanoTime();
    String data = out + "-data";
    shard("train", data + "/train");
    shard("t10k", data + "/test");
    List<String> train = new ArrayList<>(List.of("--data", data + "/train", "--out", out, "--minutes",
        s.getString("demo.train-minutes"), "--overwrite"));
    for (String kv : s.config().getStringList("demo.train-settings")) {
      train.add("--set");
      train.add(kv);
    }
    step("train", train.toArray(new String[0]));
    step("evaluate", "--model", out + "/model.zip", "--data", data + "/test", "--out", out + "/eval",
        "--limit", s.getString("demo.evaluate-examples"), "--dequant-repeats", s.getString("demo.evaluate-dequant-repeats"),
        "--rtol", s.getString("demo.evaluate-tolerance"), "--atol", s.getString("demo.evaluate-tolerance"), "--overwrite");
    for (String sampler : s.config().getStringList("demo.samplers")) {
      step("sample", "--model", out + "/model.zip", "--sampler", sampler, "--n", s.getString("demo.samples"),
          "--out", out + "/samples/" + sampler, "--trajectory", "--reference", data + "/test", "--overwrite");
    }
    step("report", "--run", out, "--overwrite");
    System.out.printf("demo: done in %.1f min; open %s/report.html%n", (System.nanoTime() - t0) / 60e9, out);
    return 0;
  }

  private void shard(String split, String dir) {
    if (new File(dir, "_SUCCESS").isFile()) {
      System.err.println("demo: " + dir + " already sharded, reusing it");
      return;
    }
    step("shard", "--format", "idx", "--input", dataset + "/" + split + "-images-idx3-ubyte.gz",
        "--labels", dataset + "/" + split + "-labels-idx1-ubyte.gz", "--output", dir, "--shards", "8", "--overwrite");
  }

  private void step(String command, String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(command);
    argv.addAll(List.of(args));
    if (!command.equals("report")) {
      argv.add("--master");
      argv.add(common.master());
      if (common.configFile != null) {
        argv.add("--config");
        argv.add(common.configFile);
      }
      for (String kv : common.overrides) {
        argv.add("--set");
        argv.add(kv);
      }
    }
    System.err.println("demo: score-sde " + String.join(" ", argv));
    int rc = Main.execute(argv.toArray(new String[0]));
    if (rc != 0) {
      throw new UserError("demo step '" + command + "' failed (exit " + rc + "); see the error above");
    }
  }

  private void ensureDataset() throws Exception {
    File images = new File(dataset, "train-images-idx3-ubyte.gz");
    if (images.isFile()) {
      return;
    }
    if (dataset.equals(DATASET) && "root".equals(System.getProperty("user.name")) && new File("/usr/bin/apt-get").canExecute()) {
      System.err.println("demo: installing Fashion-MNIST (apt-get install -y dataset-fashion-mnist) ...");
      Process p = new ProcessBuilder("bash", "-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist")
          .inheritIO().start();
      if (p.waitFor() == 0 && images.isFile()) {
        return;
      }
    }
    throw new UserError("Fashion-MNIST is not at " + dataset + "; install it with "
        + "'sudo apt-get update && sudo apt-get install -y dataset-fashion-mnist' or pass --dataset DIR");
  }
}
