package org.scoresde.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scoresde.cli.Main;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * The Airflow DAG (jobs/airflow/score_sde_dag.py), without Airflow: Python's ast module reads it
 * (jobs/airflow/dag_commands.py), and every command its tasks would run, for the first try and a
 * retry, must be accepted by the CLI's own parser (subcommand, options, required options, values),
 * chain the tasks' outputs into each other, and resume training on a retry.
 */
class AirflowDagTest {
  private static final String PYTHON = "/usr/bin/python3";
  private static final String LAUNCHER = "/opt/score-sde/jobs/score-sde";

  @TempDir Path tmp;

  @Test
  void everyCommandIsAcceptedByTheCliAndTheOutputsChain() throws Exception {
    String root = "hdfs://namenode:8020/runs/fmnist-1";
    JsonNode dag = commands("--param", "score_sde=" + LAUNCHER, "--param", "master=spark://master:7077",
        "--param", "output_root=" + root, "--param", "extra_options=--set train.batch-size=32 --set net.base-channels=32");
    assertEquals("score_sde", dag.get("dag_id").asText());
    Map<String, ParseResult> first = new HashMap<>();
    for (JsonNode task : dag.get("tasks")) {
      String id = task.get("task_id").asText();
      ParseResult parsed = parse(task.at("/commands/1/argv"));
      assertEquals(id, parsed.subcommand().commandSpec().name(), "task " + id + " must run the command of its name");
      first.put(id, parsed.subcommand());
    }
    assertEquals(List.of("shard", "train", "evaluate", "sample", "report"), List.copyOf(taskIds(dag)));
    for (String id : List.of("shard", "train", "evaluate", "sample")) {
      assertEquals("spark://master:7077", value(first.get(id), "--master"), id);
      assertEquals(List.of("train.batch-size=32", "net.base-channels=32"), first.get(id).matchedOptionValue("--set", List.of()), id);
    }
    String data = value(first.get("shard"), "--output");
    String run = value(first.get("train"), "--out");
    assertTrue(data.startsWith(root) && run.startsWith(root), data + " " + run);
    assertEquals(data, value(first.get("train"), "--data"));
    assertEquals(run + "/model.zip", value(first.get("evaluate"), "--model"));
    assertEquals(data, value(first.get("evaluate"), "--data"));
    assertEquals(run + "/model.zip", value(first.get("sample"), "--model"));
    assertEquals(run, value(first.get("report"), "--run"));
    assertEquals(value(first.get("evaluate"), "--out"), value(first.get("report"), "--eval"));
    assertEquals(value(first.get("sample"), "--out"), value(first.get("report"), "--samples"));
  }

  @Test
  void trainRetriesResumeAndTheTasksFormOneChain() throws Exception {
    JsonNode dag = commands("--param", "score_sde=" + LAUNCHER);
    List<List<String>> edges = new ArrayList<>();
    dag.get("edges").forEach(e -> edges.add(List.of(e.get(0).asText(), e.get(1).asText())));
    assertEquals(List.of(List.of("shard", "train"), List.of("train", "evaluate"), List.of("evaluate", "sample"),
        List.of("sample", "report")), edges);
    for (JsonNode task : dag.get("tasks")) {
      boolean isTrain = task.get("task_id").asText().equals("train");
      assertEquals(isTrain, task.get("retries").asInt() > 0, "only train is retried");
      if (isTrain) {
        assertFalse(parse(task.at("/commands/1/argv")).subcommand().hasMatchedOption("--resume"));
        ParseResult retry = parse(task.at("/commands/2/argv"));
        assertTrue(retry.subcommand().hasMatchedOption("--resume"), "a retry must resume");
        assertFalse(retry.subcommand().hasMatchedOption("--overwrite"));
      }
    }
  }

  @Test
  void parametersShapeTheCommands() throws Exception {
    // under spark-submit the properties file sets the master, and CSV input has no labels
    JsonNode dag = commands("--param", "score_sde=" + LAUNCHER, "--param", "master=", "--param", "format=csv",
        "--param", "labels=", "--param", "input=/data/toy.csv", "--param", "train_minutes=0.5");
    ParseResult shard = parse(task(dag, "shard").at("/commands/1/argv")).subcommand();
    assertFalse(shard.hasMatchedOption("--master"));
    assertFalse(shard.hasMatchedOption("--labels"));
    assertEquals("csv", value(shard, "--format"));
    assertEquals("0.5", value(parse(task(dag, "train").at("/commands/1/argv")).subcommand(), "--minutes"));
  }

  @Test
  void theCheckRejectsWhatTheCliWouldReject() throws Exception {
    assertThrows(CommandLine.UnmatchedArgumentException.class,
        () -> new CommandLine(new Main()).parseArgs("train", "--data", "d", "--out", "o", "--epoch", "3"));
    assertThrows(CommandLine.MissingParameterException.class,
        () -> new CommandLine(new Main()).parseArgs("evaluate", "--model", "m", "--out", "o"));
    // a DAG with a statement the reader does not understand is refused, not half-read
    Path bad = tmp.resolve("bad_dag.py");
    Files.writeString(bad, Files.readString(OpsFiles.home().resolve("jobs/airflow/score_sde_dag.py"))
        .replace("    shard >> train", "    extra = shard.output\n    shard >> train"));
    Process p = python(List.of(bad.toString()));
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertNotEquals(0, p.waitFor());
    assertTrue(err.startsWith("error: "), err);
    // and a DAG that is not Python at all
    Files.writeString(bad, "with DAG(dag_id='x') as dag:\n  shard = BashOperator(\n");
    Process q = python(List.of(bad.toString()));
    q.getInputStream().readAllBytes();
    assertNotEquals(0, q.waitFor());
  }

  @Test
  void dagFileCompiles() throws Exception {
    Process p = new ProcessBuilder(PYTHON, "-c", "import ast, sys; compile(open(sys.argv[1]).read(), sys.argv[1], 'exec')",
        OpsFiles.home().resolve("jobs/airflow/score_sde_dag.py").toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
  }

  private static ParseResult parse(JsonNode argv) {
    List<String> args = new ArrayList<>();
    argv.forEach(a -> args.add(a.asText()));
    assertEquals(LAUNCHER, args.get(0), "the command starts with the score_sde param");
    return new CommandLine(new Main()).parseArgs(args.subList(1, args.size()).toArray(String[]::new));
  }

  private static String value(ParseResult command, String option) {
    assertTrue(command.hasMatchedOption(option), command.commandSpec().name() + " has no " + option);
    return String.valueOf((Object) command.matchedOptionValue(option, null));
  }

  private static List<String> taskIds(JsonNode dag) {
    List<String> ids = new ArrayList<>();
    dag.get("tasks").forEach(t -> ids.add(t.get("task_id").asText()));
    return ids;
  }

  private static JsonNode task(JsonNode dag, String id) {
    for (JsonNode t : dag.get("tasks")) {
      if (t.get("task_id").asText().equals(id)) {
        return t;
      }
    }
    throw new AssertionError("no task " + id);
  }

  private JsonNode commands(String... params) throws Exception {
    List<String> args = new ArrayList<>(List.of(params));
    args.add(OpsFiles.home().resolve("jobs/airflow/score_sde_dag.py").toString());
    Process p = python(args);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), err);
    return new ObjectMapper().readTree(out);
  }

  private static Process python(List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(PYTHON, OpsFiles.home().resolve("jobs/airflow/dag_commands.py").toString()));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).start();
    p.getOutputStream().close();
    return p;
  }
}
