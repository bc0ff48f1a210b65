package org.scoresde.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.scoresde.config.UserError;
import org.scoresde.data.Example;
import org.scoresde.data.Manifest;
import org.scoresde.data.ShardSchema;
import org.scoresde.evaluate.NllSummary;
import org.scoresde.io.AtomicOutput;
import org.scoresde.io.InputPath;
import org.scoresde.io.TextFile;
import org.scoresde.model.ModelSource;
import org.scoresde.sde.Sde;
import scala.Tuple2;

/**
 * The evaluate job: the probability-flow negative log-likelihood of every example of a shard
 * directory, integrated in batches inside each partition; only per-partition summaries reach the
 * driver, so memory stays flat as the data grows. Writes OUT/nll.json and OUT/per_example/
 * (Parquet: index, shard, label, value, nfe), for images the strips of the least and most likely
 * examples ({@link LikelihoodExtremes}), then OUT/_SUCCESS.
 */
public final class EvaluateJob {
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);
  private final String master;
  private final long seed;
  private final Duration progressEvery;

  public EvaluateJob(String master, long seed) {
    this(master, seed, PROGRESS_EVERY);
  }

  /** As {@link #EvaluateJob(String, long)}, with a progress line every {@code progressEvery}. */
  EvaluateJob(String master, long seed, Duration progressEvery) {
    this.master = master;
    this.seed = seed;
    this.progressEvery = progressEvery;
  }

  /** What to evaluate and how; a value out of range is refused here, before any Spark session. */
  public record Request(String model, Sde sde, String data, String out, Long limit, String trace, int probes,
      double rtol, double atol, double eta, int repeats, int batchSize, boolean overwrite) {
    private static final List<String> TRACES = List.of("exact", "rademacher", "gaussian");

    public Request {
      if (repeats < 1) {
        throw new UserError("--dequant-repeats must be at least 1, got " + repeats);
      }
      if (limit != null && limit < 1) {
        throw new UserError("--limit must be at least 1, got " + limit);
      }
      if (!(rtol > 0 && atol > 0)) {
        throw new UserError("--rtol and --atol must be positive");
      }
      if (!TRACES.contains(trace)) {
        throw new UserError("unknown --trace '" + trace + "': use one of " + TRACES);
      }
    }
  }

  /** What the integration produced: the summary of every example's value and the least and most likely examples. */
  private record Likelihoods(NllSummary summary, LikelihoodExtremes extremes) {}

  /**
   * Plans (model, data, memory estimate), integrates every example into OUT/per_example in a
   * temporary output, then writes nll.json and commits.
   */
  public ObjectNode run(Request req) throws IOException {
    SparkSession spark = SparkSessions.create("evaluate", master);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    ModelOnData input = ModelOnData.read(spark, req.model(), req.sde(), req.data());
    LikelihoodMemory.estimate(input.source(), spark.sparkContext().getConf(), req.trace(), req.probes(), req.batchSize())
        .check(req.batchSize());

    try (AtomicOutput out = AtomicOutput.begin(req.out(), req.overwrite(), jsc.hadoopConfiguration(), "evaluate",
        List.of(InputPath.model(req.model()), new InputPath("--data", req.data())))) {
      long start = System.nanoTime();
      Likelihoods result = integrate(spark, jsc, input, req, out, start);
      NllSummary summary = result.summary();
      double seconds = (System.nanoTime() - start) / 1e9;
      ObjectNode nll = summaryJson(req, input, result, seed, seconds);
      TextFile.writeJson(out.fileSystem(), new Path(out.temporary(), "nll.json"), nll);
      out.commit();
      System.out.printf("evaluate: %d examples, %.4f %s (95%% CI %.4f to %.4f), mean NFE %.0f, %.1f s -> %s%n",
          summary.count(), summary.mean(), nll.get("unit").asText(), summary.ci95()[0], summary.ci95()[1],
          summary.nfeMean(), seconds, out.target());
      return nll;
    }
  }

  /**
   * The Spark work: every example's likelihood integrated inside its partition and written to
   * OUT/per_example, then summarized from what was written, with the strips of the extremes.
   */
  private Likelihoods integrate(SparkSession spark, JavaSparkContext jsc, ModelOnData input, Request req,
      AtomicOutput out, long start) throws IOException {
    Manifest m = input.manifest();
    boolean discrete = m.isImage();
    long total = req.limit() == null ? m.count() : Math.min(req.limit(), m.count());
    Broadcast<ModelSource> model = jsc.broadcast(input.source());
    LongAccumulator done = jsc.sc().longAccumulator("draws");
    DoubleAccumulator sum = jsc.sc().doubleAccumulator("value-sum");
    JavaRDD<Tuple2<Example, String>> examples = input.rows(req.limit())
        .withColumn("shard", functions.input_file_name()).javaRDD()
        .map(r -> new Tuple2<>(ShardSchema.toExample(r), shardName(r.getString(r.fieldIndex("shard")))));
    int drawsPerExample = LikelihoodPartition.draws(discrete, req.repeats());
    int partitions = LikelihoodPartition.partitions(total * drawsPerExample, req.batchSize(), jsc.defaultParallelism(),
        examples.getNumPartitions());
    if (partitions != examples.getNumPartitions()) {
      // a shuffle of the examples (bytes per image), not a coalesce: it spreads them evenly over any count
      examples = examples.repartition(partitions);
    }
    JavaRDD<LikelihoodPartition.Value> values = examples.mapPartitions(new LikelihoodPartition(model, seed,
        req.batchSize(), req.repeats(), req.trace(), req.probes(), req.rtol(), req.atol(), req.eta(), done, sum));
    NllSummary summary;
    LikelihoodExtremes extremes;
    try (LikelihoodProgress progress = LikelihoodProgress.start(jsc, done, sum, drawsPerExample, total,
        discrete ? "bits/dim" : "nats/dim", start, progressEvery)) {
      StructType schema = DataTypes.createStructType(List.of(
          DataTypes.createStructField("index", DataTypes.LongType, false),
          DataTypes.createStructField("shard", DataTypes.StringType, false),
          DataTypes.createStructField("label", DataTypes.IntegerType, false),
          DataTypes.createStructField("value", DataTypes.DoubleType, false),
          DataTypes.createStructField("nfe", DataTypes.DoubleType, false)));
      String perExample = new Path(out.temporary(), "per_example").toString();
      spark.createDataFrame(values.map(v -> RowFactory.create(v.index(), v.shard(), v.label(), v.value(), v.nfe())), schema)
          .write().parquet(perExample);
      // The summary reads the written values back: the likelihoods are computed once, and no
      // per-example state is held in memory, however large the data.
      summary = spark.read().parquet(perExample).select("value", "nfe", "shard", "label").javaRDD()
          .aggregate(new NllSummary(), (s, r) -> s.add(r.getDouble(0), r.getDouble(1), r.getString(2), r.getInt(3)),
              NllSummary::merge);
      extremes = LikelihoodExtremes.of(spark.read().parquet(perExample), LikelihoodExtremes.COUNT);
      extremes.writePictures(out.fileSystem(), out.temporary(), input.rows(req.limit()), m);
    } catch (Exception e) {
      Optional<UserError> memory = TaskOutOfMemoryException.explain(e, "evaluate", "--batch-size (now " + req.batchSize() + ")");
      if (memory.isPresent()) {
        throw memory.get();
      }
      throw e;
    }
    if (summary.count() == 0) {
      throw new UserError("no examples to evaluate in " + req.data() + (req.limit() != null ? " with --limit " + req.limit() : ""));
    }
    return new Likelihoods(summary, extremes);
  }

  /** nll.json: the mean with its interval, per shard and per label, the extremes, and the protocol that produced them. */
  private static ObjectNode summaryJson(Request req, ModelOnData input, Likelihoods result, long seed, double seconds) {
    Manifest m = input.manifest();
    NllSummary summary = result.summary();
    boolean discrete = m.isImage();
    ObjectNode nll = new ObjectMapper().createObjectNode();
    if (discrete) {
      nll.put("bits_per_dim", summary.mean());
      nll.put("nats_per_dim", summary.mean() * Math.log(2));
    } else {
      nll.putNull("bits_per_dim");
      nll.put("nats_per_dim", summary.mean());
    }
    nll.put("unit", discrete ? "bits/dim" : "nats/dim");
    nll.put("stderr", summary.stderr());
    nll.putArray("ci95").add(summary.ci95()[0]).add(summary.ci95()[1]);
    nll.put("std", summary.std());
    nll.put("n", summary.count());
    nll.put("nfe_mean", summary.nfeMean());
    ObjectNode perShard = nll.putObject("per_shard");
    summary.perShardMeans().forEach(perShard::put);
    if (!summary.perLabel().isEmpty()) {
      ObjectNode perLabel = nll.putObject("per_label");
      summary.perLabel().forEach((label, moments) -> {
        ObjectNode l = perLabel.putObject(String.valueOf(label));
        l.put("mean", moments.mean());
        l.put("stderr", moments.stderr());
        l.putArray("ci95").add(moments.ci95()[0]).add(moments.ci95()[1]);
        l.put("n", moments.count());
      });
    }
    result.extremes().addTo(nll, m);
    nll.put("solver", "dopri5");
    nll.put("rtol", req.rtol());
    nll.put("atol", req.atol());
    nll.put("eta", req.eta());
    nll.put("trace_estimator", req.trace());
    nll.put("probes", req.trace().equals("exact") ? 0 : req.probes());
    nll.put("dequant_repeats", discrete ? req.repeats() : 0);
    nll.put("sde", input.source().sde().name());
    nll.put("model", req.model());
    nll.put("data", req.data());
    nll.put("data_checksum", m.checksum());
    nll.put("seed", seed);
    nll.put("seconds", seconds);
    return nll;
  }

  private static String shardName(String uri) {
    String name = uri.substring(uri.lastIndexOf('/') + 1);
    int dot = name.indexOf('.');
    int dash = name.indexOf('-', name.indexOf('-') + 1);
    return name.startsWith("part-") && dash > 0 ? name.substring(0, dash) : (dot > 0 ? name.substring(0, dot) : name);
  }
}
