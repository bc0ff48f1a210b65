package org.scoresde.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.scoresde.config.UserError;
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
import org.scoresde.quality.ClassifierFeatures;
import org.scoresde.quality.FashionClassifier;
import org.scoresde.quality.FeatureMoments;
import org.scoresde.quality.FrechetDistance;
import org.scoresde.sampling.Dopri5Sampler;
import org.scoresde.sampling.GitsSchedule;
import org.scoresde.sampling.SampleResult;
import org.scoresde.sampling.Sampler;
import org.scoresde.sampling.SamplerSettings;
import org.scoresde.sampling.Samplers;
import org.scoresde.sampling.Schedules;
import org.scoresde.sampling.TrajectoryObserver;
import org.scoresde.sampling.TrajectoryRecorder;
import org.scoresde.sampling.Tweedie;
import org.scoresde.score.ScoreModel;
import org.scoresde.sde.Sde;
import org.scoresde.time.Seeds;

/**
 * The sample job: N samples generated across executors (each partition its own prior noise and
 * seed), gathered into OUT/samples.png (images) or OUT/samples.csv (vectors) with OUT/sample.json,
 * and with trajectories the sampling and denoising strips of the first few samples. With a reference
 * shard directory of 28x28 grey images, sample.json also gets the Frechet distance between the
 * committed classifier's features of the samples and of the reference images, both accumulated as
 * moments inside the partitions.
 */
public final class SampleJob {
  private static final int RECORDED = 8;
  private static final int REFERENCE_BATCH = 500;
  private final String master;
  private final long seed;

  public SampleJob(String master, long seed) {
    this.master = master;
    this.seed = seed;
  }

  /** What to sample; an unknown sampler or schedule or a count out of range is refused here, before any Spark session. */
  public record Request(String model, Sde sde, int n, String sampler, int steps, String schedule, double eps,
      SamplerSettings samplerSettings, double odeTolerance, int gitsTeacherSteps, String out, boolean trajectory, int batchSize,
      boolean overwrite, String reference, boolean denoiseFinal, String training, String heldOut) {
    public Request {
      if (n < 1) {
        throw new UserError("--n must be at least 1, got " + n);
      }
      if (steps < 1) {
        throw new UserError("--steps must be at least 1, got " + steps);
      }
      if (Samplers.find(sampler).isEmpty()) {
        throw new UserError("unknown sampler '" + sampler + "': use one of " + String.join(", ", Samplers.names()));
      }
      if (Schedules.find(schedule).isEmpty()) {
        throw new UserError("unknown schedule '" + schedule + "': use one of " + String.join(", ", Schedules.names()));
      }
    }
  }

  private static List<InputPath> inputs(Request req) {
    List<InputPath> in = new ArrayList<>(List.of(InputPath.model(req.model())));
    if (req.reference() != null) {
      in.add(new InputPath("--reference", req.reference()));
    }
    if (req.training() != null) {
      in.add(new InputPath("--training", req.training()));
    }
    if (req.heldOut() != null) {
      in.add(new InputPath("--held-out", req.heldOut()));
    }
    return in;
  }

  /**
   * One partition's output: samples, NFE, (partition 0 only) trajectories, as plain arrays, and the
   * classifier's feature moments of its samples when a reference was given.
   */
  record Part(float[][] samples, long nfe, List<float[][]> trajectory, List<float[][]> denoised, FeatureMoments features)
      implements java.io.Serializable {}

  /** The samples drawn in the partitions, gathered on the driver; partition 0 also records trajectories. */
  private record Drawn(List<Part> parts, List<float[]> samples, long nfe) {}

  /**
   * Plans (model, reference classifier, grid, sampler), draws the samples across partitions, then
   * writes the pictures or CSV files and sample.json and commits.
   */
  public ObjectNode run(Request req) throws IOException {
    Samplers.Spec samplerSpec = Samplers.find(req.sampler()).orElseThrow();
    Schedules.Spec schedule = Schedules.find(req.schedule()).orElseThrow();
    SparkSession spark = SparkSessions.create("sample", master);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    ModelSource source = ModelSources.read(spark, req.model(), req.sde());
    int[] shape = source.shape();
    ClassifierFeatures classifier = req.reference() == null ? null : referenceClassifier(req, shape, jsc);
    try (AtomicOutput out = AtomicOutput.begin(req.out(), req.overwrite(), jsc.hadoopConfiguration(), "sample",
        inputs(req))) {
      long start = System.nanoTime();
      double[] grid = schedule.needsModel()
          ? gitsGrid(source, req, shape[0] * shape[1] * shape[2])
          : schedule.factory().get().grid(source.sde(), req.steps(), req.eps());
      Sampler sampler = samplerSpec.factory().create(req.samplerSettings(), req.odeTolerance());
      int parts = Math.max(1, Math.min(jsc.defaultParallelism() * 2, (req.n() + req.batchSize() - 1) / req.batchSize()));
      Drawn drawn = draw(jsc, source, req, sampler, grid, parts, classifier);
      double seconds = (System.nanoTime() - start) / 1e9;
      writeSamples(out, source, req.trajectory(), grid, drawn);
      ObjectNode json = new ObjectMapper().createObjectNode();
      json.put("sampler", req.sampler());
      json.put("schedule", req.schedule());
      json.put("steps", req.steps());
      json.put("nfe", drawn.nfe());
      json.put("denoise_final", req.denoiseFinal());
      json.put("n", drawn.samples().size());
      json.put("seconds", seconds);
      json.put("model", req.model());
      json.put("sde", source.sde().name());
      json.put("seed", seed);
      json.put("partitions", parts);
      if (sampler instanceof Dopri5Sampler adaptive) {
        json.put("rtol", adaptive.rtol());
        json.put("atol", adaptive.atol());
      }
      if (classifier != null) {
        json.set("frechet_distance", frechet(spark, req.reference(), classifier, drawn.parts()));
      }
      if (req.training() != null) {
        json.set("nearest_training", NearestTraining.report(spark, req.training(), drawn.samples(), source.transform(),
            shape[0] * shape[1] * shape[2], req.heldOut() != null ? req.heldOut() : req.reference()));
      }
      ArrayNode g = json.putArray("grid");
      for (double t : grid) {
        g.add(t);
      }
      TextFile.writeJson(out.fileSystem(), new Path(out.temporary(), "sample.json"), json);
      out.commit();
      System.out.printf("sample: %d samples with %s on %s (%d steps, NFE %d) in %.1f s -> %s%n", drawn.samples().size(),
          req.sampler(), req.schedule(), req.steps(), drawn.nfe(), seconds, out.target());
      return json;
    }
  }

  /**
   * The Spark work: each of {@code parts} partitions draws its share of the samples in chunks of
   * sample.batch-size, each chunk from its own seed; with a reference it also accumulates the
   * classifier's feature moments of its samples.
   */
  private Drawn draw(JavaSparkContext jsc, ModelSource source, Request req, Sampler sampler, double[] grid, int parts,
      ClassifierFeatures classifier) {
    Broadcast<ModelSource> model = jsc.broadcast(source);
    List<Integer> ids = IntStream.range(0, parts).boxed().collect(Collectors.toList());
    int n = req.n();
    boolean record = req.trajectory();
    long runSeed = seed;
    DataType type = type(source);
    DataTransform transform = source.transform();
    Broadcast<ClassifierFeatures> features = classifier == null ? null : jsc.broadcast(classifier);
    int batchSize = req.batchSize();
    boolean denoiseFinal = req.denoiseFinal();
    JavaRDD<Part> partRdd = jsc.parallelize(ids, parts).map(p -> {
      int count = n / parts + (p < n % parts ? 1 : 0);
      if (count == 0) {
        return new Part(new float[0][], 0, List.of(), List.of(), null);
      }
      ScoreModel m = model.value().open();
      List<float[]> x = new ArrayList<>(count);
      long nfe = 0;
      List<float[][]> trajectory = List.of();
      List<float[][]> denoised = List.of();
      // chunks of at most batch-size rows bound a task's memory however many samples it draws
      for (int chunk = 0, from = 0; from < count; chunk++, from += batchSize) {
        int size = Math.min(batchSize, count - from);
        long s = Seeds.seed(runSeed, chunk, p);
        INDArray xT = m.sde().samplePrior(size, m.dimension(), s, type);
        SampleResult r;
        TrajectoryRecorder recorder = record && p == 0 && chunk == 0 ? new TrajectoryRecorder(m, RECORDED) : null;
        try (NativeGarbage collector = NativeGarbage.collectEvery(NativeGarbage.DEFAULT_WINDOW)) {
          r = sampler.sample(m, xT, grid, Seeds.derive(s, 1), recorder == null ? TrajectoryObserver.NONE : recorder);
        } catch (OutOfMemoryError e) {
          throw new TaskOutOfMemoryException("out of memory sampling a batch of " + size + " rows", e);
        }
        INDArray samples = r.samples();
        long chunkNfe = r.nfe();
        if (denoiseFinal) {
          samples = Tweedie.denoise(m, samples, grid[grid.length - 1]);
          chunkNfe++;
        }
        x.addAll(List.of(rows(samples)));
        nfe = Math.max(nfe, chunkNfe);
        if (recorder != null) {
          trajectory = recorder.states().stream().map(SampleJob::rows).toList();
          denoised = recorder.denoised().stream().map(SampleJob::rows).toList();
        }
      }
      float[][] all = x.toArray(float[][]::new);
      return new Part(all, nfe, trajectory, denoised, features == null ? null : features.value().ofSamples(all, transform));
    });
    List<Part> results;
    try {
      results = partRdd.collect();
    } catch (RuntimeException e) {
      throw TaskOutOfMemoryException.explain(e, "sample", "sample.batch-size (now " + batchSize + ", --set sample.batch-size=N)")
          .orElseThrow(() -> e);
    }
    List<float[]> samples = new ArrayList<>();
    long nfe = 0;
    for (Part p : results) {
      samples.addAll(List.of(p.samples()));
      nfe = Math.max(nfe, p.nfe());
    }
    return new Drawn(results, samples, nfe);
  }

  /** samples.png (images) or samples.csv (vectors), and with trajectories their strips or trajectory.csv. */
  private static void writeSamples(AtomicOutput out, ModelSource source, boolean record, double[] grid, Drawn drawn)
      throws IOException {
    int[] shape = source.shape();
    int d = shape[0] * shape[1] * shape[2];
    DataTransform transform = source.transform();
    var fs = out.fileSystem();
    Part first = drawn.parts().get(0);
    boolean recorded = record && !first.trajectory().isEmpty();
    boolean image = shape[1] > 1 || shape[0] > 1;
    if (image) {
      int cols = (int) Math.ceil(Math.sqrt(drawn.samples().size()));
      PngFile.write(fs, new Path(out.temporary(), "samples.png"), ImageGrid.grid(drawn.samples(), shape[0], shape[1], shape[2], transform, cols));
      if (recorded) {
        PngFile.write(fs, new Path(out.temporary(), "trajectory.png"), ImageGrid.strip(first.trajectory(), shape[0], shape[1], shape[2], transform));
        PngFile.write(fs, new Path(out.temporary(), "denoising.png"), ImageGrid.strip(first.denoised(), shape[0], shape[1], shape[2], transform));
      }
    } else {
      StringBuilder csv = new StringBuilder();
      csv.append(IntStream.range(0, d).mapToObj(j -> "x" + j).collect(Collectors.joining(","))).append('\n');
      for (float[] row : drawn.samples()) {
        for (int j = 0; j < d; j++) {
          csv.append(j > 0 ? "," : "").append(row[j]);
        }
        csv.append('\n');
      }
      TextFile.write(fs, new Path(out.temporary(), "samples.csv"), csv.toString());
      if (recorded) {
        StringBuilder tr = new StringBuilder("step,t,sample,kind," + IntStream.range(0, d).mapToObj(j -> "x" + j)
            .collect(Collectors.joining(",")) + "\n");
        for (int k = 0; k < grid.length; k++) {
          appendTrajectory(tr, k, grid[k], "x", first.trajectory().get(k));
          appendTrajectory(tr, k, grid[k], "x0_hat", first.denoised().get(k));
        }
        TextFile.write(fs, new Path(out.temporary(), "trajectory.csv"), tr.toString());
      }
    }
  }

  /**
   * Checks, before any work, that the Frechet distance applies: a 28x28 grey-image model, at least
   * two samples, a finished 28x28 8-bit shard directory; then loads the committed classifier.
   */
  private static ClassifierFeatures referenceClassifier(Request req, int[] shape, JavaSparkContext jsc) {
    int side = FashionClassifier.SIDE;
    if (shape[0] != 1 || shape[1] != side || shape[2] != side) {
      throw new UserError(String.format("--reference needs a model of 1x%dx%d images (the Fashion-MNIST classifier's "
          + "input) but %s makes %dx%dx%d", side, side, req.model(), shape[0], shape[1], shape[2]));
    }
    if (req.n() < 2) {
      throw new UserError("--reference needs at least 2 samples (a covariance), got --n " + req.n());
    }
    Manifest m = ShardReader.manifest(jsc.hadoopConfiguration(), req.reference());
    if (!m.isImage() || m.channels() != 1 || m.height() != side || m.width() != side) {
      throw new UserError(String.format("--reference %s holds %dx%dx%d %s data; the Frechet distance needs 8-bit 1x%dx%d "
          + "images (Fashion-MNIST test shards)", req.reference(), m.channels(), m.height(), m.width(),
          m.isImage() ? "8-bit" : "float", side, side));
    }
    if (m.count() < 2) {
      throw new UserError("--reference " + req.reference() + " holds " + m.count() + " images; at least 2 are needed");
    }
    try {
      return ClassifierFeatures.bundled();
    } catch (IOException e) {
      throw new UserError("cannot load the Frechet-distance classifier: " + e.getMessage(), e);
    }
  }

  /** The Frechet distance between the samples' features and the reference images' features, with its provenance. */
  private static ObjectNode frechet(SparkSession spark, String reference, ClassifierFeatures classifier, List<Part> parts) {
    FeatureMoments generated = new FeatureMoments(FashionClassifier.FEATURES);
    for (Part p : parts) {
      if (p.features() != null) {
        generated.merge(p.features());
      }
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<ClassifierFeatures> b = jsc.broadcast(classifier);
    FeatureMoments ref = ShardReader.read(spark, reference).rows().javaRDD().mapPartitions(rows -> {
      List<org.scoresde.data.Example> batch = new ArrayList<>();
      FeatureMoments m = new FeatureMoments(FashionClassifier.FEATURES);
      while (rows.hasNext()) {
        batch.add(ShardSchema.toExample(rows.next()));
        if (batch.size() == REFERENCE_BATCH || !rows.hasNext()) {
          m.merge(b.value().ofExamples(batch));
          batch.clear();
        }
      }
      return List.of(m).iterator();
    }).reduce(FeatureMoments::merge);
    ObjectNode fd = new ObjectMapper().createObjectNode();
    fd.put("value", FrechetDistance.between(generated, ref));
    fd.put("samples", generated.count());
    fd.put("reference_images", ref.count());
    fd.put("reference", reference);
    fd.put("classifier_sha256", classifier.sha256());
    fd.put("features", FashionClassifier.FEATURES);
    return fd;
  }

  private double[] gitsGrid(ModelSource source, Request req, int d) {
    ScoreModel model = source.open();
    INDArray noise = source.sde().samplePrior(Math.min(req.n(), 64), d, Seeds.seed(seed, -1, 0), type(source));
    return new GitsSchedule(model, noise, req.gitsTeacherSteps()).grid(source.sde(), req.steps(), req.eps());
  }

  private static DataType type(ModelSource s) {
    return s.isExact() ? DataType.DOUBLE : DataType.FLOAT;
  }

  private static void appendTrajectory(StringBuilder sb, int k, double t, String kind, float[][] rows) {
    for (int i = 0; i < rows.length; i++) {
      sb.append(k).append(',').append(t).append(',').append(i).append(',').append(kind);
      for (float v : rows[i]) {
        sb.append(',').append(v);
      }
      sb.append('\n');
    }
  }

  static float[][] rows(INDArray a) {
    return a.castTo(DataType.FLOAT).toFloatMatrix();
  }
}
