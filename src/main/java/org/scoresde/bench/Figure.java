package org.scoresde.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One row of the benchmark table: the project's measurement, the PyTorch peer's when it has one,
 * and their ratio (ours / PyTorch, so above 1 means faster, or for memory and overhead, larger);
 * when the peer timed the figure in several variants, the one its number is (the fastest).
 */
record Figure(String name, String unit, Measurement ours, Measurement pytorch, String note, String pytorchVariant) {

  Figure(String name, String unit, Measurement ours, Measurement pytorch, String note) {
    this(name, unit, ours, pytorch, note, null);
  }

  /** The same figure with the peer variant its PyTorch number was taken from (null: none chosen). */
  Figure withPytorchVariant(String variant) {
    return new Figure(name, unit, ours, pytorch, note, pytorch == null ? null : variant);
  }

  /** ours / PyTorch of the medians, or NaN without a peer figure. */
  double ratio() {
    return pytorch == null || pytorch.median() == 0 ? Double.NaN : ours.median() / pytorch.median();
  }

  void write(ObjectNode node) {
    node.put("unit", unit);
    ours.write(node.putObject("ours"));
    if (pytorch != null) {
      pytorch.write(node.putObject("pytorch"));
      node.put("ratio", ratio());
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
        pytorch == null ? "-" : format(pytorch), Double.isNaN(ratio()) ? "-" : String.format("%.2f", ratio()),
        fullNote());
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
