package org.scoresde.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws the report's plots as PNG with XChart: the training loss, the loss by diffusion time, the
 * Fokker-Planck penalty, the throughput, the histogram of per-example bits/dim, and a scatter of vector samples. Each returns
 * empty when its data is missing, so a partial run gets the plots it can.
 */
public final class ReportPlots {
  public static final int WIDTH = 800;
  public static final int HEIGHT = 400;
  private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
      new Color(0xd62728), new Color(0x9467bd)};

  private ReportPlots() {}

  /** Training loss per averaging round against examples seen (round number when not recorded). */
  public static Optional<Picture> loss(List<TrainingRound> rounds) {
    List<double[]> xy = new ArrayList<>();
    boolean byExamples = rounds.stream().allMatch(r -> r.examples() >= 0);
    for (int i = 0; i < rounds.size(); i++) {
      TrainingRound r = rounds.get(i);
      if (Double.isFinite(r.loss())) {
        xy.add(new double[] {byExamples ? r.examples() : i + 1, r.loss()});
      }
    }
    if (xy.isEmpty()) {
      return Optional.empty();
    }
    XYChart c = chart("Training loss (one point per averaging round)", byExamples ? "examples seen" : "round", "loss");
    c.getStyler().setYAxisLogarithmic(wideRange(xy.stream().mapToDouble(p -> p[1]).toArray()));
    line(c, "loss", xy, 0, xy.size() <= 60);
    c.getStyler().setLegendVisible(false);
    return Optional.of(encode(c, "loss.png", "Training loss"));
  }

  /**
   * The loss by diffusion time of the first, a middle and the last round that recorded it, so the
   * plot shows which times the network learned and which remain hard.
   */
  public static Optional<Picture> lossByT(List<TrainingRound> rounds) {
    List<TrainingRound> with = rounds.stream().filter(r -> !r.lossByT().isEmpty()).toList();
    if (with.isEmpty()) {
      return Optional.empty();
    }
    List<TrainingRound> shown = new ArrayList<>();
    for (int i : new int[] {0, with.size() / 2, with.size() - 1}) {
      if (!shown.contains(with.get(i))) {
        shown.add(with.get(i));
      }
    }
    XYChart c = chart("Loss by diffusion time t", "t", "loss");
    List<Double> all = new ArrayList<>();
    int k = 0;
    for (TrainingRound r : shown) {
      List<double[]> xy = new ArrayList<>();
      for (TimeBinLoss b : r.lossByT()) {
        if (Double.isFinite(b.center()) && Double.isFinite(b.loss())) {
          xy.add(new double[] {b.center(), b.loss()});
          all.add(b.loss());
        }
      }
      if (!xy.isEmpty()) {
        String label = (r.epoch() >= 0 ? "epoch " + r.epoch() + ", " : "") + "round " + r.round()
            + (r.examples() >= 0 ? " (" + Numbers.count(r.examples()) + " examples)" : "");
        line(c, label, xy, k++, true);
      }
    }
    if (k == 0) {
      return Optional.empty();
    }
    c.getStyler().setYAxisLogarithmic(wideRange(all.stream().mapToDouble(Double::doubleValue).toArray()));
    return Optional.of(encode(c, "loss_by_t.png", "Loss by diffusion time"));
  }

  /** The Fokker-Planck penalty of the probe batch ({@code fp_penalty}) per round against examples seen (round number when not recorded). */
  public static Optional<Picture> fpPenalty(List<TrainingRound> rounds) {
    List<double[]> xy = new ArrayList<>();
    boolean byExamples = rounds.stream().allMatch(r -> r.examples() >= 0);
    for (int i = 0; i < rounds.size(); i++) {
      TrainingRound r = rounds.get(i);
      if (Double.isFinite(r.fpPenalty())) {
        xy.add(new double[] {byExamples ? r.examples() : i + 1, r.fpPenalty()});
      }
    }
    if (xy.isEmpty()) {
      return Optional.empty();
    }
    XYChart c = chart("Fokker-Planck penalty of the probe batch", byExamples ? "examples seen" : "round", "fp_penalty");
    c.getStyler().setYAxisLogarithmic(wideRange(xy.stream().mapToDouble(p -> p[1]).toArray()));
    line(c, "fp_penalty", xy, 3, xy.size() <= 60);
    c.getStyler().setLegendVisible(false);
    return Optional.of(encode(c, "fp_penalty.png", "Fokker-Planck penalty"));
  }

  /** Training throughput (examples per second of each round) against elapsed time (minutes beyond 10 minutes). */
  public static Optional<Picture> throughput(List<TrainingRound> rounds) {
    List<double[]> xy = new ArrayList<>();
    boolean byTime = rounds.stream().allMatch(r -> Double.isFinite(r.seconds()));
    double span = rounds.stream().mapToDouble(TrainingRound::seconds).max().orElse(0);
    double perUnit = span > 600 ? 60 : 1;
    for (int i = 0; i < rounds.size(); i++) {
      TrainingRound r = rounds.get(i);
      if (Double.isFinite(r.examplesPerSecond())) {
        xy.add(new double[] {byTime ? r.seconds() / perUnit : i + 1, r.examplesPerSecond()});
      }
    }
    if (xy.isEmpty()) {
      return Optional.empty();
    }
    String x = byTime ? (perUnit > 1 ? "minutes" : "seconds") + " since start" : "round";
    XYChart c = chart("Training throughput", x, "examples / second");
    line(c, "examples/s", xy, 2, xy.size() <= 60);
    c.getStyler().setLegendVisible(false);
    c.getStyler().setYAxisMin(0.0);
    return Optional.of(encode(c, "throughput.png", "Training throughput"));
  }

  /** Histogram of the per-example values with a line at their mean (and at the evaluation's 95% interval). */
  public static Optional<Picture> histogram(PerExampleValues values, String unit, Optional<Evaluation> evaluation) {
    double[] v = Arrays.stream(values.values()).filter(Double::isFinite).toArray();
    if (v.length == 0) {
      return Optional.empty();
    }
    double lo = Arrays.stream(v).min().orElseThrow();
    double hi = Arrays.stream(v).max().orElseThrow();
    int bins = Math.max(5, Math.min(60, (int) Math.ceil(2 * Math.cbrt(v.length))));
    if (hi <= lo) {
      double pad = Math.max(1e-3, Math.abs(lo) * 1e-3);
      lo -= pad;
      hi += pad;
      bins = 1;
    }
    double width = (hi - lo) / bins;
    int[] counts = new int[bins];
    for (double x : v) {
      counts[Math.min(bins - 1, (int) ((x - lo) / width))]++;
    }
    List<double[]> outline = new ArrayList<>();
    outline.add(new double[] {lo, 0});
    for (int b = 0; b < bins; b++) {
      outline.add(new double[] {lo + b * width, counts[b]});
      outline.add(new double[] {lo + (b + 1) * width, counts[b]});
    }
    outline.add(new double[] {hi, 0});
    int top = Arrays.stream(counts).max().orElse(1);
    XYChart c = chart("Per-example " + unit + " (" + Numbers.count(v.length) + " examples)", unit, "examples");
    XYSeries s = c.addSeries("examples", col(outline, 0), col(outline, 1));
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(PALETTE[0]);
    s.setFillColor(new Color(0x1f, 0x77, 0xb4, 110));
    double mean = evaluation.map(Evaluation::value).filter(Double::isFinite).orElse(values.mean());
    vertical(c, "mean " + Numbers.fixed(mean, 4), mean, top, PALETTE[3], new BasicStroke(2f));
    evaluation.filter(e -> Double.isFinite(e.ciLo()) && Double.isFinite(e.ciHi())).ifPresent(e -> {
      BasicStroke dashed = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);
      vertical(c, "95% interval of the mean", e.ciLo(), top, PALETTE[1], dashed);
      vertical(c, "95% upper", e.ciHi(), top, PALETTE[1], dashed).setShowInLegend(false);
    });
    c.getStyler().setYAxisMin(0.0);
    return Optional.of(encode(c, "nll_hist.png", "Per-example " + unit));
  }

  /** Scatter of the first two coordinates of vector samples (or the first against the row index for D = 1). */
  public static Optional<Picture> scatter(SampleSet set, String file) {
    List<double[]> xy = new ArrayList<>();
    int d = set.points().isEmpty() ? 0 : set.points().get(0).length;
    for (int i = 0; i < set.points().size(); i++) {
      double[] p = set.points().get(i);
      double[] q = d >= 2 && p.length >= 2 ? new double[] {p[0], p[1]} : new double[] {i, p.length > 0 ? p[0] : Double.NaN};
      if (Double.isFinite(q[0]) && Double.isFinite(q[1])) {
        xy.add(q);
      }
    }
    if (xy.isEmpty()) {
      return Optional.empty();
    }
    XYChart c = chart("Samples: " + set.name() + " (" + Numbers.count(xy.size()) + " points)", d >= 2 ? "x[0]" : "sample",
        d >= 2 ? "x[1]" : "x[0]");
    XYSeries s = c.addSeries("samples", col(xy, 0), col(xy, 1));
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    s.setMarker(SeriesMarkers.CIRCLE);
    s.setMarkerColor(new Color(0x1f, 0x77, 0xb4, 140));
    c.getStyler().setMarkerSize(4);
    c.getStyler().setLegendVisible(false);
    return Optional.of(encode(c, file, "Samples"));
  }

  /**
   * The evaluated checkpoints' values against the examples seen (a logarithmic axis; a count that, unlike
   * wall time, does not depend on the machine's speed or load), with their 95% intervals as error bars.
   */
  public static Optional<Picture> learningCurve(LearningCurve curve) {
    if (!curve.drawable()) {
      return Optional.empty();
    }
    List<LearningCurve.Point> points = curve.points();
    double[] x = points.stream().mapToDouble(p -> Math.max(1, p.examples())).toArray();
    double[] y = points.stream().mapToDouble(p -> p.evaluation().value()).toArray();
    double[] err = points.stream().mapToDouble(p -> {
      Evaluation e = p.evaluation();
      return Double.isFinite(e.ciHi()) && Double.isFinite(e.ciLo()) ? (e.ciHi() - e.ciLo()) / 2 : 0;
    }).toArray();
    String unit = points.get(0).evaluation().unit();
    XYChart c = chart("Learning curve", "examples seen", unit);
    c.getStyler().setXAxisLogarithmic(true);
    XYSeries s = c.addSeries(unit, x, y, err);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    s.setLineColor(PALETTE[0]);
    s.setLineWidth(2f);
    s.setMarker(SeriesMarkers.CIRCLE);
    s.setMarkerColor(PALETTE[0]);
    c.getStyler().setErrorBarsColor(PALETTE[0]);
    c.getStyler().setLegendVisible(false);
    return Optional.of(encode(c, "learning_curve.png", "Learning curve"));
  }

  private static XYChart chart(String title, String x, String y) {
    XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y).build();
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    c.getStyler().setPlotBackgroundColor(Color.WHITE);
    c.getStyler().setPlotBorderVisible(true);
    c.getStyler().setPlotBorderColor(new Color(0xbbbbbb));
    c.getStyler().setPlotGridLinesColor(new Color(0xe5e5e5));
    c.getStyler().setChartTitleBoxVisible(false);
    c.getStyler().setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    c.getStyler().setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    c.getStyler().setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    c.getStyler().setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    c.getStyler().setLegendBorderColor(new Color(0xcccccc));
    c.getStyler().setSeriesColors(PALETTE);
    c.getStyler().setAntiAlias(true);
    c.getStyler().setMarkerSize(5);
    c.getStyler().setXAxisDecimalPattern("#,##0.###");
    return c;
  }

  private static void line(XYChart c, String name, List<double[]> xy, int color, boolean markers) {
    XYSeries s = c.addSeries(name, col(xy, 0), col(xy, 1));
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    s.setLineColor(PALETTE[color % PALETTE.length]);
    s.setLineWidth(2f);
    s.setMarker(markers ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
    s.setMarkerColor(PALETTE[color % PALETTE.length]);
  }

  private static XYSeries vertical(XYChart c, String name, double x, double top, Color color, BasicStroke stroke) {
    XYSeries s = c.addSeries(name, new double[] {x, x}, new double[] {0, top * 1.05});
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(color);
    s.setLineStyle(stroke);
    return s;
  }

  /** True when every value is positive and they span more than a factor of 20: then a log axis reads better. */
  static boolean wideRange(double[] ys) {
    double min = Arrays.stream(ys).min().orElse(1);
    double max = Arrays.stream(ys).max().orElse(1);
    return min > 0 && max / min > 20;
  }

  private static double[] col(List<double[]> rows, int j) {
    return rows.stream().mapToDouble(r -> r[j]).toArray();
  }

  private static Picture encode(XYChart c, String file, String title) {
    try {
      return new Picture(file, title, BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG), c.getWidth(),
          c.getHeight());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + file, e);
    }
  }
}
