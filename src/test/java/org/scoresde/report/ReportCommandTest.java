package org.scoresde.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scoresde.testing.CliRun;

class ReportCommandTest {
  private static final Pattern IMG = Pattern.compile(
      "<img src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\" alt=\"[^\"]*\" data-file=\"([^\"]+)\"");
  private static final Pattern MD_IMG = Pattern.compile("!\\[[^\\]]*\\]\\(([^)]+)\\)");
  private static final List<String> SECTIONS = List.of("summary", "training", "evaluation", "samples", "time",
      "configuration", "files");

  @TempDir Path tmp;

  /** Runs the launcher and returns {exit code, stdout, stderr}. */
  static Object[] run(String... args) {
    return CliRun.run(args);
  }

  /** The embedded images of a page, by their data-file name, decoded from base64. */
  static Map<String, byte[]> embedded(String html) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    Matcher m = IMG.matcher(html);
    while (m.find()) {
      out.put(m.group(2), Base64.getDecoder().decode(m.group(1)));
    }
    return out;
  }

  static BufferedImage image(byte[] png) throws IOException {
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
    assertNotNull(img, "not a decodable image");
    return img;
  }

  @Test
  void evaluatedCheckpointsDrawALearningCurve() throws Exception {
    Path dir = tmp.resolve("curve");
    FakeRun.full(dir);
    checkpoint(dir, 10, 6400, 300, 5.25, 500);
    checkpoint(dir, 20, 12800, 600, 4.5, 500);
    Files.createDirectories(dir.resolve("checkpoints/round-00000030"));
    Files.writeString(dir.resolve("checkpoints/round-00000030/state.json"), "{\"rounds\": 30}");
    Object[] r = run("report", "--run", dir.toString());
    assertEquals(0, r[0], (String) r[2]);
    String html = FakeRun.text(dir.resolve("report.html"));
    String md = FakeRun.text(dir.resolve("report.md"));
    assertTrue(md.contains("### Learning curve"), md);
    // the not-yet-evaluated checkpoint is no point; the two evaluated ones are rows in training order
    assertTrue(md.contains("| round-00000010 | 10 | 6,400 | 5 min 00 s | 5.2500 [5.1520, 5.3480] | 500 |"), md);
    assertTrue(md.contains("| round-00000020 | 20 | 12,800 | 10 min 00 s | 4.5000 [4.4020, 4.5980] | 500 |"), md);
    assertFalse(md.contains("round-00000030"));
    assertFalse(md.contains("not directly comparable"), "same protocol: no warning");
    BufferedImage curve = image(embedded(html).get("learning_curve.png"));
    assertEquals(ReportPlots.WIDTH, curve.getWidth());

    checkpoint(dir, 30, 19200, 900, 4.2, 100);
    r = run("report", "--run", dir.toString(), "--overwrite");
    assertEquals(0, r[0], (String) r[2]);
    assertTrue(FakeRun.text(dir.resolve("report.md")).contains("not directly comparable"), "500 and 100 examples are flagged");
  }

  /** A checkpoint directory with its training state and an evaluation of value {@code bpd} +- 0.098 over {@code n} examples. */
  private static void checkpoint(Path run, long rounds, long examples, double seconds, double bpd, int n) throws IOException {
    Path c = run.resolve(String.format("checkpoints/round-%08d", rounds));
    Files.createDirectories(c.resolve("eval"));
    Files.writeString(c.resolve("state.json"), String.format(java.util.Locale.ROOT,
        "{\"epoch\":0,\"round\":%d,\"examples\":%d,\"seconds\":%.1f,\"ema_updates\":%d,\"rounds\":%d}",
        rounds, examples, seconds, rounds, rounds));
    Files.writeString(c.resolve("eval/nll.json"), String.format(java.util.Locale.ROOT,
        "{\"bits_per_dim\": %.4f, \"nats_per_dim\": 3.0, \"stderr\": 0.05, \"ci95\": [%.4f, %.4f], \"n\": %d, "
            + "\"nfe_mean\": 300, \"solver\": \"dopri5\", \"rtol\": 1e-5, \"atol\": 1e-5, \"trace_estimator\": "
            + "\"rademacher\", \"dequant_repeats\": 5, \"seconds\": 100, \"unit\": \"bits/dim\"}",
        bpd, bpd - 0.098, bpd + 0.098, n));
  }

  @Test
  void fullRunHasEverySectionAndItsImagesDecode() throws Exception {
    Path dir = tmp.resolve("run1");
    FakeRun.full(dir);
    Object[] r = run("report", "--run", dir.toString());
    assertEquals(0, r[0], (String) r[2]);
    String html = FakeRun.text(dir.resolve("report.html"));
    String md = FakeRun.text(dir.resolve("report.md"));
    for (String id : SECTIONS) {
      assertTrue(html.contains("<section id=\"" + id + "\">"), id);
    }
    for (String h : List.of("## Summary", "## Training", "## Evaluation", "## Samples", "## Time and throughput",
        "## Configuration", "## Files")) {
      assertTrue(md.contains("\n" + h + "\n"), h);
    }
    // the headline: mean ± half-width of the 95% interval from nll.json, 1.959964 * 0.01 = 0.0196
    String headline = "3.4120 ± 0.0196 (95% CI 3.3924 – 3.4316)";
    assertTrue(html.contains(headline), html.substring(0, 3000));
    assertTrue(md.contains(headline));
    assertTrue(html.contains("<td>400</td>"), "n");
    assertTrue(html.contains("<td>146.5</td>"), "NFE mean");
    // 30 rounds of 640 examples in 75 s: 256 examples/s overall, 1 min 15 s of training
    assertTrue(html.contains("<td>256 examples/s</td>"), "throughput");
    assertTrue(html.contains("<td>1 min 15 s</td>"), "training time");
    assertTrue(html.contains("dpm-solver") && html.contains("31.40"), "sample set row with its Frechet distance (the sample job's frechet_distance.value)");
    assertTrue(html.contains("<td class=\"num\">31.40</td><td class=\"num\">0.912</td>"), "and its nearest-training ratio");
    assertTrue(html.contains("near 1 the model generalizes"), "explained");
    assertTrue(html.contains("sde.name") && html.contains("beta-max = 20.0"), "configuration");
    assertTrue(html.contains("sha256 ab12cd34") && html.contains("12.1 KiB"), "model file");

    Map<String, byte[]> imgs = embedded(html);
    assertEquals(Set.of("loss.png", "loss_by_t.png", "throughput.png", "nll_hist.png", "samples-dpm-20.png",
        "trajectory-dpm-20.png", "least_likely.png", "most_likely.png"), imgs.keySet());
    assertArrayEquals(Files.readAllBytes(dir.resolve("eval/least_likely.png")), imgs.get("least_likely.png"));
    assertTrue(html.contains("Least and most likely examples"), "the ranked examples");
    assertTrue(html.contains("<td class=\"num\">1</td><td class=\"num\">17</td><td>7 (Sneaker)</td><td class=\"num\">4.9000</td>"),
        html.substring(html.indexOf("Least and most likely")));
    assertTrue(md.contains("| 2 | 9 | - | 2.2000 |"), "an unlabelled example in the Markdown table");
    for (String plot : List.of("loss.png", "loss_by_t.png", "throughput.png", "nll_hist.png")) {
      BufferedImage img = image(imgs.get(plot));
      assertEquals(ReportPlots.WIDTH, img.getWidth(), plot);
      assertEquals(ReportPlots.HEIGHT, img.getHeight(), plot);
    }
    assertArrayEquals(Files.readAllBytes(dir.resolve("samples/dpm-20/samples.png")), imgs.get("samples-dpm-20.png"),
        "the sample grid is embedded unchanged");
    assertEquals(224, image(imgs.get("samples-dpm-20.png")).getWidth());
    BufferedImage strip = image(imgs.get("trajectory-dpm-20.png"));
    assertEquals(280, strip.getWidth());
    assertEquals(28, strip.getHeight());

    Set<String> files = new TreeSet<>();
    try (Stream<Path> s = Files.list(dir.resolve("report"))) {
      s.forEach(p -> files.add(p.getFileName().toString()));
    }
    assertTrue(files.remove("_SCORE_SDE"), "report/ carries the marker of a report");
    assertEquals(new TreeSet<>(imgs.keySet()), files, "report/ holds exactly the embedded images");
    for (String f : files) {
      assertArrayEquals(Files.readAllBytes(dir.resolve("report").resolve(f)), imgs.get(f), f);
    }
    Matcher m = MD_IMG.matcher(md);
    Set<String> linked = new TreeSet<>();
    while (m.find()) {
      Path target = dir.resolve(m.group(1));
      assertTrue(Files.isRegularFile(target), "markdown link " + m.group(1));
      image(Files.readAllBytes(target));
      linked.add(target.getFileName().toString());
    }
    assertEquals(files, linked, "the Markdown links every image");
    try (Stream<Path> s = Files.list(dir)) {
      assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith(".")), "no temporary or checksum files left");
    }
  }
  @Test
  void aRunWithOnlyTrainingStillReports() throws Exception {
    Path dir = tmp.resolve("train-only");
    FakeRun.trainingOnly(dir);
    Object[] r = run("report", "--run", dir.toString());
    assertEquals(0, r[0], (String) r[2]);
    String html = FakeRun.text(dir.resolve("report.html"));
    assertEquals(Set.of("loss.png", "throughput.png"), embedded(html).keySet());
    assertTrue(html.contains("Not in this run: evaluation, samples"), "summary names what is missing");
    assertTrue(html.contains("No evaluation found."));
    assertTrue(html.contains("No samples found."));
    assertTrue(html.contains("recorded no loss by diffusion time"));
    assertTrue(FakeRun.text(dir.resolve("report.md")).contains("![Training loss](report/loss.png)"));
  }

  @Test
  void vectorRunWithCsvValuesReportsNatsPerDimAndAScatterOfSamples() throws Exception {
    Path dir = tmp.resolve("toy");
    FakeRun.metrics(dir, true);
    FakeRun.nllJson(dir.resolve("eval"), "nats/dim");
    FakeRun.perExampleCsv(dir.resolve("eval"));
    Path set = dir.resolve("samples/heun-50");
    Files.createDirectories(set);
    Files.writeString(set.resolve("sample.json"), "{\"sampler\": \"heun\", \"steps\": 50, \"nfe\": 99, \"seconds\": 2.0, \"n\": 500}");
    StringBuilder csv = new StringBuilder("x0,x1\n");
    for (int i = 0; i < 500; i++) {
      double a = 2 * Math.PI * i / 500;
      csv.append(Math.cos(a)).append(',').append(Math.sin(a)).append('\n');
    }
    Files.writeString(set.resolve("samples.csv"), csv);
    Path out = tmp.resolve("elsewhere/toy-report");
    Object[] r = run("report", "--run", dir.toString(), "--out", out + ".html");
    assertEquals(0, r[0], (String) r[2]);
    String html = FakeRun.text(tmp.resolve("elsewhere/toy-report.html"));
    assertTrue(html.contains("<td>nats/dim</td><td>3.4120 ± 0.0196 (95% CI 3.3924 – 3.4316)</td>"), "nats/dim headline");
    Map<String, byte[]> imgs = embedded(html);
    assertEquals(Set.of("loss.png", "loss_by_t.png", "throughput.png", "nll_hist.png", "samples-heun-50.png"), imgs.keySet());
    assertEquals(ReportPlots.WIDTH, image(imgs.get("samples-heun-50.png")).getWidth());
    assertTrue(html.contains("(500 points)") || html.contains("samples of heun-50"), "scatter of the vector samples");
    String md = FakeRun.text(tmp.resolve("elsewhere/toy-report.md"));
    assertTrue(md.contains("](toy-report/nll_hist.png)"), "links relative to the Markdown file");
    assertTrue(Files.isRegularFile(tmp.resolve("elsewhere/toy-report/nll_hist.png")));
    assertFalse(Files.exists(dir.resolve("report.html")), "--out moved the report");
  }

  @Test
  void aRunWithTheFokkerPlanckPenaltyGetsItsPlot() throws Exception {
    Path dir = tmp.resolve("fp");
    FakeRun.config(dir);
    FakeRun.metrics(dir, true);
    String metrics = Files.readString(dir.resolve("metrics.jsonl"));
    StringBuilder withFp = new StringBuilder();
    int r = 0;
    for (String line : metrics.split("\n")) {
      withFp.append(line.replace("\"loss\":", "\"fp_penalty\":" + 1e5 * Math.exp(-r++ / 10.0) + ",\"loss\":")).append('\n');
    }
    Files.writeString(dir.resolve("metrics.jsonl"), withFp);
    Object[] out = run("report", "--run", dir.toString());
    assertEquals(0, out[0], (String) out[2]);
    String html = FakeRun.text(dir.resolve("report.html"));
    Map<String, byte[]> imgs = embedded(html);
    assertTrue(imgs.containsKey("fp_penalty.png"), imgs.keySet().toString());
    assertEquals(ReportPlots.WIDTH, image(imgs.get("fp_penalty.png")).getWidth());
    assertTrue(html.contains("Fokker-Planck penalty"), "captioned");
  }

  @Test
  void refusesToReplaceAReportWithoutOverwrite() throws Exception {
    Path dir = tmp.resolve("again");
    FakeRun.trainingOnly(dir);
    assertEquals(0, run("report", "--run", dir.toString())[0]);
    byte[] before = Files.readAllBytes(dir.resolve("report.html"));
    Object[] r = run("report", "--run", dir.toString());
    assertEquals(2, r[0]);
    assertOneErrorLine((String) r[2], "report output " + dir + "/report.html already exists; pass --overwrite");
    assertArrayEquals(before, Files.readAllBytes(dir.resolve("report.html")), "the old report is untouched");
    FakeRun.samples(dir.resolve("samples"), "ddim-10");
    assertEquals(0, run("report", "--run", dir.toString(), "--overwrite")[0]);
    assertTrue(embedded(FakeRun.text(dir.resolve("report.html"))).containsKey("samples-ddim-10.png"), "replaced");
    try (Stream<Path> s = Files.list(dir)) {
      assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith(".")), "no temporaries left");
    }
  }

  @Test
  void overwriteNeverReplacesWhatIsNotAReport() throws Exception {
    Path dir = tmp.resolve("not-a-report");
    FakeRun.trainingOnly(dir);
    Path eval = Files.createDirectories(dir.resolve("eval-out"));
    Files.writeString(eval.resolve("_SCORE_SDE"), "{\"written_by\": \"score-sde\", \"command\": \"evaluate\"}\n");
    Files.writeString(eval.resolve("nll.json"), "{}");
    Object[] r = run("report", "--run", dir.toString(), "--out", eval.toString(), "--overwrite");
    assertEquals(2, r[0]);
    assertOneErrorLine((String) r[2], "report output " + eval + "(.html, .md) exists but is not a report score-sde wrote");
    assertEquals("{}", Files.readString(eval.resolve("nll.json")));
    Files.writeString(dir.resolve("mine.html"), "<p>mine</p>");
    Object[] html = run("report", "--run", dir.toString(), "--out", dir.resolve("mine").toString(), "--overwrite");
    assertEquals(2, html[0]);
    assertEquals("<p>mine</p>", Files.readString(dir.resolve("mine.html")));
  }

  @Test
  void badInputIsOneErrorLine() throws Exception {
    Path missing = tmp.resolve("no-such-run");
    Object[] r = run("report", "--run", missing.toString());
    assertEquals(2, r[0]);
    assertOneErrorLine((String) r[2], "run directory " + missing + " does not exist");

    Path empty = tmp.resolve("empty");
    Files.createDirectories(empty.resolve("unrelated"));
    r = run("report", "--run", empty.toString());
    assertEquals(2, r[0]);
    assertOneErrorLine((String) r[2], empty + " is not a run directory: it holds none of config.conf, metrics.jsonl");

    Path run = tmp.resolve("broken");
    FakeRun.config(run);
    Files.writeString(run.resolve("metrics.jsonl"), "{\"loss\": 1.0}\n{\"loss\": oops}\n{\"loss\": 0.5}\n");
    r = run("report", "--run", run.toString());
    assertEquals(2, r[0]);
    assertOneErrorLine((String) r[2], run + "/metrics.jsonl line 2 is not valid JSON");
    assertFalse(Files.exists(run.resolve("report.html")), "nothing written on error");

    Path ok = tmp.resolve("ok");
    FakeRun.config(ok);
    r = run("report", "--run", ok.toString(), "--eval", tmp.resolve("nowhere").toString());
    assertEquals(2, r[0]);
    assertOneErrorLine((String) r[2], "evaluation directory " + tmp.resolve("nowhere") + " does not exist");

    Path badPng = tmp.resolve("badpng");
    FakeRun.samples(badPng.resolve("samples"), "s");
    Files.writeString(badPng.resolve("samples/s/samples.png"), "not a png");
    r = run("report", "--run", badPng.toString());
    assertEquals(2, r[0]);
    assertOneErrorLine((String) r[2], badPng + "/samples/s/samples.png is not a readable image");

    r = run("report");
    assertEquals(2, r[0]);
    assertOneErrorLine((String) r[2], "Missing required option: '--run=DIR'");
  }

  private static void assertOneErrorLine(String err, String expectedStart) {
    String e = err.strip();
    assertEquals(1, e.lines().count(), e);
    assertTrue(e.startsWith("error: " + expectedStart), e);
  }
}
