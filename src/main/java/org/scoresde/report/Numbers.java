package org.scoresde.report;

import java.util.Locale;

/** How the report prints numbers, durations and sizes (locale-independent; a dash for unknown). */
final class Numbers {
  static final String UNKNOWN = "–";

  private Numbers() {}

  static String fixed(double x, int decimals) {
    return Double.isFinite(x) ? String.format(Locale.ROOT, "%." + decimals + "f", x) : UNKNOWN;
  }

  /**
   * Four significant digits without trailing zeros (thousands as whole numbers with separators),
   * switching to scientific notation below 1e-3 and from 1e6.
   */
  static String sig(double x) {
    if (!Double.isFinite(x)) {
      return UNKNOWN;
    }
    double a = Math.abs(x);
    if (a != 0 && (a < 1e-3 || a >= 1e6)) {
      return String.format(Locale.ROOT, "%.3e", x).replaceAll("\\.?0+e", "e");
    }
    if (a >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", x);
    }
    return String.format(Locale.ROOT, "%.4g", x).replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", "");
  }

  static String count(long n) {
    return n < 0 ? UNKNOWN : String.format(Locale.ROOT, "%,d", n);
  }

  static String count(double n) {
    return Double.isFinite(n) ? String.format(Locale.ROOT, "%,.0f", n) : UNKNOWN;
  }

  /** 42 s, 3 min 07 s, 1 h 05 min. */
  static String duration(double seconds) {
    if (!Double.isFinite(seconds) || seconds < 0) {
      return UNKNOWN;
    }
    if (seconds < 60) {
      return String.format(Locale.ROOT, seconds < 10 ? "%.1f s" : "%.0f s", seconds);
    }
    long s = Math.round(seconds);
    if (s < 3600) {
      return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
  }

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
