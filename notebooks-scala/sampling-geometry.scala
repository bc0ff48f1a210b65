// Notebook: the geometry of sampling, in the spirit of "A Geometric Perspective on Diffusion Models"
// (Chen et al.): run the probability-flow ODE (Heun) from the same prior noise with the trained
// model and with the empirical optimal score of its training set (EmpiricalOptimalScore: the exact
// score of the data's own diffused distribution, the optimum of denoising score matching), and look at
//  - the sampling trajectory x_t against the denoising trajectory x0_hat(x_t) (Tweedie's estimate):
//    the denoising trajectory reaches its end point much earlier;
//  - curvature: path length over chord (1 = straight) and the turning angle between steps;
//  - the distance between the model's score (and denoiser) and the optimal one along the model's own
//    trajectories, by t: small at large t, where the optimum is smooth, growing as t -> 0, where the
//    optimum collapses onto the training points and the network generalises instead;
//  - how far the final samples are from their nearest training point (the optimal score memorises).
// Trajectories are compared and measured in the variance-exploding coordinates x_t / gamma_t of the
// paper (EDM), where x_t lives in the data's space like x0_hat. For vector (CSV) runs; images are refused.
//
// Inputs, as system properties or environment variables (notebook.x / NOTEBOOK_X):
//   notebook.model    a model.zip                     notebook.data   its training shards
//   notebook.out      where the figures go            notebook.samples (32) notebook.steps (40)
//   notebook.points   training points for the optimal score (2000)  notebook.seed (7)
// Writes OUT/trajectories.png, OUT/convergence.png, OUT/score-distance.png, OUT/curvature.png,
// OUT/summary.txt.

import java.nio.file.{Files, Paths}
import java.util.Locale
import org.apache.hadoop.conf.Configuration
import org.knowm.xchart.{BitmapEncoder, XYChartBuilder, XYSeries}
import org.knowm.xchart.BitmapEncoder.BitmapFormat
import org.knowm.xchart.style.markers.SeriesMarkers
import org.nd4j.linalg.api.buffer.DataType
import org.nd4j.linalg.api.ndarray.INDArray
import org.nd4j.linalg.factory.Nd4j
import org.scoresde.model.ModelSource
import org.scoresde.sampling.{Samplers, Schedules, TrajectoryRecorder}
import org.scoresde.score.{EmpiricalOptimalScore, ScoreModel}
import org.scoresde.spark.ShardReader
import scala.collection.JavaConverters._

def setting(name: String, default: Option[String] = None): String =
  Option(System.getProperty("notebook." + name)).orElse(Option(System.getenv("NOTEBOOK_" + name.toUpperCase(Locale.ROOT))))
    .orElse(default).getOrElse(sys.error(s"set -Dnotebook.$name or NOTEBOOK_${name.toUpperCase(Locale.ROOT)}"))

val out = Paths.get(setting("out"))
Files.createDirectories(out)
def save(chart: org.knowm.xchart.internal.chartpart.Chart[_, _], name: String): Unit =
  BitmapEncoder.saveBitmap(chart, out.resolve(name).toString, BitmapFormat.PNG)
val n = setting("samples", Some("32")).toInt
val steps = setting("steps", Some("40")).toInt
val seed = setting("seed", Some("7")).toLong

val source = ModelSource.read(setting("model"), null, spark.sparkContext.hadoopConfiguration)
val model: ScoreModel = source.open()
val sde = model.sde
val d = model.dimension
val sharded = ShardReader.read(spark, setting("data"))
require(!sharded.manifest.isImage, "this notebook is for vector data (CSV shards)")
val rows = sharded.rows.select("values").limit(setting("points", Some("2000")).toInt).collect().map(_.getAs[scala.collection.Seq[Float]](0).map(_.toDouble).toArray)
val points = Nd4j.createFromArray(rows)
val optimal = new EmpiricalOptimalScore(points, sde)
println(s"model ${source.name}: ${sde.name}, D = $d; optimal score of ${rows.length} training points")

val grid = Schedules.byName("edm").grid(sde, steps, 1e-3)
val heun = Samplers.byName("heun")
val xT = sde.samplePrior(n, d, seed, DataType.DOUBLE)
val learnedPath = new TrajectoryRecorder(model, n)
val exactPath = new TrajectoryRecorder(optimal, n)
val learned = heun.sample(model, xT.dup(), grid, seed, learnedPath)
val exact = heun.sample(optimal, xT.dup(), grid, seed, exactPath)
val traj = learnedPath.states.asScala.toIndexedSeq.map(_.castTo(DataType.DOUBLE))
val den = learnedPath.denoised.asScala.toIndexedSeq.map(_.castTo(DataType.DOUBLE))
val K = traj.size
def rowNorms(a: INDArray): Array[Double] = a.norm2(1).toDoubleVector
def times(t: Double): INDArray = Nd4j.valueArrayOf(Array(n.toLong), t, DataType.DOUBLE)

// 1. trajectories in the plane of the first two coordinates, over the data
val plane = new XYChartBuilder().width(700).height(700).title("sampling x_t (lines) and denoising x0_hat (dashed), Heun, learned score")
  .xAxisTitle("x1").yAxisTitle("x2").build()
plane.getStyler.setLegendVisible(false)
plane.addSeries("data", rows.map(_(0)), rows.map(r => if (d > 1) r(1) else 0.0)).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter)
for (i <- 0 until math.min(n, 6)) {
  plane.addSeries(s"x_t $i", traj.map(_.getDouble(i.toLong, 0L)).toArray, traj.map(a => if (d > 1) a.getDouble(i.toLong, 1L) else 0.0).toArray).setMarker(SeriesMarkers.NONE)
  plane.addSeries(s"x0 $i", den.map(_.getDouble(i.toLong, 0L)).toArray, den.map(a => if (d > 1) a.getDouble(i.toLong, 1L) else 0.0).toArray)
    .setMarker(SeriesMarkers.NONE).setLineStyle(new java.awt.BasicStroke(1f, 0, 0, 1f, Array(4f, 4f), 0f))
}
save(plane, "trajectories.png")

// 2. convergence: distance to the final sample, relative to the start, for x_t and x0_hat. The
// sampling trajectory is taken in the variance-exploding coordinates of the paper (EDM),
// x_t / gamma_t, where it lives in the data's space like x0_hat (the VP state x_t itself is
// shrunk by gamma_t); at t = eps, gamma ~ 1 and both end at the sample.
def exploding(path: IndexedSeq[INDArray]): IndexedSeq[INDArray] = path.indices.map(i => path(i).div(sde.meanScale(grid(i))))
// both paths measured in one unit per sample: the distance from x_T to the final sample
def relativeToEnd(path: IndexedSeq[INDArray], samplingPath: IndexedSeq[INDArray]): Array[Double] = {
  val end = samplingPath.last
  val unit = rowNorms(samplingPath.head.sub(end))
  path.map(a => rowNorms(a.sub(end)).zip(unit).map { case (x, u) => x / u }.sum / n).toArray
}
val ve = exploding(traj)
val relTraj = relativeToEnd(ve, ve)
val relDen = relativeToEnd(den, ve)
val exactVe = exploding(exactPath.states.asScala.toIndexedSeq.map(_.castTo(DataType.DOUBLE)))
val exactDen = exactPath.denoised.asScala.toIndexedSeq.map(_.castTo(DataType.DOUBLE))
val relExactTraj = relativeToEnd(exactVe, exactVe)
val relExactDen = relativeToEnd(exactDen, exactVe)
val k = (0 until K).map(_.toDouble).toArray
val conv = new XYChartBuilder().width(800).height(400).title("distance to the final sample / initial distance").xAxisTitle("step").yAxisTitle("relative distance").build()
conv.getStyler.setYAxisLogarithmic(true)
def floor(v: Array[Double]) = v.map(math.max(_, 1e-6))
conv.addSeries("x_t / gamma_t, learned score", k, floor(relTraj))
conv.addSeries("x0_hat, learned score", k, floor(relDen))
conv.addSeries("x_t / gamma_t, optimal score", k, floor(relExactTraj))
conv.addSeries("x0_hat, optimal score", k, floor(relExactDen))
save(conv, "convergence.png")
val halfway = K / 2
println(f"at step $halfway of ${K - 1}, relative distance to the final sample: learned x_t ${relTraj(halfway)}%.3f, x0_hat ${relDen(halfway)}%.3f; " +
  f"optimal x_t ${relExactTraj(halfway)}%.3f, x0_hat ${relExactDen(halfway)}%.3f")

// 3. curvature of the sampling trajectories (in the same coordinates x_t / gamma_t)
val seg = (1 until K).map(i => ve(i).sub(ve(i - 1)))
val length = seg.map(rowNorms).foldLeft(Array.fill(n)(0.0))((acc, l) => acc.zip(l).map(p => p._1 + p._2))
val ratio = length.zip(rowNorms(ve.head.sub(ve.last))).map { case (l, c) => l / c }
val angles = (1 until seg.size).map { i =>
  val dot = seg(i).mul(seg(i - 1)).sum(1).toDoubleVector
  val a = rowNorms(seg(i)); val b = rowNorms(seg(i - 1))
  dot.indices.map(j => math.toDegrees(math.acos(math.max(-1.0, math.min(1.0, dot(j) / (a(j) * b(j) + 1e-300)))))).sum / n
}.toArray
val curv = new XYChartBuilder().width(800).height(400).title(f"turning angle between steps (mean length/chord ${ratio.sum / n}%.4f)")
  .xAxisTitle("step").yAxisTitle("mean angle (degrees)").build()
curv.addSeries("angle", (1 until seg.size).map(_.toDouble).toArray, angles)
save(curv, "curvature.png")
println(f"length/chord of the sampling trajectories: mean ${ratio.sum / n}%.4f, max ${ratio.max}%.4f")

// 4. the learned score and denoiser against the optimal ones along the learned trajectories
val scoreRel = new Array[Double](K - 1)
val denoiserDist = new Array[Double](K - 1)
for (i <- 0 until K - 1) {
  val t = times(grid(i))
  val sOpt = optimal.score(traj(i), t)
  val sNet = model.score(traj(i).castTo(DataType.FLOAT), t.castTo(DataType.FLOAT)).castTo(DataType.DOUBLE)
  scoreRel(i) = rowNorms(sNet.sub(sOpt)).zip(rowNorms(sOpt)).map { case (a, b) => a / b }.sum / n
  denoiserDist(i) = rowNorms(den(i).sub(optimal.denoise(traj(i), t))).sum / n
}
val dist = new XYChartBuilder().width(800).height(400).title("learned vs empirical optimal score along the sampling path").xAxisTitle("t").yAxisTitle("mean").build()
dist.getStyler.setXAxisLogarithmic(true)
dist.getStyler.setYAxisLogarithmic(true)
dist.addSeries("|s_theta - s*| / |s*|", grid.take(K - 1), scoreRel.map(math.max(_, 1e-12)))
dist.addSeries("|x0_theta - x0*|", grid.take(K - 1), denoiserDist.map(math.max(_, 1e-12)))
save(dist, "score-distance.png")

// 5. memorisation: the nearest training point of each final sample
def nearest(x: INDArray): Array[Double] = (0 until n).map { i =>
  val r = x.getRow(i.toLong).castTo(DataType.DOUBLE).toDoubleVector
  rows.map(p => math.sqrt(p.indices.map(j => (p(j) - r(j)) * (p(j) - r(j))).sum)).min
}.toArray
val nnLearned = nearest(learned.samples)
val nnExact = nearest(exact.samples)
println(f"distance of the final samples to their nearest training point: learned ${nnLearned.sum / n}%.4f, optimal score ${nnExact.sum / n}%.6f")

Files.writeString(out.resolve("summary.txt"),
  f"steps=${K - 1}\nnfe=${learned.nfe}\nlength_over_chord_mean=${ratio.sum / n}%.6f\nrel_dist_halfway_xt=${relTraj(halfway)}%.6f\n" +
  f"rel_dist_halfway_x0hat=${relDen(halfway)}%.6f\nopt_rel_dist_halfway_xt=${relExactTraj(halfway)}%.6f\nopt_rel_dist_halfway_x0hat=${relExactDen(halfway)}%.6f\nscore_rel_dist_first=${scoreRel.head}%.6f\nscore_rel_dist_last=${scoreRel.last}%.6f\n" +
  f"nearest_training_point_learned=${nnLearned.sum / n}%.6f\nnearest_training_point_optimal=${nnExact.sum / n}%.6f\n")
println("figures written to " + out)
sys.exit(0)
