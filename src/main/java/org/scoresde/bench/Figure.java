package org.scoresde.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One row of the benchmark table: the project's measurement, the PyTorch peer's when it has one,
 * and their ratio (ours / PyTorch, so above 1 means faster, or for memory and overhead, larger);
 * when the peer timed the figure in several variants, the one its number is (the fastest); when
 * both sides were timed alternately in rounds, the per-round ratios, whose median is the ratio.
 */
record Figure(String name, String unit, Measurement ours, Measurement pytorch, String note, String pytorchVariant,
    Measurement roundRatios) {

  Figure(String name, String unit, Measurement ours, Measurement pytorch, String note, String pytorchVariant) {
    this(name, unit, ours, pytorch, note, pytorchVariant, null);
  }

  Figure(String name, String unit, Measurement ours, Measurement pytorch, String note) {
    this(name, unit, ours, pytorch, note, null, null);
  }

  /** The same figure with the peer variant its PyTorch number was taken from (null: none chosen). */
  Figure withPytorchVariant(String variant) {
    return new Figure(name, unit, ours, pytorch, note, pytorch == null ? null : variant, roundRatios);
  }

  /**
   * ours / PyTorch: the median of the per-round ratios when the sides alternated in rounds, else
   * the ratio of the medians; NaN without a peer figure.
   */
  double ratio() {
    if (pytorch == null) {
      return Double.NaN;
    }
    if (roundRatios != null) {
      return roundRatios.median();
    }
    return pytorch.median() == 0 ? Double.NaN : ours.median() / pytorch.median();
  }

  void write(ObjectNode node) {
    node.put("unit", unit);
    ours.write(node.putObject("ours"));
    if (pytorch != null) {
      pytorch.write(node.putObject("pytorch"));
      node.put("ratio", ratio());
      if (roundRatios != null) {
        roundRatios.write(node.putObject("round_ratios"));
      }
    } else {
      node.putNull("pytorch");
      node.putNull("ratio");
    }
    if (pytorchVariant != null) {
      node.put("pytorch_variant", pytorchVariant);
    }
    if (note != null) {
      node.put("note", note);
    }
  }

  /** A Markdown table row. */
  String row() {
    return String.format("| %s | %s | %s | %s | %s |", name, format(ours) + " " + unit,
        pytorch == null ? "-" : format(pytorch), ratioText(),
        fullNote());
  }

  private String ratioText() {
    if (Double.isNaN(ratio())) {
      return "-";
    }
    if (roundRatios == null || roundRatios.samples() == 1) {
      return String.format("%.2f", ratio());
    }
    return String.format("%.2f (%.2f-%.2f, %d rounds)", ratio(), roundRatios.min(), roundRatios.max(),
        roundRatios.samples());
  }

  private String fullNote() {
    String variant = pytorchVariant == null ? null : "PyTorch: " + pytorchVariant;
    if (note == null) {
      return variant == null ? "" : variant;
    }
    return variant == null ? note : note + "; " + variant;
  }

  private static String format(Measurement m) {
    if (m.samples() == 1) {
      return number(m.median());
    }
    return number(m.median()) + " (" + number(m.min()) + "-" + number(m.max()) + ")";
  }

  private static String number(double v) {
    double a = Math.abs(v);
    return a >= 100 ? String.format("%.0f", v) : a >= 10 ? String.format("%.1f", v) : String.format("%.3g", v);
  }
}
