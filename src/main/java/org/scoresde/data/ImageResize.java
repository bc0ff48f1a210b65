package org.scoresde.data;

/**
 * Resamples 8-bit C,H,W images to a new size, separably per axis: area averaging when an axis
 * shrinks (each output pixel is the exact overlap-weighted mean of the input pixels it covers),
 * bilinear interpolation between pixel centres when it grows, rounding to the nearest integer at
 * the end. Plain arithmetic, so the result is the same on every machine.
 */
public final class ImageResize {
  private ImageResize() {}

  public static byte[] resize(byte[] chw, int channels, int h, int w, int toH, int toW) {
    if (h == toH && w == toW) {
      return chw;
    }
    double[][] wy = weights(h, toH);
    double[][] wx = weights(w, toW);
    int[][] iy = indices(h, toH);
    int[][] ix = indices(w, toW);
    byte[] out = new byte[channels * toH * toW];
    double[] rows = new double[toH * w];
    for (int c = 0; c < channels; c++) {
      int base = c * h * w;
      for (int oy = 0; oy < toH; oy++) {
        for (int x = 0; x < w; x++) {
          double s = 0;
          for (int k = 0; k < iy[oy].length; k++) {
            s += wy[oy][k] * (chw[base + iy[oy][k] * w + x] & 0xFF);
          }
          rows[oy * w + x] = s;
        }
      }
      int obase = c * toH * toW;
      for (int oy = 0; oy < toH; oy++) {
        for (int ox = 0; ox < toW; ox++) {
          double s = 0;
          for (int k = 0; k < ix[ox].length; k++) {
            s += wx[ox][k] * rows[oy * w + ix[ox][k]];
          }
          out[obase + oy * toW + ox] = (byte) Math.max(0, Math.min(255, Math.round(s)));
        }
      }
    }
    return out;
  }

  /** For each output position, the input positions it draws on. */
  private static int[][] indices(int n, int m) {
    int[][] idx = new int[m][];
    for (int o = 0; o < m; o++) {
      if (m <= n) {
        double lo = (double) o * n / m;
        double hi = (double) (o + 1) * n / m;
        int first = (int) Math.floor(lo);
        int last = Math.min(n - 1, (int) Math.ceil(hi) - 1);
        idx[o] = new int[last - first + 1];
        for (int k = 0; k < idx[o].length; k++) {
          idx[o][k] = first + k;
        }
      } else {
        double x = Math.max(0, Math.min(n - 1, (o + 0.5) * n / m - 0.5));
        int i0 = (int) Math.floor(x);
        idx[o] = new int[] {i0, Math.min(n - 1, i0 + 1)};
      }
    }
    return idx;
  }

  /** The weights matching {@link #indices}: overlaps (shrinking) or linear interpolation (growing); each sums to 1. */
  private static double[][] weights(int n, int m) {
    double[][] wt = new double[m][];
    for (int o = 0; o < m; o++) {
      if (m <= n) {
        double lo = (double) o * n / m;
        double hi = (double) (o + 1) * n / m;
        int first = (int) Math.floor(lo);
        int last = Math.min(n - 1, (int) Math.ceil(hi) - 1);
        wt[o] = new double[last - first + 1];
        for (int k = 0; k < wt[o].length; k++) {
          int i = first + k;
          wt[o][k] = (Math.min(hi, i + 1) - Math.max(lo, i)) * m / n;
        }
      } else {
        double x = Math.max(0, Math.min(n - 1, (o + 0.5) * n / m - 0.5));
        double f = x - Math.floor(x);
        wt[o] = new double[] {1 - f, f};
      }
    }
    return wt;
  }
}
