package org.scoresde.spark;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.scoresde.data.HadoopConf;
import org.scoresde.data.InputProblem;
import org.scoresde.data.ParallelMap;

/**
 * {@link ParallelMap} on Spark: one task per item, the driver's Hadoop configuration broadcast to
 * executors. A task that finds bad input returns its {@link InputProblem} instead of failing (no retries,
 * no executor stack traces); the driver rethrows the first one in item order.
 */
public final class SparkParallelMap implements ParallelMap {
  private final JavaSparkContext jsc;

  public SparkParallelMap(JavaSparkContext jsc) {
    this.jsc = jsc;
  }

  @Override
  public <A extends Serializable, B extends Serializable> List<B> map(List<A> items, Task<A, B> task) throws IOException {
    if (items.isEmpty()) {
      return List.of();
    }
    Broadcast<HadoopConf> conf = jsc.broadcast(new HadoopConf(jsc.hadoopConfiguration()));
    try {
      List<Object> results = jsc.parallelize(items, items.size()).map(a -> {
        try {
          return (Object) task.apply(a, conf.value().get());
        } catch (InputProblem e) {
          return (Object) e;
        }
      }).collect();
      List<B> out = new ArrayList<>(results.size());
      for (Object r : results) {
        if (r instanceof InputProblem p) {
          throw p;
        }
        @SuppressWarnings("unchecked")
        B b = (B) r;
        out.add(b);
      }
      return out;
    } finally {
      conf.destroy();
    }
  }

  @Override
  public int parallelism() {
    return jsc.defaultParallelism();
  }
}
