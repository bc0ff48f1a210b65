package org.scoresde.spark;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.spark.ExecutorLostFailure;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.scoresde.testing.StandaloneCluster;
import scala.Tuple4;
import scala.collection.JavaConverters;

/**
 * Kills one executor JVM of a standalone cluster (SIGKILL, by PID) while a job runs: it follows the
 * driver's task events and heartbeats and strikes the executor of the first running task a target
 * predicate picks (a task of a given stage, or one whose accumulators show it half done), so the kill
 * lands in the middle of real work; afterwards it tells how many tasks were lost and which executors
 * joined after the kill.
 */
final class ExecutorKiller {
  private final StandaloneCluster cluster;
  private final SparkContext sc;
  private final Watch watch = new Watch();

  ExecutorKiller(StandaloneCluster cluster, SparkContext sc) {
    this.cluster = cluster;
    this.sc = sc;
    sc.addSparkListener(watch);
  }

  /** A task the driver saw start and not yet end: its stage's name and its accumulators as last reported. */
  record RunningTask(long taskId, String stageName, String executorId, long startMillis, Map<String, Long> accumulators) {
    long accumulator(String name) {
      return accumulators.getOrDefault(name, 0L);
    }
  }

  /** What happened to one disturbed job. */
  record Outcome(int exitCode, RunningTask victim, long killedPid, long killedAtMillis, int lostTasks) {}

  /**
   * Runs {@code job} (a CLI call returning its exit code) on another thread and kills the executor
   * of the first running task {@code target} accepts. Fails when the job ends before any task was
   * accepted.
   */
  Outcome run(Supplier<Integer> job, Predicate<RunningTask> target, Duration timeout) throws Exception {
    watch.lostTasks.clear();
    ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "disturbed-job"));
    try {
      Future<Integer> done = pool.submit(job::get);
      long end = System.nanoTime() + timeout.toNanos();
      while (!done.isDone() && System.nanoTime() < end) {
        for (RunningTask t : watch.running()) {
          if (!target.test(t)) {
            continue;
          }
          OptionalLong pid = cluster.executorPid(sc.applicationId(), t.executorId());
          if (pid.isPresent() && ProcessHandle.of(pid.getAsLong()).map(ProcessHandle::destroyForcibly).orElse(false)) {
            long at = System.currentTimeMillis();
            int rc = done.get(Math.max(1, (end - System.nanoTime()) / 1_000_000_000L), TimeUnit.SECONDS);
            return new Outcome(rc, t, pid.getAsLong(), at, watch.lostTasks.size());
          }
        }
        Thread.sleep(10);
      }
      if (done.isDone()) {
        throw new AssertionError("the job ended (exit " + done.get() + ") before any task was worth killing: "
            + "nothing was killed");
      }
      throw new AssertionError("no task was worth killing within " + timeout);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Executors that joined the application at or after {@code sinceMillis}, waiting up to {@code timeout} for one. */
  List<String> awaitExecutorAdded(long sinceMillis, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<String> ids = watch.added.stream().filter(a -> a.millis() >= sinceMillis).map(Added::executorId).toList();
      if (!ids.isEmpty() || System.nanoTime() > end) {
        return ids;
      }
      Thread.sleep(200);
    }
  }

  private record Added(String executorId, long millis) {}

  /** The driver's view of running tasks, lost tasks and new executors. */
  private static final class Watch extends SparkListener {
    private final Map<Integer, String> stageNames = new ConcurrentHashMap<>();
    private final Map<Long, RunningTask> running = new ConcurrentHashMap<>();
    final List<Long> lostTasks = new CopyOnWriteArrayList<>();
    final List<Added> added = new CopyOnWriteArrayList<>();

    List<RunningTask> running() {
      return List.copyOf(running.values());
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted e) {
      stageNames.put(e.stageInfo().stageId(), e.stageInfo().name());
    }

    @Override
    public void onTaskStart(SparkListenerTaskStart e) {
      running.put(e.taskInfo().taskId(), new RunningTask(e.taskInfo().taskId(), stageNames.getOrDefault(e.stageId(), ""),
          e.taskInfo().executorId(), e.taskInfo().launchTime(), Map.of()));
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd e) {
      running.remove(e.taskInfo().taskId());
      if (e.reason() instanceof ExecutorLostFailure) {
        lostTasks.add(e.taskInfo().taskId());
      }
    }

    @Override
    public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate e) {
      for (Tuple4<Object, Object, Object, scala.collection.Seq<AccumulableInfo>> u
          : JavaConverters.seqAsJavaListConverter(e.accumUpdates()).asJava()) {
        Map<String, Long> values = new java.util.HashMap<>();
        for (AccumulableInfo a : JavaConverters.seqAsJavaListConverter(u._4()).asJava()) {
          if (a.name().isDefined() && a.update().isDefined() && a.update().get() instanceof Long v) {
            values.put(a.name().get(), v);
          }
        }
        running.computeIfPresent((Long) u._1(), (id, t) ->
            new RunningTask(t.taskId(), t.stageName(), t.executorId(), t.startMillis(), Map.copyOf(values)));
      }
    }

    @Override
    public void onExecutorAdded(SparkListenerExecutorAdded e) {
      added.add(new Added(e.executorId(), e.time()));
    }
  }
}
