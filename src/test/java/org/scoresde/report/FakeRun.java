package org.scoresde.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * Writes a realistic run directory the way train, evaluate and sample lay it out: 30 rounds of a
 * falling loss with the loss by diffusion time, an nll.json, per-example values as Snappy Parquet
 * with Spark's schema, and a sample set with a 224 x 224 grid and a 280 x 28 trajectory strip.
 */
final class FakeRun {
  static final int ROUNDS = 30;
  static final int EXAMPLES = 400;
  static final long PER_ROUND = 640;
  static final double SECONDS_PER_ROUND = 2.5;
  static final String CONFIG = """
      seed = 42
      sde { name = vp, beta-min = 0.1, beta-max = 20.0, sigma-min = 0.01, sigma-max = 50.0 }
      train { batch-size = 64, learning-rate = 2e-4, weighting = likelihood, time-sampler = importance, epochs = 3 }
      """;
  /** The mean of the per-example values drawn by {@link #perExampleValues()}, reported in nll.json. */
  static final double BPD = 3.412;
  static final double STDERR = 0.01;

  private FakeRun() {}

  static void config(Path run) throws IOException {
    Files.createDirectories(run);
    Files.writeString(run.resolve("config.conf"), CONFIG);
  }

  /** metrics.jsonl: loss 1.5 exp(-r/8) + 0.3, round-wise throughput around 256 examples/s. */
  static void metrics(Path run, boolean withLossByT) throws IOException {
    Files.createDirectories(run);
    StringBuilder sb = new StringBuilder();
    for (int r = 0; r < ROUNDS; r++) {
      double loss = 1.5 * Math.exp(-r / 8.0) + 0.3;
      sb.append(String.format(Locale.ROOT, "{\"epoch\":%d,\"round\":%d,\"round_index\":%d,\"examples\":%d,\"loss\":%.6f,",
          r / 10, r % 10, r + 1, (r + 1) * PER_ROUND, loss));
      if (withLossByT) {
        sb.append("\"loss_by_t\":[");
        for (int b = 0; b < 10; b++) {
          double lo = b / 10.0;
          sb.append(b == 0 ? "" : ",").append(String.format(Locale.ROOT, "{\"t_lo\":%.1f,\"t_hi\":%.1f,\"loss\":%.6f}",
              lo, lo + 0.1, loss * (0.2 + 3 * Math.exp(-12 * (lo + 0.05)))));
        }
        sb.append("],");
      }
      sb.append(String.format(Locale.ROOT, "\"lr\":%.6g,\"seconds\":%.3f,\"round_seconds\":%.3f,\"examples_per_second\":%.3f}%n",
          2e-4 * Math.min(1, (r + 1) / 5.0), (r + 1) * SECONDS_PER_ROUND, SECONDS_PER_ROUND,
          PER_ROUND / SECONDS_PER_ROUND * (1 + 0.05 * Math.sin(r))));
    }
    Files.writeString(run.resolve("metrics.jsonl"), sb.toString());
  }

  static void model(Path run) throws IOException {
    byte[] bytes = new byte[12345];
    new Random(1).nextBytes(bytes);
    Files.write(run.resolve("model.zip"), bytes);
    Files.writeString(run.resolve("model.zip.sha256"), "ab12cd34  model.zip\n");
  }

  static void nllJson(Path eval, String unitLine) throws IOException {
    Files.createDirectories(eval);
    double lo = BPD - 1.959964 * STDERR;
    double hi = BPD + 1.959964 * STDERR;
    Files.writeString(eval.resolve("nll.json"), String.format(Locale.ROOT, """
        {"bits_per_dim": %s, "nats_per_dim": %.6f, "stderr": %.6f, "ci95": [%.6f, %.6f], "n": %d, "nfe_mean": 146.5,
         "per_shard": {"part-00000": 3.40, "part-00001": 3.424}, "solver": "dopri5", "rtol": 1e-5, "atol": 1e-5,
         "trace_estimator": "rademacher", "dequant_repeats": 5, "seconds": 812.0, "unit": "%s",
         "least_likely": [{"index": 17, "label": 7, "class": "Sneaker", "value": 4.9}, {"index": 3, "label": 0, "value": 4.5}],
         "most_likely": [{"index": 250, "label": 1, "class": "Trouser", "value": 2.1}, {"index": 9, "value": 2.2}]}
        """, unitLine.equals("bits/dim") ? String.format(Locale.ROOT, "%.6f", BPD) : "null",
        unitLine.equals("bits/dim") ? 1.234 : BPD, STDERR, lo, hi, EXAMPLES, unitLine));
  }

  /** Per-example values: a normal spread of sd 0.2 around {@link #BPD}, and NFEs from 110 to 189. */
  static double[][] perExampleValues() {
    Random rng = new Random(7);
    double[] v = new double[EXAMPLES];
    double[] nfe = new double[EXAMPLES];
    for (int i = 0; i < EXAMPLES; i++) {
      v[i] = BPD + 0.2 * rng.nextGaussian();
      nfe[i] = 110 + (i % 80);
    }
    return new double[][] {v, nfe};
  }

  /** Two Snappy Parquet part files with Spark's nullable schema, plus the _SUCCESS and .crc files Spark leaves. */
  static void perExampleParquet(Path eval) throws IOException {
    Path dir = eval.resolve("per_example");
    Files.createDirectories(dir);
    MessageType schema = MessageTypeParser.parseMessageType(
        "message spark_schema { optional int64 index; optional double value; optional double nfe; }");
    double[][] ve = perExampleValues();
    SimpleGroupFactory groups = new SimpleGroupFactory(schema);
    for (int part = 0; part < 2; part++) {
      org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(dir.resolve(
          String.format("part-%05d-0c1d.snappy.parquet", part)).toUri());
      try (ParquetWriter<Group> w = ExampleParquetWriter.builder(file).withConf(new Configuration()).withType(schema)
          .withCompressionCodec(CompressionCodecName.SNAPPY).build()) {
        for (int i = part; i < EXAMPLES; i += 2) {
          w.write(groups.newGroup().append("index", (long) i).append("value", ve[0][i]).append("nfe", ve[1][i]));
        }
      }
    }
    Files.writeString(dir.resolve("_SUCCESS"), "");
  }

  static void perExampleCsv(Path eval) throws IOException {
    Files.createDirectories(eval);
    double[][] ve = perExampleValues();
    StringBuilder sb = new StringBuilder("index,value,nfe\n");
    for (int i = 0; i < EXAMPLES; i++) {
      sb.append(i).append(',').append(ve[0][i]).append(',').append(ve[1][i]).append('\n');
    }
    Files.writeString(eval.resolve("per_example.csv"), sb.toString());
  }

  /** A sample set: sample.json, an 8 x 8 grid of 28 x 28 tiles, a 10-frame trajectory strip. */
  static void samples(Path samplesDir, String name) throws IOException {
    Path dir = samplesDir.resolve(name);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("sample.json"), """
        {"sampler": "dpm-solver", "schedule": "logsnr", "steps": 20, "nfe": 40, "seconds": 12.5, "n": 64, "frechet_distance": {"value": 31.4, "samples": 64, "reference_images": 10000}, "nearest_training": {"ratio_of_medians": 0.912}}
        """);
    ImageIO.write(grid(8, 8), "png", dir.resolve("samples.png").toFile());
    ImageIO.write(grid(1, 10), "png", dir.resolve("trajectory.png").toFile());
  }

  static BufferedImage grid(int rows, int cols) {
    BufferedImage img = new BufferedImage(cols * 28, rows * 28, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = img.createGraphics();
    Random rng = new Random(rows * 31L + cols);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        g.setColor(Color.BLACK);
        g.fillRect(c * 28, r * 28, 28, 28);
        g.setColor(new Color(150 + rng.nextInt(100), 150 + rng.nextInt(100), 150 + rng.nextInt(100)));
        g.fillOval(c * 28 + 4 + rng.nextInt(4), r * 28 + 3 + rng.nextInt(4), 16, 20);
      }
    }
    g.dispose();
    return img;
  }

  /** A run that has only trained: configuration and metrics without loss by t. */
  static void trainingOnly(Path run) throws IOException {
    config(run);
    metrics(run, false);
  }

  /**
   * The whole run: configuration, metrics with loss by t, model, evaluation (Parquet, with the strips of
   * the least and most likely examples) and one sample set.
   */
  static void full(Path run) throws IOException {
    config(run);
    metrics(run, true);
    model(run);
    nllJson(run.resolve("eval"), "bits/dim");
    perExampleParquet(run.resolve("eval"));
    samples(run.resolve("samples"), "dpm-20");
    ImageIO.write(grid(1, 2), "png", run.resolve("eval/least_likely.png").toFile());
    ImageIO.write(grid(1, 2), "png", run.resolve("eval/most_likely.png").toFile());
  }

  static String text(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }
}
