package org.scoresde.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.scoresde.cli.Main;
import org.scoresde.model.HadoopModelFiles;
import org.scoresde.model.ModelFile;
import org.scoresde.testing.S3Proxy;
import org.scoresde.testing.StopsSpark;
import org.scoresde.testing.ToyMixture;
import org.scoresde.testing.TrainRuns;
import scala.Option;

/**
 * shard, train, evaluate and report with every input and output on s3a:// (hadoop-aws with the AWS SDK
 * modules the pom ships), against a real S3-compatible server (S3Proxy in a JVM of its own). S3A is
 * configured the way the launcher's user does it: {@code spark.hadoop.fs.s3a.*} system properties
 * ({@code SCORE_SDE_JAVA_OPTS="-Dspark.hadoop.fs.s3a.endpoint=..."}), which every job's Spark session
 * copies into its Hadoop configuration.
 */
@ExtendWith(StopsSpark.class)
class S3aPipelineTest {
  private static final String BUCKET = "score-sde";
  private static final String ROOT = "s3a://" + BUCKET;
  @TempDir static Path dir;
  private static S3Proxy s3;
  private static final Map<String, String> previous = new HashMap<>();
  private static Configuration conf;
  private static FileSystem fs;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = S3Proxy.start(dir);
    s3.createBucket(BUCKET);
    // a session left by an earlier class would keep its Hadoop configuration, without these settings
    stopSpark();
    conf = new Configuration();
    for (Map.Entry<String, String> e : s3.s3aSettings().entrySet()) {
      String key = "spark.hadoop." + e.getKey();
      previous.put(key, System.getProperty(key));
      System.setProperty(key, e.getValue());
      conf.set(e.getKey(), e.getValue());
    }
    fs = FileSystem.newInstance(URI.create(ROOT + "/"), conf);
  }

  @AfterAll
  static void stopS3() throws Exception {
    stopSpark();
    if (fs != null) {
      fs.close();
      // the jobs' cached instance for this bucket, bound to a server about to stop
      FileSystem.get(URI.create(ROOT + "/"), conf).close();
    }
    previous.forEach((k, v) -> {
      if (v == null) {
        System.clearProperty(k);
      } else {
        System.setProperty(k, v);
      }
    });
    if (s3 != null) {
      s3.close();
    }
  }

  private static void stopSpark() {
    for (Option<SparkSession> session : List.of(SparkSession.getActiveSession(), SparkSession.getDefaultSession())) {
      if (session.isDefined()) {
        session.get().stop();
      }
    }
  }

  @Test
  void shardTrainEvaluateAndReportAllOnS3() throws Exception {
    Path csv = ToyMixture.draw(3, 2, 2, 400, 3L).writeCsv(dir.resolve("points.csv"));
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(csv.toUri()), path("/in/points.csv"));

    assertEquals(0, Main.execute("shard", "--master", "local[2]", "--format", "csv", "--input", ROOT + "/in/points.csv",
        "--output", ROOT + "/shards", "--shards", "2"));
    assertEquals(set("_SCORE_SDE", "_SUCCESS", "manifest.json", "part-00000.parquet", "part-00001.parquet"), names("/shards"));
    assertEquals(400, ShardReader.manifest(conf, ROOT + "/shards").count());

    assertEquals(0, TrainRuns.train(new String[] {"--master", "local[2]", "--set", "train.batch-size=32",
        "--set", "train.averaging-frequency=2", "--set", "train.workers=2", "--set", "train.warmup=10",
        "--set", "train.learning-rate=3e-3", "--set", "train.checkpoint-every=2", "--set", "net.base-channels=16",
        "--set", "net.residual-blocks=1"}, "--data", ROOT + "/shards", "--out", ROOT + "/run", "--epochs", "1"));
    TreeSet<String> run = names("/run");
    for (String f : List.of("_SUCCESS", "model.zip", "model.zip.sha256", "config.conf", "metrics.jsonl")) {
      assertTrue(run.contains(f), f + " missing from " + run);
    }
    ModelFile.Model model = HadoopModelFiles.open(HadoopModelFiles.read(fs, path("/run/model.zip")), "model");
    assertTrue(model.metadata().network().vector());
    assertEquals("subvp", model.metadata().sdeName(), "the model carries the SDE it was trained with (the default)");

    assertEquals(0, Main.execute("evaluate", "--master", "local[2]", "--model", ROOT + "/run/model.zip",
        "--data", ROOT + "/shards", "--out", ROOT + "/run/eval", "--limit", "8", "--rtol", "1e-3", "--atol", "1e-3"));
    assertTrue(names("/run/eval").contains("_SUCCESS"), names("/run/eval").toString());
    JsonNode nll = new ObjectMapper().readTree(read("/run/eval/nll.json"));
    assertEquals(8, nll.get("n").asLong());
    for (JsonNode v : List.of(nll.get("nats_per_dim"), nll.get("ci95").get(0), nll.get("ci95").get(1))) {
      assertTrue(v.isNumber() && Double.isFinite(v.asDouble()), nll.toString());
    }

    // report runs no Spark job: it reads the same spark.hadoop.* settings into its own Hadoop configuration
    // (the jobs' cached instance, made from the session's configuration, is closed so that report makes its own)
    FileSystem.get(URI.create(ROOT + "/"), conf).close();
    assertEquals(0, Main.execute("report", "--run", ROOT + "/run"));
    assertTrue(read("/run/report.html").contains("<html"), "report.html");
    // the outputs appeared by rename: no temporary is left in the bucket or the run
    assertEquals(set("in", "run", "shards"), names("/"));
    assertTrue(names("/run").containsAll(set("eval", "report", "report.html", "report.md")), names("/run").toString());
  }

  private static String read(String p) throws Exception {
    try (InputStream in = fs.open(path(p))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static org.apache.hadoop.fs.Path path(String p) {
    return new org.apache.hadoop.fs.Path(ROOT + p);
  }

  private static TreeSet<String> names(String p) throws Exception {
    TreeSet<String> names = new TreeSet<>();
    for (FileStatus s : fs.listStatus(path(p))) {
      names.add(s.getPath().getName());
    }
    return names;
  }

  private static TreeSet<String> set(String... names) {
    return new TreeSet<>(List.of(names));
  }
}
