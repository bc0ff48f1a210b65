package org.scoresde.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.scoresde.config.UserError;

/**
 * Reads what the jobs left in a run directory (any Hadoop filesystem) into {@link RunData}. Absent
 * parts are simply absent; a part that is present but unreadable is a {@link UserError} naming it.
 */
public final class RunReader {
  /** What a run directory holds, for error messages. */
  public static final String RUN_LAYOUT = "config.conf, metrics.jsonl and model.zip (from train), eval/nll.json "
      + "and eval/per_example/ (from evaluate), samples/NAME/sample.json and samples.png (from sample), "
      + "checkpoints/round-N/eval/nll.json (evaluate on a checkpoint's model.zip)";
  static final int MAX_POINTS = 5000;

  private final Configuration conf;

  public RunReader(Configuration conf) {
    this.conf = conf;
  }

  /** Reads the run, its evaluation and its samples as {@code paths} locates them. */
  public RunData read(ReportPaths paths) {
    try {
      return readOrThrow(paths);
    } catch (IOException e) {
      throw new UserError("cannot read run " + paths.run() + ": " + e.getMessage(), e);
    }
  }

  private RunData readOrThrow(ReportPaths paths) throws IOException {
    Path run = new Path(paths.run());
    FileSystem fs = run.getFileSystem(conf);
    if (!fs.exists(run)) {
      throw new UserError("run directory " + paths.run() + " does not exist; pass the --out directory of train");
    }
    if (!fs.getFileStatus(run).isDirectory()) {
      throw new UserError("run directory " + paths.run() + " is a file, not a directory");
    }
    List<String> notes = new ArrayList<>();

    Optional<String> config = readText(fs, new Path(run, "config.conf"));
    config.ifPresent(c -> {
      try {
        ConfigFactory.parseString(c);
      } catch (ConfigException e) {
        throw new UserError(paths.run() + "/config.conf is not valid HOCON: " + e.getMessage());
      }
    });
    Path model = new Path(run, "model.zip");
    OptionalLong modelBytes = fs.exists(model) ? OptionalLong.of(fs.getFileStatus(model).getLen()) : OptionalLong.empty();
    Optional<String> sha = readText(fs, new Path(run, "model.zip.sha256"))
        .map(s -> s.strip().split("\\s+")[0]).filter(s -> !s.isEmpty());
    Optional<TrainingMetrics> metrics = readText(fs, new Path(run, "metrics.jsonl"))
        .map(t -> TrainingMetrics.parse(t, paths.run() + "/metrics.jsonl"));
    metrics.map(TrainingMetrics::note).ifPresent(notes::add);
    LearningCurve curve = readCurve(fs, run);

    Optional<Evaluation> evaluation = Optional.empty();
    Optional<PerExampleValues> perExample = Optional.empty();
    List<Picture> evaluationPictures = new ArrayList<>();
    Path evalDir = new Path(paths.evalDir());
    FileSystem evalFs = evalDir.getFileSystem(conf);
    if (evalFs.exists(evalDir)) {
      evaluation = readText(evalFs, new Path(evalDir, "nll.json")).map(t -> Evaluation.parse(t, paths.evalDir() + "/nll.json"));
      perExample = new PerExampleReader(evalFs, conf).read(evalDir);
      String[][] ends = {{"least_likely.png", "Least likely examples"}, {"most_likely.png", "Most likely examples"}};
      for (String[] end : ends) {
        Path p = new Path(evalDir, end[0]);
        if (evalFs.exists(p)) {
          evaluationPictures.add(Picture.of(end[0], end[1], readBytes(evalFs, p), HadoopPaths.shown(p)));
        }
      }
      if (evaluation.isEmpty() && perExample.isEmpty() && paths.eval() != null) {
        throw new UserError("evaluation directory " + paths.eval() + " holds neither nll.json nor per_example/; "
            + "pass the --out directory of evaluate");
      }
    } else if (paths.eval() != null) {
      throw new UserError("evaluation directory " + paths.eval() + " does not exist");
    }

    List<SampleSet> samples = new ArrayList<>();
    Path samplesDir = new Path(paths.samplesDir());
    FileSystem samplesFs = samplesDir.getFileSystem(conf);
    if (samplesFs.exists(samplesDir)) {
      readSamples(samplesFs, samplesDir, samples, notes);
      if (samples.isEmpty() && paths.samples() != null) {
        throw new UserError("samples directory " + paths.samples() + " holds no sample.json (in itself or in a "
            + "subdirectory); pass the --out directory of sample, or its parent");
      }
    } else if (paths.samples() != null) {
      throw new UserError("samples directory " + paths.samples() + " does not exist");
    }

    if (config.isEmpty() && modelBytes.isEmpty() && metrics.isEmpty() && evaluation.isEmpty() && perExample.isEmpty()
        && samples.isEmpty()) {
      throw new UserError(paths.run() + " is not a run directory: it holds none of " + RUN_LAYOUT);
    }
    return new RunData(paths.run(), config, modelBytes, sha, metrics, evaluation, perExample, evaluationPictures, samples,
        curve, notes);
  }

  private void readSamples(FileSystem fs, Path dir, List<SampleSet> out, List<String> notes) throws IOException {
    Set<String> slugs = new HashSet<>();
    if (fs.exists(new Path(dir, "sample.json"))) {
      out.add(readSampleSet(fs, dir, slugs));
    }
    FileStatus[] children = fs.listStatus(dir);
    Arrays.sort(children, (a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
    for (FileStatus child : children) {
      String name = child.getPath().getName();
      if (!child.isDirectory() || name.startsWith(".") || name.startsWith("_")) {
        continue;
      }
      if (fs.exists(new Path(child.getPath(), "sample.json"))) {
        out.add(readSampleSet(fs, child.getPath(), slugs));
      } else {
        notes.add("samples/" + name + " has no sample.json and was left out");
      }
    }
  }

  /** The sample job's {@code frechet_distance.value} (classifier features), NaN when it was not computed. */
  private static double frechetDistance(JsonNode sample, String source) {
    JsonNode fd = sample.get("frechet_distance");
    if (fd != null && fd.isObject()) {
      return Json.number(fd, "value", source);
    }
    return Json.number(sample, "fid", source);
  }

  private static double nearestTrainingRatio(JsonNode sample, String source) {
    JsonNode nt = sample.get("nearest_training");
    return nt != null && nt.isObject() ? Json.number(nt, "ratio_of_medians", source) : Double.NaN;
  }

  /** Reads one sample set; {@code slugs} keeps the picture file names of different sets apart. */
  private SampleSet readSampleSet(FileSystem fs, Path dir, Set<String> slugs) throws IOException {
    String name = dir.getName();
    String source = HadoopPaths.shown(dir) + "/sample.json";
    JsonNode o = Json.object(Json.parse(readText(fs, new Path(dir, "sample.json")).orElseThrow(), source), source);
    String base = name.replaceAll("[^A-Za-z0-9._-]", "_");
    String slug = base;
    for (int i = 2; !slugs.add(slug); i++) {
      slug = base + "-" + i;
    }
    List<Picture> pictures = new ArrayList<>();
    String[][] kinds = {{"samples.png", "samples", "Samples"}, {"trajectory.png", "trajectory", "Sampling trajectory"},
        {"denoising.png", "denoising", "Denoising trajectory (estimates of x0 along the way)"}};
    for (String[] k : kinds) {
      Path p = new Path(dir, k[0]);
      if (fs.exists(p)) {
        pictures.add(Picture.of(k[1] + "-" + slug + ".png", k[2], readBytes(fs, p), HadoopPaths.shown(p)));
      }
    }
    List<double[]> points = new ArrayList<>();
    Path csv = new Path(dir, "samples.csv");
    if (fs.exists(csv)) {
      points = readPoints(readText(fs, csv).orElseThrow(), HadoopPaths.shown(csv));
    }
    return new SampleSet(name, slug, Json.text(o, "sampler"), Json.text(o, "schedule"), Json.integer(o, "steps", -1, source),
        Json.number(o, "nfe", source), Json.number(o, "seconds", source), Json.integer(o, "n", -1, source),
        frechetDistance(o, source), nearestTrainingRatio(o, source), pictures, points);
  }

  /** The first {@link #MAX_POINTS} numeric rows of a samples.csv; a header line is skipped. */
  static List<double[]> readPoints(String text, String source) {
    List<double[]> points = new ArrayList<>();
    String[] lines = text.split("\r?\n");
    for (int i = 0; i < lines.length && points.size() < MAX_POINTS; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      String[] cells = lines[i].split(",");
      double[] row = new double[cells.length];
      try {
        for (int j = 0; j < cells.length; j++) {
          row[j] = Double.parseDouble(cells[j].strip());
        }
      } catch (NumberFormatException e) {
        if (i == 0) {
          continue;
        }
        throw new UserError(source + " line " + (i + 1) + " is not a row of numbers: '" + lines[i] + "'");
      }
      points.add(row);
    }
    return points;
  }

  /**
   * The run's evaluated checkpoints: each {@code checkpoints/round-N/} whose {@code eval/} holds an
   * nll.json, with the training state of its state.json, in training order.
   */
  private static LearningCurve readCurve(FileSystem fs, Path run) throws IOException {
    Path dir = new Path(run, "checkpoints");
    List<LearningCurve.Point> points = new ArrayList<>();
    if (!fs.exists(dir) || !fs.getFileStatus(dir).isDirectory()) {
      return new LearningCurve(points);
    }
    FileStatus[] checkpoints = fs.listStatus(dir);
    Arrays.sort(checkpoints, Comparator.comparing(st -> st.getPath().getName()));
    for (FileStatus st : checkpoints) {
      String name = st.getPath().getName();
      Path nll = new Path(st.getPath(), "eval/nll.json");
      Path state = new Path(st.getPath(), "state.json");
      if (!st.isDirectory() || !name.startsWith("round-") || !fs.exists(nll) || !fs.exists(state)) {
        continue;
      }
      String where = HadoopPaths.shown(state);
      JsonNode o = Json.object(Json.parse(readText(fs, state).orElseThrow(), where), where);
      points.add(new LearningCurve.Point(name, Json.integer(o, "rounds", -1, where), Json.integer(o, "examples", -1, where),
          Json.number(o, "seconds", where), Evaluation.parse(readText(fs, nll).orElseThrow(), HadoopPaths.shown(nll))));
    }
    return new LearningCurve(points);
  }

  private static Optional<String> readText(FileSystem fs, Path p) throws IOException {
    if (!fs.exists(p)) {
      return Optional.empty();
    }
    return Optional.of(new String(readBytes(fs, p), StandardCharsets.UTF_8));
  }

  private static byte[] readBytes(FileSystem fs, Path p) throws IOException {
    if (fs.getFileStatus(p).isDirectory()) {
      throw new UserError(HadoopPaths.shown(p) + " is a directory; expected a file");
    }
    try (InputStream in = fs.open(p)) {
      return in.readAllBytes();
    }
  }
}
