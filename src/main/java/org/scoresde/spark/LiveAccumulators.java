package org.scoresde.spark;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.AccumulatorV2;
import scala.Tuple4;
import scala.collection.JavaConverters;

/**
 * The driver's running view of some numeric accumulators, tasks still running included: Spark
 * merges a task's accumulators into the driver only when the task ends, but every executor
 * heartbeat (spark.executor.heartbeatInterval, 10 s by default) carries the partial values of its
 * running tasks. A value here is the sum over finished tasks plus the last partial value of every
 * running task, so progress moves inside a long task, and a failed task's part drops out.
 */
final class LiveAccumulators extends SparkListener {
  private final Set<Long> ids = new HashSet<>();
  private final Map<Long, Double> finished = new HashMap<>();
  private final Map<Long, Map<Long, Double>> running = new HashMap<>();
  private final Set<Long> ended = new HashSet<>();

  LiveAccumulators(List<? extends AccumulatorV2<?, ?>> accumulators) {
    accumulators.forEach(a -> ids.add(a.id()));
  }

  /** The current value of {@code accumulator}: finished tasks' sum plus running tasks' partial values. */
  synchronized double value(AccumulatorV2<?, ?> accumulator) {
    double v = finished.getOrDefault(accumulator.id(), 0.0);
    for (Map<Long, Double> task : running.values()) {
      v += task.getOrDefault(accumulator.id(), 0.0);
    }
    return v;
  }

  @Override
  public synchronized void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate e) {
    for (Tuple4<Object, Object, Object, scala.collection.Seq<AccumulableInfo>> u
        : JavaConverters.seqAsJavaListConverter(e.accumUpdates()).asJava()) {
      long task = (Long) u._1();
      Map<Long, Double> values = ours(u._4());
      if (!ended.contains(task) && !values.isEmpty()) {
        running.put(task, values);
      }
    }
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd e) {
    long task = e.taskInfo().taskId();
    ended.add(task);
    running.remove(task);
    if (e.reason() == Success$.MODULE$) {
      ours(e.taskInfo().accumulables()).forEach((id, v) -> finished.merge(id, v, Double::sum));
    }
  }

  private Map<Long, Double> ours(scala.collection.Seq<AccumulableInfo> infos) {
    Map<Long, Double> values = new HashMap<>();
    for (AccumulableInfo a : JavaConverters.seqAsJavaListConverter(infos).asJava()) {
      if (ids.contains(a.id()) && a.update().isDefined() && a.update().get() instanceof Number n) {
        values.put(a.id(), n.doubleValue());
      }
    }
    return values;
  }
}
