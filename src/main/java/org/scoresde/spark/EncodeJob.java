package org.scoresde.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.config.UserError;
import org.scoresde.data.Example;
import org.scoresde.data.Manifest;
import org.scoresde.data.ShardSchema;
import org.scoresde.image.ImageGrid;
import org.scoresde.io.AtomicOutput;
import org.scoresde.io.PngFile;
import org.scoresde.io.InputPath;
import org.scoresde.io.TextFile;
import org.scoresde.model.ModelSource;
import org.scoresde.nd4j.NativeGarbage;
import org.scoresde.data.DataTransform;
import org.scoresde.sampling.Interpolation;
import org.scoresde.sampling.ProbabilityFlowEncoding;
import org.scoresde.sampling.Schedules;
import org.scoresde.sde.Sde;

/**
 * Deterministic encoding across executors: the first examples of a shard directory are carried
 * from data to noise by the probability-flow ODE and decoded back, giving OUT/latents.csv (keyed by
 * example index) and the round trip's reconstruction error in OUT/encode.json; optionally the slerp
 * path between the latents of two chosen examples is decoded into OUT/interpolation.png (images)
 * or OUT/interpolation.csv (vectors). 8-bit pixels enter the model at the centres of their bins.
 */
public final class EncodeJob {
  private static final int SHOWN = 8;
  private final String master;

  public EncodeJob(String master) {
    this.master = master;
  }

  /**
   * What to encode; {@code interpolate} is null or two example indices. A value out of range is
   * refused here, before any Spark session.
   */
  public record Request(String model, Sde sde, String data, String out, long limit, int steps, String schedule,
      double eps, int[] interpolate, int frames, int batchSize, boolean overwrite) {
    public Request {
      if (limit < 1) {
        throw new UserError("--limit must be at least 1, got " + limit);
      }
      if (steps < 1) {
        throw new UserError("--steps must be at least 1, got " + steps);
      }
      if (!Schedules.modelFreeNames().contains(schedule)) {
        throw new UserError("--encode needs a schedule of " + Schedules.modelFreeNames() + ", got '" + schedule
            + "' (gits chooses grids for sampling only)");
      }
      if (interpolate != null && frames < 2) {
        throw new UserError("--frames must be at least 2, got " + frames);
      }
    }
  }

  /** One example's encoding: its latent, the decoded reconstruction and the round trip's errors. */
  record Encoded(long index, int label, float[] input, float[] latent, float[] reconstruction, double squaredError,
      double maxAbsError) implements Serializable {}

  /** Plans (model, data, grid), encodes and decodes every example in its partition, then writes the outputs and commits. */
  public ObjectNode run(Request req) throws IOException {
    SparkSession spark = SparkSessions.create("encode", master);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    ModelOnData input = ModelOnData.read(spark, req.model(), req.sde(), req.data());
    Manifest m = input.manifest();
    if (req.interpolate() != null) {
      for (int i : req.interpolate()) {
        if (i < 0 || i >= m.count()) {
          throw new UserError("--interpolate: no example " + i + " in " + req.data() + " (indices 0.." + (m.count() - 1) + ")");
        }
      }
    }
    double[] grid = Schedules.byName(req.schedule()).grid(input.source().sde(), req.steps(), req.eps());
    try (AtomicOutput out = AtomicOutput.begin(req.out(), req.overwrite(), jsc.hadoopConfiguration(), "encode",
        List.of(InputPath.model(req.model()), new InputPath("--data", req.data())))) {
      long start = System.nanoTime();
      List<Encoded> encoded = encodeAll(jsc, input, req, grid);
      ObjectNode json = writeOutputs(req, input, grid, encoded, out);
      json.put("seconds", (System.nanoTime() - start) / 1e9);
      TextFile.writeJson(out.fileSystem(), new Path(out.temporary(), "encode.json"), json);
      out.commit();
      System.out.printf("encode: %d examples, reconstruction RMSE %.3g (max %.3g), NFE %d per pass -> %s%n",
          encoded.size(), json.get("reconstruction_rmse").asDouble(), json.get("reconstruction_max_abs").asDouble(),
          4L * (grid.length - 1), out.target());
      return json;
    }
  }

  /** The Spark work: every example's round trip through the latent space, in batches inside its partition, by index. */
  private static List<Encoded> encodeAll(JavaSparkContext jsc, ModelOnData input, Request req, double[] grid) {
    Broadcast<ModelSource> model = jsc.broadcast(input.source());
    int[] shape = input.source().shape();
    int d = shape[0] * shape[1] * shape[2];
    int batchSize = req.batchSize();
    JavaRDD<Encoded> encodedRdd = input.rows(req.limit()).javaRDD().mapPartitions(rows -> {
          List<Example> examples = new ArrayList<>();
          rows.forEachRemaining(r -> examples.add(ShardSchema.toExample(r)));
          List<Encoded> res = new ArrayList<>();
          if (examples.isEmpty()) {
            return res.iterator();
          }
          ModelSource s = model.value();
          try (NativeGarbage collector = NativeGarbage.collectEvery(NativeGarbage.DEFAULT_WINDOW)) {
            ProbabilityFlowEncoding enc = new ProbabilityFlowEncoding(s.open(), grid);
            for (int from = 0; from < examples.size(); from += batchSize) {
              res.addAll(roundTrip(enc, examples.subList(from, Math.min(examples.size(), from + batchSize)), s, d));
            }
          } catch (OutOfMemoryError e) {
            throw new TaskOutOfMemoryException("out of memory encoding a batch of " + batchSize + " examples", e);
          }
          return res.iterator();
        });
    List<Encoded> encoded;
    try {
      encoded = new ArrayList<>(encodedRdd.collect());
    } catch (RuntimeException e) {
      throw TaskOutOfMemoryException.explain(e, "encode", "sample.batch-size (now " + batchSize + ", --set sample.batch-size=N)")
          .orElseThrow(() -> e);
    }
    encoded.sort(Comparator.comparingLong(Encoded::index));
    if (encoded.isEmpty()) {
      throw new UserError("no examples to encode in " + req.data());
    }
    return encoded;
  }

  /**
   * latents.csv, for images reconstructions.png, with --interpolate the interpolation, into the
   * temporary output; returns encode.json's fields but the time.
   */
  private static ObjectNode writeOutputs(Request req, ModelOnData input, double[] grid, List<Encoded> encoded,
      AtomicOutput out) throws IOException {
    ModelSource source = input.source();
    int[] shape = source.shape();
    int d = shape[0] * shape[1] * shape[2];
    boolean image = shape[1] > 1 || shape[0] > 1;
    double sq = 0;
    double max = 0;
    double norm = 0;
    for (Encoded e : encoded) {
      sq += e.squaredError();
      max = Math.max(max, e.maxAbsError());
      double n2 = 0;
      for (float v : e.latent()) {
        n2 += (double) v * v;
      }
      norm += Math.sqrt(n2 / d) / encoded.size();
    }
    FileSystem fs = out.fileSystem();
    StringBuilder csv = new StringBuilder("index,label," + IntStream.range(0, d).mapToObj(j -> "z" + j)
        .collect(Collectors.joining(",")) + "\n");
    for (Encoded e : encoded) {
      csv.append(e.index()).append(',').append(e.label());
      for (float v : e.latent()) {
        csv.append(',').append(v);
      }
      csv.append('\n');
    }
    TextFile.write(fs, new Path(out.temporary(), "latents.csv"), csv.toString());
    DataTransform transform = source.transform();
    if (image) {
      List<Encoded> shown = encoded.subList(0, Math.min(SHOWN, encoded.size()));
      List<float[][]> columns = List.of(shown.stream().map(Encoded::input).toArray(float[][]::new),
          shown.stream().map(Encoded::reconstruction).toArray(float[][]::new));
      PngFile.write(fs, new Path(out.temporary(), "reconstructions.png"),
          ImageGrid.strip(columns, shape[0], shape[1], shape[2], transform));
    }
    ObjectNode json = new ObjectMapper().createObjectNode();
    json.put("examples", encoded.size());
    json.put("model", req.model());
    json.put("sde", source.sde().name());
    json.put("data", req.data());
    json.put("solver", "rk4");
    json.put("schedule", req.schedule());
    json.put("steps", req.steps());
    json.put("eps", req.eps());
    json.put("nfe_per_pass", 4L * (grid.length - 1));
    json.put("reconstruction_rmse", Math.sqrt(sq / ((double) encoded.size() * d)));
    json.put("reconstruction_max_abs", max);
    json.put("latent_rms_mean", norm);
    json.put("input", transform.isDequantized() ? "8-bit levels at bin centres" : "values");
    if (req.interpolate() != null) {
      json.set("interpolation", interpolate(req, input.data(), source, grid, d, image, shape, fs, out.temporary()));
    }
    return json;
  }

  private static ObjectNode interpolate(Request req, ShardedData data, ModelSource source, double[] grid, int d,
      boolean image, int[] shape, FileSystem fs, Path dir) throws IOException {
    int a = req.interpolate()[0];
    int b = req.interpolate()[1];
    List<Example> ends = data.rows().filter(functions.col(ShardSchema.INDEX).isin(a, b)).collectAsList().stream()
        .map(ShardSchema::toExample).toList();
    Example ea = ends.stream().filter(e -> e.index() == a).findFirst()
        .orElseThrow(() -> new UserError("--interpolate: no example " + a + " in " + req.data()));
    Example eb = ends.stream().filter(e -> e.index() == b).findFirst()
        .orElseThrow(() -> new UserError("--interpolate: no example " + b + " in " + req.data()));
    ProbabilityFlowEncoding enc = new ProbabilityFlowEncoding(source.open(), grid);
    DataType type = type(source);
    INDArray x = inputs(List.of(ea, eb), source.transform(), d, type);
    INDArray z = enc.encode(x);
    INDArray path = Interpolation.path(z.getRow(0), z.getRow(1), req.frames());
    float[][] frames = enc.decode(path).castTo(DataType.FLOAT).toFloatMatrix();
    if (image) {
      List<float[][]> columns = new ArrayList<>();
      for (float[] f : frames) {
        columns.add(new float[][] {f});
      }
      PngFile.write(fs, new Path(dir, "interpolation.png"), ImageGrid.strip(columns, shape[0], shape[1], shape[2],
          source.transform()));
    } else {
      StringBuilder csv = new StringBuilder("frame,alpha," + IntStream.range(0, d).mapToObj(j -> "x" + j)
          .collect(Collectors.joining(",")) + "\n");
      for (int k = 0; k < frames.length; k++) {
        csv.append(k).append(',').append((double) k / (frames.length - 1));
        for (float v : frames[k]) {
          csv.append(',').append(v);
        }
        csv.append('\n');
      }
      TextFile.write(fs, new Path(dir, "interpolation.csv"), csv.toString());
    }
    float[][] xs = x.castTo(DataType.FLOAT).toFloatMatrix();
    ObjectNode json = new ObjectMapper().createObjectNode();
    json.put("from", a);
    json.put("to", b);
    json.put("frames", req.frames());
    json.put("endpoint_rmse", Math.sqrt((squared(frames[0], xs[0]) + squared(frames[frames.length - 1], xs[1])) / (2.0 * d)));
    json.put("file", image ? "interpolation.png" : "interpolation.csv");
    return json;
  }

  /** Encodes and decodes one batch. */
  static List<Encoded> roundTrip(ProbabilityFlowEncoding enc, List<Example> batch, ModelSource source, int d) {
    INDArray x = inputs(batch, source.transform(), d, type(source));
    INDArray z = enc.encode(x);
    INDArray back = enc.decode(z);
    float[][] xs = x.castTo(DataType.FLOAT).toFloatMatrix();
    float[][] zs = z.castTo(DataType.FLOAT).toFloatMatrix();
    float[][] rs = back.castTo(DataType.FLOAT).toFloatMatrix();
    double[][] diff = back.sub(x).toDoubleMatrix();
    List<Encoded> res = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      double sq = 0;
      double max = 0;
      for (double v : diff[i]) {
        sq += v * v;
        max = Math.max(max, Math.abs(v));
      }
      res.add(new Encoded(batch.get(i).index(), batch.get(i).label(), xs[i], zs[i], rs[i], sq, max));
    }
    return res;
  }

  /** The model-space inputs [N, D] of examples: 8-bit levels at their bin centres, or the values. */
  static INDArray inputs(List<Example> batch, DataTransform transform, int d, DataType type) {
    double[] x = new double[batch.size() * d];
    for (int i = 0; i < batch.size(); i++) {
      Example e = batch.get(i);
      if (e.size() != d) {
        throw new IllegalArgumentException("example " + e.index() + " has " + e.size() + " values; the model expects " + d);
      }
      for (int j = 0; j < d; j++) {
        x[i * d + j] = input(e, j, transform);
      }
    }
    return Nd4j.create(x, new long[] {batch.size(), d}, DataType.DOUBLE).castTo(type);
  }

  /** Value j of an example in model space: its 8-bit level at the bin centre, or the value itself. */
  static double input(Example e, int j, DataTransform transform) {
    return e.pixels() != null ? transform.toModel(e.pixels()[j] & 0xff, 0.5) : e.values()[j];
  }

  private static double squared(float[] a, float[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) {
      s += (double) (a[j] - b[j]) * (a[j] - b[j]);
    }
    return s;
  }

  private static DataType type(ModelSource s) {
    return s.isExact() ? DataType.DOUBLE : DataType.FLOAT;
  }
}
