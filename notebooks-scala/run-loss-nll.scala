// Notebook: a run's training loss and its negative log-likelihood.
// The loss per round (and smoothed), the loss by diffusion time t at the start and the end of
// training, the throughput, and from an evaluation the NLL per example (histogram, the worst
// examples, NLL against the solver's NFE) next to the summary in nll.json.
//
// Run (docs/operations.md, "Scala notebooks"):
//   java <opens> -cp <classpath> -Dspark.master=local[2] -Dnotebook.run=RUN -Dnotebook.out=DIR \
//     org.apache.spark.repl.Main -usejavacp -i notebooks-scala/run-loss-nll.scala <<< 'sys.exit(1)'
// Inputs, as system properties or environment variables:
//   notebook.run  / NOTEBOOK_RUN    the run directory (train's --out): metrics.jsonl
//   notebook.eval / NOTEBOOK_EVAL   the evaluation directory (evaluate's --out; default RUN/eval): nll.json, per_example/
//   notebook.out  / NOTEBOOK_OUT    where the figures go (created)
// Writes OUT/loss.png, OUT/loss-by-t.png (when metrics.jsonl has loss_by_t), OUT/throughput.png, OUT/nll-histogram.png, OUT/nll-vs-nfe.png, OUT/summary.txt.

import java.nio.file.{Files, Paths}
import java.util.Locale
import org.apache.hadoop.fs.Path
import org.apache.spark.sql.functions._
import org.knowm.xchart.{BitmapEncoder, XYChartBuilder, XYSeries}
import org.knowm.xchart.BitmapEncoder.BitmapFormat
import org.scoresde.report.{Evaluation, TrainingMetrics}
import scala.collection.JavaConverters._

def setting(name: String, default: Option[String] = None): String =
  Option(System.getProperty("notebook." + name)).orElse(Option(System.getenv("NOTEBOOK_" + name.toUpperCase(Locale.ROOT))))
    .orElse(default).getOrElse(sys.error(s"set -Dnotebook.$name or NOTEBOOK_${name.toUpperCase(Locale.ROOT)}"))

val run = setting("run")
val eval = setting("eval", Some(run + "/eval"))
val out = Paths.get(setting("out"))
Files.createDirectories(out)
def save(chart: org.knowm.xchart.internal.chartpart.Chart[_, _], name: String): Unit =
  BitmapEncoder.saveBitmap(chart, out.resolve(name).toString, BitmapFormat.PNG)
def text(file: String): String = {
  val p = new Path(file)
  val in = p.getFileSystem(spark.sparkContext.hadoopConfiguration).open(p)
  try new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8) finally in.close()
}

// --- training: metrics.jsonl, one line per round
val metrics = TrainingMetrics.parse(text(run + "/metrics.jsonl"), run + "/metrics.jsonl")
val rounds = metrics.rounds.asScala.toIndexedSeq
require(rounds.nonEmpty, run + "/metrics.jsonl has no rounds")
val step = rounds.indices.map(_.toDouble + 1).toArray
val loss = rounds.map(_.loss).toArray
val window = math.max(1, rounds.size / 10)
val smooth = loss.indices.map(i => loss.slice(math.max(0, i - window + 1), i + 1).sum / (i - math.max(0, i - window + 1) + 1)).toArray
val lossChart = new XYChartBuilder().width(800).height(400).title("training loss per round").xAxisTitle("round").yAxisTitle("DSM loss").build()
lossChart.addSeries("loss", step, loss).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE)
lossChart.addSeries(s"mean of $window rounds", step, smooth).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE)
save(lossChart, "loss.png")
val first = loss.take(window).sum / window
val last = loss.takeRight(window).sum / window
println(f"${rounds.size} rounds, ${metrics.examples} examples in ${metrics.seconds}%.1f s (${metrics.examplesPerSecond}%.1f examples/s); loss $first%.4f -> $last%.4f")

// the loss by diffusion time: where in t the network still errs
val byT = metrics.roundsWithLossByT.asScala.toIndexedSeq
if (byT.nonEmpty) {
  val byTChart = new XYChartBuilder().width(800).height(400).title("loss by diffusion time").xAxisTitle("t").yAxisTitle("DSM loss").build()
  for ((r, name) <- Seq((byT.head, "first round"), (byT.last, "last round")).distinct) {
    val bins = r.lossByT.asScala.toIndexedSeq
    byTChart.addSeries(name + s" (${r.epoch}/${r.round})", bins.map(b => 0.5 * (b.tLo + b.tHi)).toArray, bins.map(_.loss).toArray)
  }
  save(byTChart, "loss-by-t.png")
} else {
  println("metrics.jsonl has no loss_by_t: no loss-by-t.png")
}
val tp = new XYChartBuilder().width(800).height(400).title("throughput").xAxisTitle("round").yAxisTitle("examples/s").build()
tp.addSeries("examples/s", step, rounds.map(_.examplesPerSecond).toArray)
save(tp, "throughput.png")

// --- evaluation: nll.json and the per-example Parquet (index, shard, value, nfe)
val nll = Evaluation.parse(text(eval + "/nll.json"), eval + "/nll.json")
val perExample = spark.read.parquet(eval + "/per_example").cache()
val n = perExample.count()
val stats = perExample.agg(avg("value"), stddev("value"), min("value"), max("value"), avg("nfe")).first()
val mean = stats.getDouble(0)
println(f"nll.json: ${nll.value}%.4f (95%% CI ${nll.ciLo}%.4f .. ${nll.ciHi}%.4f), n = ${nll.n}; per-example mean $mean%.4f over $n examples, mean NFE ${stats.getDouble(4)}%.1f")
require(n == nll.n, s"per_example has $n rows, nll.json says ${nll.n}")
require(math.abs(mean - nll.value) <= 1e-6 * math.max(1.0, math.abs(mean)), s"per-example mean $mean differs from nll.json ${nll.value}")
val values = perExample.select("value", "nfe").collect().map(r => (r.getDouble(0), r.getDouble(1)))
val (lo, hi) = (stats.getDouble(2), stats.getDouble(3))
val bins = 40
val width = math.max(hi - lo, 1e-9) / bins
val counts = values.groupBy(v => math.min(bins - 1, ((v._1 - lo) / width).toInt)).mapValues(_.length)
val hist = new XYChartBuilder().width(800).height(400).title(f"NLL per example (mean ${nll.value}%.3f)").xAxisTitle("NLL per dimension").yAxisTitle("examples").build()
hist.addSeries("examples", (0 until bins).map(b => lo + (b + 0.5) * width).toArray, (0 until bins).map(b => counts.getOrElse(b, 0).toDouble).toArray)
  .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step)
save(hist, "nll-histogram.png")
val nfeChart = new XYChartBuilder().width(800).height(400).title("NLL against the solver's work").xAxisTitle("NFE").yAxisTitle("NLL per dimension").build()
nfeChart.getStyler.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter)
nfeChart.addSeries("examples", values.map(_._2), values.map(_._1))
save(nfeChart, "nll-vs-nfe.png")
println("the least likely examples:")
perExample.orderBy(desc("value")).limit(5).collect().foreach(r => println("  " + r.mkString(", ")))

Files.writeString(out.resolve("summary.txt"),
  f"rounds=${rounds.size}\nloss_first=$first%.6f\nloss_last=$last%.6f\nnll=${nll.value}%.6f\nnll_per_example_mean=$mean%.6f\nn=$n\n")
println("figures written to " + out)
sys.exit(0)
