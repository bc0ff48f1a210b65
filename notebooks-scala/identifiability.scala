// Notebook: identifiability of the probability-flow encoding (Song et al. 2021, "uniquely
// identifiable encoding"). The PF-ODE maps data x to a latent x_T deterministically, and that map
// is fixed by the data distribution (through its score), not by the network's weights: two models
// trained independently (different seeds) on the same data should encode the same examples to
// nearly the same latents -- unlike a GAN or a VAE, whose latent spaces are arbitrary up to
// symmetries. Measured here as the per-coordinate correlation of the two encodings and the distance
// between the two latents of an example, against the baseline of randomly paired examples.
//
// Inputs, as system properties or environment variables (notebook.x / NOTEBOOK_X):
//   notebook.model-a, notebook.model-b   two model.zip trained on the same data with different seeds
//   notebook.data                        the data to encode (shards)
//   notebook.out                         where the figures go
//   notebook.examples (256)  notebook.steps (100: RK4 steps uniform in log-SNR)  notebook.seed (11)
// Writes OUT/latents-a-vs-b.png, OUT/latents.png, OUT/distances.png, OUT/summary.txt.

import java.nio.file.{Files, Paths}
import java.util.Locale
import org.knowm.xchart.{BitmapEncoder, XYChartBuilder, XYSeries}
import org.knowm.xchart.BitmapEncoder.BitmapFormat
import org.knowm.xchart.style.markers.SeriesMarkers
import org.nd4j.linalg.api.buffer.DataType
import org.nd4j.linalg.api.ndarray.INDArray
import org.nd4j.linalg.factory.Nd4j
import org.scoresde.model.ModelSource
import org.scoresde.sampling.{LogSnrSchedule, ProbabilityFlowEncoding}
import org.scoresde.spark.ShardReader

def setting(name: String, default: Option[String] = None): String =
  Option(System.getProperty("notebook." + name)).orElse(Option(System.getenv("NOTEBOOK_" + name.toUpperCase(Locale.ROOT).replace('-', '_'))))
    .orElse(default).getOrElse(sys.error(s"set -Dnotebook.$name or NOTEBOOK_${name.toUpperCase(Locale.ROOT).replace('-', '_')}"))

val out = Paths.get(setting("out"))
Files.createDirectories(out)
def save(chart: org.knowm.xchart.internal.chartpart.Chart[_, _], name: String): Unit =
  BitmapEncoder.saveBitmap(chart, out.resolve(name).toString, BitmapFormat.PNG)
val examples = setting("examples", Some("256")).toInt
val steps = setting("steps", Some("100")).toInt
val hadoop = spark.sparkContext.hadoopConfiguration
val a = ModelSource.read(setting("model-a"), null, hadoop)
val b = ModelSource.read(setting("model-b"), null, hadoop)
require(a.sde.name == b.sde.name, s"the models use different SDEs (${a.sde.name}, ${b.sde.name})")
val sharded = ShardReader.read(spark, setting("data"))
require(!sharded.manifest.isImage, "this notebook encodes vector data (CSV shards)")
val rows = sharded.rows.orderBy("index").select("values").limit(examples).collect().map(_.getAs[scala.collection.Seq[Float]](0).map(_.toDouble).toArray)
val n = rows.length
val x = Nd4j.createFromArray(rows).castTo(DataType.FLOAT)
val d = x.size(1).toInt

def encoder(m: ModelSource) = new ProbabilityFlowEncoding(m.open(), new LogSnrSchedule(), steps, 1e-3)
val encA = encoder(a)
val started = System.nanoTime()
val zA = encA.encode(x).castTo(DataType.DOUBLE)
val zB = encoder(b).encode(x).castTo(DataType.DOUBLE)
println(f"encoded $n examples under both models in ${(System.nanoTime() - started) / 1e9}%.1f s (${encA.nfe} score evaluations each)")
val roundTrip = encA.decode(zA.castTo(DataType.FLOAT)).castTo(DataType.DOUBLE).sub(x.castTo(DataType.DOUBLE)).norm2Number().doubleValue /
  x.castTo(DataType.DOUBLE).norm2Number().doubleValue
println(f"round trip x -> z -> x under model A: relative error $roundTrip%.2e")

def column(z: INDArray, j: Int): Array[Double] = z.getColumn(j.toLong).toDoubleVector
def corr(u: Array[Double], v: Array[Double]): Double = {
  val mu = u.sum / u.length; val mv = v.sum / v.length
  val cov = u.indices.map(i => (u(i) - mu) * (v(i) - mv)).sum
  cov / math.sqrt(u.map(e => (e - mu) * (e - mu)).sum * v.map(e => (e - mv) * (e - mv)).sum)
}
val correlations = (0 until d).map(j => corr(column(zA, j), column(zB, j)))
def rowDistances(p: INDArray, q: INDArray): Array[Double] = p.sub(q).norm2(1).toDoubleVector
val paired = rowDistances(zA, zB)
val perm = new scala.util.Random(setting("seed", Some("11")).toLong).shuffle((0 until n).toIndexedSeq).toArray
val shuffled = rowDistances(zA, zB.getRows(perm: _*))
val prior = rowDistances(zA, a.sde.samplePrior(n, d, 12345L, DataType.DOUBLE))
val meanPaired = paired.sum / n
val meanShuffled = shuffled.sum / n
val relative = paired.zip(rowDistances(zA, Nd4j.zerosLike(zA))).map { case (p, r) => p / r }.sum / n
println(f"per-coordinate correlation of the two encodings: ${correlations.map(c => f"$c%.4f").mkString(", ")}")
println(f"latent distance, same example: $meanPaired%.4f (relative to |z_A|: $relative%.4f); random pairing: $meanShuffled%.4f; against prior noise: ${prior.sum / n}%.4f")
println(f"paired / random distance: ${meanPaired / meanShuffled}%.4f")

val scatter = new XYChartBuilder().width(700).height(700).title("latent coordinates: model A against model B").xAxisTitle("z_A").yAxisTitle("z_B").build()
scatter.getStyler.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter)
scatter.getStyler.setMarkerSize(4)
for (j <- 0 until math.min(d, 4)) {
  scatter.addSeries(f"coordinate $j (r = ${correlations(j)}%.3f)", column(zA, j), column(zB, j))
}
save(scatter, "latents-a-vs-b.png")
val plane = new XYChartBuilder().width(700).height(700).title("latents of the same examples (A: circles, B: crosses, lines join pairs)").xAxisTitle("z1").yAxisTitle("z2").build()
plane.getStyler.setLegendVisible(false)
def second(z: INDArray): Array[Double] = if (d > 1) column(z, 1) else Array.fill(n)(0.0)
plane.addSeries("A", column(zA, 0), second(zA)).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter).setMarker(SeriesMarkers.CIRCLE)
plane.addSeries("B", column(zB, 0), second(zB)).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter).setMarker(SeriesMarkers.CROSS)
for (i <- 0 until math.min(n, 64)) {
  plane.addSeries(s"pair $i", Array(zA.getDouble(i.toLong, 0L), zB.getDouble(i.toLong, 0L)),
    Array(second(zA)(i), second(zB)(i))).setMarker(SeriesMarkers.NONE)
}
save(plane, "latents.png")
val bins = 30
val top = (paired ++ shuffled).max
def histogram(v: Array[Double]) = (0 until bins).map(k => v.count(e => math.min(bins - 1, (e / top * bins).toInt) == k).toDouble).toArray
val centers = (0 until bins).map(k => (k + 0.5) * top / bins).toArray
val dist = new XYChartBuilder().width(800).height(400).title("distance between latents").xAxisTitle("|z_A - z_B|").yAxisTitle("examples").build()
dist.addSeries("same example", centers, histogram(paired)).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step)
dist.addSeries("random pairing", centers, histogram(shuffled)).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step)
save(dist, "distances.png")

Files.writeString(out.resolve("summary.txt"),
  f"examples=$n\nsteps=$steps\ncorrelation_min=${correlations.min}%.6f\ncorrelation_mean=${correlations.sum / d}%.6f\n" +
  f"paired_distance=$meanPaired%.6f\nrandom_pairing_distance=$meanShuffled%.6f\npaired_over_random=${meanPaired / meanShuffled}%.6f\n" +
  f"relative_distance=$relative%.6f\nround_trip_error=$roundTrip%.6e\n")
println("figures written to " + out)
sys.exit(0)
