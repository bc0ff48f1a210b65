package org.scoresde.report;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Lays out the report of one run: a summary table of the key numbers, then training, evaluation,
 * samples, time and throughput, configuration and files. A part the run lacks becomes one line
 * saying which command produces it.
 */
public final class ReportBuilder {
  /** Configuration keys worth a row of their own above the full text, when present. */
  static final List<String> SALIENT_KEYS = List.of("sde.name", "sde.beta-min", "sde.beta-max", "sde.sigma-min",
      "sde.sigma-max", "train.weighting", "train.time-sampler", "train.batch-size", "train.learning-rate",
      "train.averaging-frequency", "train.workers", "train.ema-decay", "train.epochs", "seed");
  private static final int MAX_SHARD_ROWS = 40;

  private final String generatedAt;

  /** {@code generatedAt} is printed under the title (e.g. an ISO timestamp). */
  public ReportBuilder(String generatedAt) {
    this.generatedAt = generatedAt;
  }

  public ReportDocument build(RunData run) {
    List<ReportDocument.Section> sections = new ArrayList<>();
    sections.add(summary(run));
    sections.add(training(run));
    sections.add(evaluation(run));
    sections.add(samples(run));
    sections.add(timing(run));
    sections.add(configuration(run));
    sections.add(files(run));
    return new ReportDocument("Run report: " + name(run.runDir()), "Run directory `" + run.runDir() + "` · generated "
        + generatedAt, sections);
  }

  private static String name(String dir) {
    String d = dir.replaceAll("/+$", "");
    return d.substring(d.lastIndexOf('/') + 1);
  }

  private ReportDocument.Section summary(RunData run) {
    List<List<String>> rows = new ArrayList<>();
    run.evaluation().ifPresent(e -> {
      rows.add(List.of(e.unit(), valueWithInterval(e)));
      rows.add(List.of("examples evaluated (n)", Numbers.count(e.n())));
      rows.add(List.of("score evaluations per example (NFE, mean)", Numbers.fixed(e.nfeMean(), 1)));
    });
    if (run.evaluation().isEmpty()) {
      run.perExample().ifPresent(p -> rows.add(List.of("per-example mean (no nll.json)", Numbers.fixed(p.mean(), 4))));
    }
    run.metrics().filter(m -> !m.isEmpty()).ifPresent(m -> {
      rows.add(List.of("training throughput", Numbers.count(m.examplesPerSecond()) + " examples/s"));
      rows.add(List.of("training time", Numbers.duration(m.seconds())));
      rows.add(List.of("examples seen", Numbers.count(m.examples())));
      rows.add(List.of("final loss", Numbers.sig(m.last().orElseThrow().loss())));
    });
    for (SampleSet s : run.samples()) {
      rows.add(List.of("samples: " + s.name(), describe(s)));
    }
    List<Block> blocks = new ArrayList<>();
    if (!rows.isEmpty()) {
      blocks.add(new Block.Table(List.of("quantity", "value"), rows, List.of()));
    }
    List<String> missing = new ArrayList<>();
    if (run.metrics().isEmpty()) {
      missing.add("training metrics");
    }
    if (run.evaluation().isEmpty() && run.perExample().isEmpty()) {
      missing.add("evaluation");
    }
    if (run.samples().isEmpty()) {
      missing.add("samples");
    }
    if (!missing.isEmpty()) {
      blocks.add(new Block.Text("Not in this run: " + String.join(", ", missing) + " (see the sections below)."));
    }
    for (String note : run.notes()) {
      blocks.add(new Block.Text("Note: " + note + "."));
    }
    return new ReportDocument.Section("summary", "Summary", blocks);
  }

  static String valueWithInterval(Evaluation e) {
    String v = Numbers.fixed(e.value(), 4);
    if (Double.isFinite(e.ciLo()) && Double.isFinite(e.ciHi())) {
      return v + " ± " + Numbers.fixed((e.ciHi() - e.ciLo()) / 2, 4) + " (95% CI " + Numbers.fixed(e.ciLo(), 4) + " – "
          + Numbers.fixed(e.ciHi(), 4) + ")";
    }
    if (Double.isFinite(e.stderr())) {
      return v + " ± " + Numbers.fixed(1.959964 * e.stderr(), 4) + " (95% CI, from the standard error)";
    }
    return v;
  }

  private static String describe(SampleSet s) {
    List<String> parts = new ArrayList<>();
    if (s.sampler() != null) {
      parts.add(s.sampler() + (s.schedule() != null ? " / " + s.schedule() : ""));
    }
    if (s.steps() >= 0) {
      parts.add(s.steps() + " steps");
    }
    if (Double.isFinite(s.nfe())) {
      parts.add("NFE " + Numbers.sig(s.nfe()));
    }
    if (Double.isFinite(s.fid())) {
      parts.add("Fréchet distance " + Numbers.fixed(s.fid(), 2));
    }
    if (s.n() >= 0) {
      parts.add(Numbers.count(s.n()) + " samples in " + Numbers.duration(s.seconds()));
    }
    return String.join(", ", parts);
  }

  private ReportDocument.Section training(RunData run) {
    List<Block> blocks = new ArrayList<>();
    if (run.metrics().isEmpty() || run.metrics().get().isEmpty()) {
      blocks.add(new Block.Text("No training metrics: `" + run.runDir() + "/metrics.jsonl` is absent or empty. "
          + "`score-sde train --data DATA --out " + run.runDir() + "` writes it."));
      return new ReportDocument.Section("training", "Training", blocks);
    }
    TrainingMetrics m = run.metrics().get();
    TrainingRound last = m.last().orElseThrow();
    double minLoss = m.rounds().stream().mapToDouble(TrainingRound::loss).filter(Double::isFinite).min().orElse(Double.NaN);
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("averaging rounds", Numbers.count((long) m.rounds().size())));
    if (last.epoch() >= 0) {
      rows.add(List.of("epochs", (last.epoch() + 1) + " (last round: epoch " + last.epoch() + ", round " + last.round()
          + ", counting from 0)"));
    }
    rows.add(List.of("examples seen", Numbers.count(m.examples())));
    rows.add(List.of("first loss", Numbers.sig(m.rounds().get(0).loss())));
    rows.add(List.of("final loss", Numbers.sig(last.loss())));
    rows.add(List.of("lowest loss", Numbers.sig(minLoss)));
    rows.add(List.of("final learning rate", Numbers.sig(last.lr())));
    rows.add(List.of("wall-clock time", Numbers.duration(m.seconds())));
    rows.add(List.of("mean throughput", Numbers.count(m.examplesPerSecond()) + " examples/s"));
    blocks.add(new Block.Table(List.of("quantity", "value"), rows, List.of()));
    ReportPlots.loss(m.rounds()).ifPresent(p -> blocks.add(plot(p,
        "The denoising score matching loss, averaged over the examples of each parameter-averaging round.")));
    Optional<Picture> byT = ReportPlots.lossByT(m.rounds());
    if (byT.isPresent()) {
      blocks.add(plot(byT.get(), "The loss by diffusion time t, early, midway and late in training: small t (little noise) "
          + "is the hardest part of the score to learn."));
    } else {
      blocks.add(new Block.Text("The trainer recorded no loss by diffusion time (`loss_by_t`)."));
    }
    ReportPlots.fpPenalty(m.rounds()).ifPresent(p -> blocks.add(plot(p, "The score Fokker-Planck penalty (FP-Diffusion) "
        + "of the fixed probe batch after each round: the mean of g(t)^2 |R|^2 / D^2 over its times, without train.fp.alpha "
        + "(docs/fp-diffusion.md).")));
    ReportPlots.throughput(m.rounds()).ifPresent(p -> blocks.add(plot(p,
        "Examples per second of each averaging round (all workers together).")));
    return new ReportDocument.Section("training", "Training", blocks);
  }

  private ReportDocument.Section evaluation(RunData run) {
    List<Block> blocks = new ArrayList<>();
    if (run.evaluation().isEmpty() && run.perExample().isEmpty()) {
      blocks.add(new Block.Text("No evaluation found. `score-sde evaluate --model " + run.runDir()
          + "/model.zip --data DATA --out " + run.runDir() + "/eval` computes bits/dim with the probability-flow ODE."));
      learningCurve(run.curve(), blocks);
      return new ReportDocument.Section("evaluation", "Evaluation", blocks);
    }
    String unit = run.evaluation().map(Evaluation::unit).orElse("bits/dim or nats/dim");
    List<List<String>> rows = new ArrayList<>();
    run.evaluation().ifPresent(e -> {
      rows.add(List.of(e.unit() + " (mean over examples)", valueWithInterval(e)));
      rows.add(List.of("standard error", Numbers.fixed(e.stderr(), 4)));
      if (e.unit().equals("bits/dim") && Double.isFinite(e.natsPerDim())) {
        rows.add(List.of("nats/dim", Numbers.fixed(e.natsPerDim(), 4)));
      }
      rows.add(List.of("examples (n)", Numbers.count(e.n())));
      rows.add(List.of("dequantization draws per example", e.dequantRepeats() >= 0 ? String.valueOf(e.dequantRepeats())
          : Numbers.UNKNOWN));
      rows.add(List.of("NFE per example (mean)", Numbers.fixed(e.nfeMean(), 1)));
      rows.add(List.of("ODE solver", orDash(e.solver()) + ", rtol " + Numbers.sig(e.rtol()) + ", atol " + Numbers.sig(e.atol())));
      rows.add(List.of("divergence estimator", orDash(e.traceEstimator())));
      rows.add(List.of("wall-clock time", Numbers.duration(e.seconds())));
      if (e.n() > 0 && e.seconds() > 0) {
        rows.add(List.of("throughput", Numbers.sig(e.n() / e.seconds()) + " examples/s"));
      }
    });
    run.perExample().ifPresent(p -> {
      rows.add(List.of("per-example values read", Numbers.count((long) p.size())));
      rows.add(List.of("per-example median [5%, 95%]", Numbers.fixed(p.quantile(0.5), 4) + " [" + Numbers.fixed(p.quantile(0.05), 4)
          + ", " + Numbers.fixed(p.quantile(0.95), 4) + "]"));
      if (Double.isFinite(p.nfeQuantile(0.5))) {
        rows.add(List.of("NFE per example min / median / max", Numbers.sig(p.nfeQuantile(0)) + " / "
            + Numbers.sig(p.nfeQuantile(0.5)) + " / " + Numbers.sig(p.nfeQuantile(1))));
      }
    });
    blocks.add(new Block.Table(List.of("quantity", "value"), rows, List.of()));
    if (run.perExample().isPresent()) {
      ReportPlots.histogram(run.perExample().get(), unit, run.evaluation()).ifPresent(p -> blocks.add(plot(p,
          "Each example's " + unit + " (mean over its dequantization draws); the red line is the mean, the dashed "
              + "lines its 95% confidence interval.")));
    } else {
      blocks.add(new Block.Text("No per-example values (`eval/per_example/`), so no histogram."));
    }
    learningCurve(run.curve(), blocks);
    run.evaluation().filter(e -> !e.perLabel().isEmpty()).ifPresent(e -> {
      blocks.add(new Block.Subheading("By label"));
      List<List<String>> labelRows = new ArrayList<>();
      e.perLabel().forEach((label, v) -> labelRows.add(List.of(String.valueOf(label), Numbers.fixed(v.mean(), 4)
          + (Double.isFinite(v.ciLo()) ? " [" + Numbers.fixed(v.ciLo(), 4) + ", " + Numbers.fixed(v.ciHi(), 4) + "]" : ""),
          Numbers.count(v.n()))));
      blocks.add(new Block.Table(List.of("label", e.unit() + " [95% interval]", "examples"), labelRows, List.of(1, 2)));
    });
    run.evaluation().filter(e -> !e.leastLikely().isEmpty()).ifPresent(e -> extremes(run, e, blocks));
    run.evaluation().filter(e -> !e.perShard().isEmpty()).ifPresent(e -> {
      blocks.add(new Block.Subheading("By shard"));
      List<List<String>> shardRows = new ArrayList<>();
      e.perShard().entrySet().stream().sorted(Map.Entry.comparingByKey()).limit(MAX_SHARD_ROWS)
          .forEach(s -> shardRows.add(List.of(s.getKey(), Numbers.fixed(s.getValue(), 4))));
      blocks.add(new Block.Table(List.of("shard", e.unit()), shardRows, List.of(1)));
      if (e.perShard().size() > MAX_SHARD_ROWS) {
        blocks.add(new Block.Text("(" + (e.perShard().size() - MAX_SHARD_ROWS) + " more shards in nll.json.)"));
      }
    });
    return new ReportDocument.Section("evaluation", "Evaluation", blocks);
  }

  /** The evaluated checkpoints, when there are two or more: a plot against the examples seen and a table. */
  private static void learningCurve(LearningCurve curve, List<Block> blocks) {
    if (!curve.drawable()) {
      return;
    }
    String unit = curve.points().get(0).evaluation().unit();
    blocks.add(new Block.Subheading("Learning curve"));
    ReportPlots.learningCurve(curve).ifPresent(p -> blocks.add(plot(p, "The " + unit + " of the checkpoints that were "
        + "evaluated (`checkpoints/round-N/eval/`), against the examples seen at the checkpoint (logarithmic axis; unlike "
        + "the training time, it does not depend on the machine's speed or load); bars are 95% intervals.")));
    List<List<String>> rows = new ArrayList<>();
    for (LearningCurve.Point p : curve.points()) {
      Evaluation e = p.evaluation();
      rows.add(List.of(p.checkpoint(), Numbers.count(p.rounds()), Numbers.count(p.examples()), Numbers.duration(p.seconds()),
          Numbers.fixed(e.value(), 4) + " [" + Numbers.fixed(e.ciLo(), 4) + ", " + Numbers.fixed(e.ciHi(), 4) + "]",
          Numbers.count(e.n())));
    }
    blocks.add(new Block.Table(List.of("checkpoint", "rounds", "examples seen", "training time", unit + " [95% interval]",
        "examples (n)"), rows, List.of(1, 2, 4, 5)));
    if (!curve.sameProtocol()) {
      blocks.add(new Block.Text("Note: these evaluations differ in examples, tolerances, trace estimator or draws, so "
          + "their values are not directly comparable; evaluate every checkpoint with the same options and --limit."));
    }
  }

  /** The least and most likely examples: evaluate's strips (images) and the ranked lists of nll.json. */
  private static void extremes(RunData run, Evaluation e, List<Block> blocks) {
    blocks.add(new Block.Subheading("Least and most likely examples"));
    blocks.add(new Block.Text("The examples with the highest " + e.unit() + " (the model finds them least likely: odd "
        + "examples, or what the model has not learned) and the lowest (the most typical to it), ranked, read row by row."));
    String[][] ends = {{"least_likely.png", "least likely", "highest"}, {"most_likely.png", "most likely", "lowest"}};
    for (String[] end : ends) {
      List<Evaluation.Ranked> ranked = end[0].startsWith("least") ? e.leastLikely() : e.mostLikely();
      run.evaluationPictures().stream().filter(p -> p.file().equals(end[0])).findFirst().ifPresent(p -> {
        int scale = Math.max(1, Math.min(4, 640 / Math.max(1, p.width())));
        blocks.add(new Block.Figure(p, "The " + ranked.size() + " " + end[1] + " examples (" + end[2] + " " + e.unit()
            + " first).", p.width() * scale, scale > 1));
      });
      List<List<String>> rows = new ArrayList<>();
      for (int i = 0; i < ranked.size(); i++) {
        Evaluation.Ranked r = ranked.get(i);
        rows.add(List.of(String.valueOf(i + 1), String.valueOf(r.index()),
            r.label().isPresent() ? r.label().getAsInt() + r.className().map(c -> " (" + c + ")").orElse("") : "-",
            Numbers.fixed(r.value(), 4)));
      }
      blocks.add(new Block.Table(List.of(end[1] + ": rank", "index", "label", e.unit()), rows, List.of(0, 1, 3)));
    }
  }

  private ReportDocument.Section samples(RunData run) {
    List<Block> blocks = new ArrayList<>();
    if (run.samples().isEmpty()) {
      blocks.add(new Block.Text("No samples found. `score-sde sample --model " + run.runDir()
          + "/model.zip --n 64 --sampler dpm-solver --steps 20 --out " + run.runDir() + "/samples/NAME` draws some."));
      return new ReportDocument.Section("samples", "Samples", blocks);
    }
    List<List<String>> rows = new ArrayList<>();
    for (SampleSet s : run.samples()) {
      rows.add(List.of(s.name(), orDash(s.sampler()), orDash(s.schedule()), s.steps() >= 0 ? String.valueOf(s.steps())
          : Numbers.UNKNOWN, Numbers.sig(s.nfe()), Numbers.count(s.n()), Numbers.duration(s.seconds()),
          Numbers.sig(s.samplesPerSecond()), Numbers.fixed(s.fid(), 2), Numbers.fixed(s.nearestTrainingRatio(), 3)));
    }
    blocks.add(new Block.Table(List.of("set", "sampler", "schedule", "steps", "NFE", "samples", "time", "samples/s", "Fréchet distance",
        "nearest training: samples / held-out"), rows, List.of(3, 4, 5, 6, 7, 8, 9)));
    if (run.samples().stream().anyMatch(s -> Double.isFinite(s.nearestTrainingRatio()))) {
      blocks.add(new Block.Text("The last column is the median distance of a sample to its nearest training example over "
          + "the same median for held-out examples (`sample --training`): near 1 the model generalizes, near 0 it "
          + "reproduces its training data."));
    }
    for (SampleSet s : run.samples()) {
      blocks.add(new Block.Subheading(s.name()));
      for (Picture p : s.pictures()) {
        // enlarge small images by a whole factor (crisp pixels): grids to about 480 px tall, strips to about 900 px wide
        int scale = Math.max(1, Math.min(4, Math.min(900 / Math.max(1, p.width()), 480 / Math.max(1, p.height()))));
        blocks.add(new Block.Figure(p, p.title() + " (" + s.name() + ", " + p.width() + " × " + p.height() + " px)",
            p.width() * scale, scale > 1));
      }
      if (s.pictures().stream().noneMatch(p -> p.file().startsWith("samples-"))) {
        ReportPlots.scatter(s, "samples-" + s.slug() + ".png")
            .ifPresent(p -> blocks.add(plot(p, "The vector samples of " + s.name() + " (first two coordinates).")));
      }
      if (s.pictures().isEmpty() && s.points().isEmpty()) {
        blocks.add(new Block.Text("No samples.png or samples.csv beside its sample.json."));
      }
    }
    return new ReportDocument.Section("samples", "Samples", blocks);
  }

  private ReportDocument.Section timing(RunData run) {
    List<List<String>> rows = new ArrayList<>();
    run.metrics().filter(m -> !m.isEmpty()).ifPresent(m -> rows.add(List.of("training", Numbers.duration(m.seconds()),
        Numbers.count(m.examples()) + " examples", Numbers.sig(m.examplesPerSecond()) + " examples/s")));
    run.evaluation().ifPresent(e -> rows.add(List.of("evaluation", Numbers.duration(e.seconds()),
        Numbers.count(e.n()) + " examples", e.n() > 0 && e.seconds() > 0 ? Numbers.sig(e.n() / e.seconds()) + " examples/s"
            : Numbers.UNKNOWN)));
    for (SampleSet s : run.samples()) {
      rows.add(List.of("sampling: " + s.name(), Numbers.duration(s.seconds()), Numbers.count(s.n()) + " samples",
          Double.isFinite(s.samplesPerSecond()) ? Numbers.sig(s.samplesPerSecond()) + " samples/s" : Numbers.UNKNOWN));
    }
    List<Block> blocks = new ArrayList<>();
    if (rows.isEmpty()) {
      blocks.add(new Block.Text("No timings recorded."));
    } else {
      blocks.add(new Block.Table(List.of("stage", "wall-clock time", "items", "throughput"), rows, List.of(1, 2, 3)));
    }
    return new ReportDocument.Section("time", "Time and throughput", blocks);
  }

  private ReportDocument.Section configuration(RunData run) {
    List<Block> blocks = new ArrayList<>();
    if (run.configText().isEmpty()) {
      blocks.add(new Block.Text("No `config.conf` in the run directory (train writes the effective configuration there)."));
      return new ReportDocument.Section("configuration", "Configuration", blocks);
    }
    String text = run.configText().get();
    List<List<String>> rows = new ArrayList<>();
    try {
      Config c = ConfigFactory.parseString(text);
      boolean ve = c.hasPath("sde.name") && "ve".equals(String.valueOf(c.getValue("sde.name").unwrapped()));
      for (String key : SALIENT_KEYS) {
        if (c.hasPath(key) && !key.startsWith(ve ? "sde.beta" : "sde.sigma")) {
          ConfigValue v = c.getValue(key);
          rows.add(List.of(key, switch (v.valueType()) {
            case STRING -> (String) v.unwrapped();
            case NUMBER -> Numbers.sig(((Number) v.unwrapped()).doubleValue());
            default -> v.render(ConfigRenderOptions.concise());
          }));
        }
      }
    } catch (ConfigException e) {
      // RunReader already rejected unparseable text; an unresolvable value only loses the summary rows
    }
    if (!rows.isEmpty()) {
      blocks.add(new Block.Table(List.of("key", "value"), rows, List.of()));
    }
    blocks.add(new Block.Code("The effective configuration (config.conf, " + text.lines().count() + " lines)", "hocon",
        text.strip()));
    return new ReportDocument.Section("configuration", "Configuration", blocks);
  }

  private ReportDocument.Section files(RunData run) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("model.zip", run.modelBytes().isPresent() ? Numbers.bytes(run.modelBytes().getAsLong()) : "absent",
        run.modelSha256().map(s -> "sha256 " + s).orElse(Numbers.UNKNOWN)));
    return new ReportDocument.Section("files", "Files", List.of(new Block.Table(List.of("file", "size", "checksum"), rows,
        List.of())));
  }

  private static Block.Figure plot(Picture p, String caption) {
    return new Block.Figure(p, caption, p.width(), false);
  }

  private static String orDash(String s) {
    return s == null || s.isBlank() ? Numbers.UNKNOWN : s;
  }
}
