// Notebook: explore a dataset's shards (the output of `score-sde shard`).
// Counts per label and per shard, the balance of the shards, the pixel (or value) histogram and
// a grid of examples (images) or a scatter plot (2-D vectors).
//
// Run (docs/operations.md, "Scala notebooks"):
//   java <opens> -cp <classpath> -Dspark.master=local[2] -Dnotebook.data=DIR -Dnotebook.out=DIR \
//     org.apache.spark.repl.Main -usejavacp -i notebooks-scala/explore-shards.scala <<< 'sys.exit(1)'
// Inputs, as system properties or environment variables:
//   notebook.data  / NOTEBOOK_DATA   the shard directory
//   notebook.out   / NOTEBOOK_OUT    where the figures go (created)
// Writes OUT/shard-counts.png, OUT/label-counts.png, OUT/histogram.png, OUT/examples.png, OUT/summary.txt.

import java.nio.file.{Files, Paths}
import java.util.Locale
import javax.imageio.ImageIO
import org.apache.spark.sql.functions._
import org.knowm.xchart.{BitmapEncoder, CategoryChartBuilder, XYChartBuilder, XYSeries}
import org.knowm.xchart.BitmapEncoder.BitmapFormat
import org.scoresde.image.ImageGrid
import org.scoresde.data.DataTransform
import org.scoresde.spark.ShardReader
import scala.collection.JavaConverters._

def setting(name: String): String =
  Option(System.getProperty("notebook." + name)).orElse(Option(System.getenv("NOTEBOOK_" + name.toUpperCase(Locale.ROOT))))
    .getOrElse(sys.error(s"set -Dnotebook.$name or NOTEBOOK_${name.toUpperCase(Locale.ROOT)}"))

val data = setting("data")
val out = Paths.get(setting("out"))
Files.createDirectories(out)
def save(chart: org.knowm.xchart.internal.chartpart.Chart[_, _], name: String): Unit =
  BitmapEncoder.saveBitmap(chart, out.resolve(name).toString, BitmapFormat.PNG)

val sharded = ShardReader.read(spark, data)
val manifest = sharded.manifest
val rows = sharded.rows.withColumn("shard", regexp_extract(input_file_name(), "(part-[^/]*)\\.parquet", 1)).cache()
println(s"${manifest.count} examples, ${manifest.shards} shards, encoding ${manifest.encoding}, shape ${manifest.channels}x${manifest.height}x${manifest.width}")

// counts per shard: the sharder balances them to within one row
val perShard = rows.groupBy("shard").count().orderBy("shard").collect().map(r => (r.getString(0), r.getLong(1)))
perShard.foreach { case (s, n) => println(f"  $s%-20s $n%8d") }
require(perShard.map(_._2).sum == manifest.count, "the shards do not add up to the manifest's count")
val shardChart = new CategoryChartBuilder().width(800).height(400).title("examples per shard").xAxisTitle("shard").yAxisTitle("examples").build()
shardChart.getStyler.setLegendVisible(false)
shardChart.addSeries("examples", perShard.indices.map(i => Int.box(i)).asJava, perShard.map(p => Long.box(p._2): Number).toList.asJava)
save(shardChart, "shard-counts.png")

// counts per label, overall and per shard (is every label spread over every shard?)
val perLabel = rows.groupBy("label").count().orderBy("label").collect().map(r => (r.getInt(0), r.getLong(1)))
val classes = Option(manifest.classes).map(_.asScala.toIndexedSeq).getOrElse(IndexedSeq.empty)
perLabel.foreach { case (l, n) => println(f"  label $l%3d ${if (l >= 0 && l < classes.size) classes(l) else ""}%-14s $n%8d") }
val labelChart = new CategoryChartBuilder().width(800).height(400).title("examples per label").xAxisTitle("label").yAxisTitle("examples").build()
labelChart.getStyler.setLegendVisible(false)
labelChart.addSeries("examples", perLabel.map(p => Int.box(p._1)).toList.asJava, perLabel.map(p => Long.box(p._2): Number).toList.asJava)
save(labelChart, "label-counts.png")
val spread = rows.groupBy("label").agg(countDistinct("shard").as("shards")).agg(min("shards")).first().getLong(0)
println(s"every label appears in at least $spread of ${manifest.shards} shards")

// histogram of the pixel values (0..255) or of every vector coordinate, computed by Spark
val image = manifest.isImage
val summary = new StringBuilder
if (image) {
  val counts = rows.select(explode(udf((b: Array[Byte]) => b.map(_ & 0xff)).apply(col("pixels"))).as("v"))
    .groupBy("v").count().collect().map(r => (r.getInt(0), r.getLong(1))).toMap
  val levels = (0 until 256).toArray
  val hist = new XYChartBuilder().width(800).height(400).title("pixel histogram").xAxisTitle("pixel value").yAxisTitle("fraction").build()
  val total = counts.values.sum.toDouble
  // log scale: the background (0) holds half the pixels of Fashion-MNIST and would flatten the rest
  hist.addSeries("pixels", levels.map(_.toDouble), levels.map(v => math.max(counts.getOrElse(v, 0L) / total, 1e-7)))
    .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE)
  hist.getStyler.setYAxisLogarithmic(true)
  save(hist, "histogram.png")
  val zero = counts.getOrElse(0, 0L) / total
  println(f"fraction of pixels at 0: $zero%.3f, at 255: ${counts.getOrElse(255, 0L) / total}%.3f")
  summary.append(f"zero_fraction=$zero%.6f\n")
  // a grid of the first examples of each label
  val t = DataTransform.pixels8Bit(-1.0, 1.0)
  val picks = rows.where(col("index") < 2000).select("label", "pixels").collect().groupBy(_.getInt(0)).toSeq.sortBy(_._1)
    .flatMap(_._2.take(8)).map(r => r.getAs[Array[Byte]](1).map(b => t.toModel(b & 0xff, 0.5).toFloat))
  ImageIO.write(ImageGrid.grid(picks.asJava, manifest.channels, manifest.height, manifest.width, t, 8), "png", out.resolve("examples.png").toFile)
} else {
  val values = rows.select(explode(col("values")).as("v"))
  val stats = values.agg(min("v"), max("v"), avg("v"), stddev("v")).first()
  val (lo, hi) = (stats.getFloat(0).toDouble, stats.getFloat(1).toDouble)
  val bins = 60
  val width = (hi - lo) / bins
  val counts = values.select(least(lit(bins - 1), floor((col("v") - lo) / width).cast("int")).as("b")).groupBy("b").count()
    .collect().map(r => (r.getInt(0), r.getLong(1))).toMap
  val total = counts.values.sum.toDouble
  val hist = new XYChartBuilder().width(800).height(400).title("value histogram (all coordinates)").xAxisTitle("value").yAxisTitle("density").build()
  hist.addSeries("values", (0 until bins).map(b => lo + (b + 0.5) * width).toArray, (0 until bins).map(b => counts.getOrElse(b, 0L) / total / width).toArray)
    .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step)
  save(hist, "histogram.png")
  println(f"values in [$lo%.3f, $hi%.3f], mean ${stats.getDouble(2)}%.4f, std ${stats.getDouble(3)}%.4f")
  summary.append(f"mean=${stats.getDouble(2)}%.6f\nstd=${stats.getDouble(3)}%.6f\n")
  // the first two coordinates of up to 2000 examples
  val pts = rows.select("values").limit(2000).collect().map(_.getAs[scala.collection.Seq[Float]](0))
  val scatter = new XYChartBuilder().width(600).height(600).title("examples (first two coordinates)").xAxisTitle("x1").yAxisTitle("x2").build()
  scatter.getStyler.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter)
  scatter.getStyler.setMarkerSize(3)
  scatter.addSeries("data", pts.map(_(0).toDouble), pts.map(p => if (p.size > 1) p(1).toDouble else 0.0))
  save(scatter, "examples.png")
}
summary.append(s"count=${manifest.count}\nshards=${perShard.length}\nmin_shard=${perShard.map(_._2).min}\nmax_shard=${perShard.map(_._2).max}\nlabels=${perLabel.length}\n")
Files.writeString(out.resolve("summary.txt"), summary.toString)
println("figures written to " + out)
sys.exit(0)
