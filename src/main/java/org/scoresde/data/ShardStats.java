package org.scoresde.data;

import java.io.Serializable;
import java.math.BigInteger;
import java.util.Map;
import java.util.TreeMap;

/**
 * A mergeable summary of written shards, computed in one distributed aggregate: the row count, the
 * sum and spread of every channel, the label counts, the rows of each shard file, the sum of the
 * row indices (a cheap check that every index appears once), and the {@link RowDigest} checksum.
 * 8-bit pixels are counted in a 256-bin histogram per channel (exact sums); floats by Chan's parallel mean/variance update.
 */
public final class ShardStats implements Serializable {
  private static final long serialVersionUID = 1L;
  private final Layout layout;
  private long count;
  private long checksum;
  private BigInteger indexSum = BigInteger.ZERO;
  private final long[][] histogram;
  private final long[] valueCount;
  private final double[] valueMean;
  private final double[] valueM2;
  private final TreeMap<Integer, Long> labelCounts = new TreeMap<>();
  private final TreeMap<String, Long> rowsPerFile = new TreeMap<>();
  private transient RowDigest digest;

  public ShardStats(Layout layout) {
    this.layout = layout;
    int c = layout.channels();
    histogram = new long[c][256];
    valueCount = new long[c];
    valueMean = new double[c];
    valueM2 = new double[c];
  }

  /** Adds one example that was read from shard file {@code file} (a name, or null when unknown). */
  public ShardStats add(Example e, String file) {
    if (e.size() != layout.size()) {
      throw new IllegalStateException("row " + e.index() + " holds " + e.size() + " values, expected " + layout.size());
    }
    if (digest == null) {
      digest = new RowDigest();
    }
    count++;
    checksum += digest.of(e, layout.channels(), layout.height(), layout.width());
    indexSum = indexSum.add(BigInteger.valueOf(e.index()));
    if (e.label() != Example.UNLABELLED) {
      labelCounts.merge(e.label(), 1L, Long::sum);
    }
    if (file != null) {
      rowsPerFile.merge(file, 1L, Long::sum);
    }
    int plane = layout.height() * layout.width();
    for (int c = 0; c < layout.channels(); c++) {
      if (e.pixels() != null) {
        long[] h = histogram[c];
        byte[] p = e.pixels();
        for (int i = c * plane, end = i + plane; i < end; i++) {
          h[p[i] & 0xFF]++;
        }
      } else {
        float[] v = e.values();
        for (int i = c * plane, end = i + plane; i < end; i++) {
          valueCount[c]++;
          double d = v[i] - valueMean[c];
          valueMean[c] += d / valueCount[c];
          valueM2[c] += d * (v[i] - valueMean[c]);
        }
      }
    }
    return this;
  }

  /** This summary combined with {@code o} (this object is updated and returned). */
  public ShardStats merge(ShardStats o) {
    count += o.count;
    checksum += o.checksum;
    indexSum = indexSum.add(o.indexSum);
    o.labelCounts.forEach((k, v) -> labelCounts.merge(k, v, Long::sum));
    o.rowsPerFile.forEach((k, v) -> rowsPerFile.merge(k, v, Long::sum));
    for (int c = 0; c < histogram.length; c++) {
      for (int v = 0; v < 256; v++) {
        histogram[c][v] += o.histogram[c][v];
      }
      long n = valueCount[c] + o.valueCount[c];
      if (o.valueCount[c] > 0) {
        double d = o.valueMean[c] - valueMean[c];
        valueM2[c] += o.valueM2[c] + d * d * valueCount[c] * (double) o.valueCount[c] / n;
        valueMean[c] += d * o.valueCount[c] / n;
        valueCount[c] = n;
      }
    }
    return this;
  }

  public long count() {
    return count;
  }

  /** The sum over rows of the row digests, modulo 2^64. */
  public long checksum() {
    return checksum;
  }

  /** True when the indices seen sum to 0 + 1 + ... + (count - 1), as they must when each appears once. */
  public boolean indicesLookComplete() {
    BigInteger n = BigInteger.valueOf(count);
    return indexSum.equals(n.multiply(n.subtract(BigInteger.ONE)).shiftRight(1));
  }

  /** Per-channel mean, in the units of the stored values (0..255 for pixels). */
  public double[] mean() {
    double[] m = new double[histogram.length];
    for (int c = 0; c < m.length; c++) {
      m[c] = layout.encoding() == Encoding.UINT8 ? (double) moment(c, 1) / perChannel() : valueMean[c];
    }
    return m;
  }

  /** Per-channel population standard deviation, in the units of the stored values. */
  public double[] std() {
    double[] s = new double[histogram.length];
    for (int c = 0; c < s.length; c++) {
      if (layout.encoding() == Encoding.UINT8) {
        BigInteger n = BigInteger.valueOf(perChannel());
        BigInteger sum = BigInteger.valueOf(moment(c, 1));
        BigInteger nVar = n.multiply(BigInteger.valueOf(moment(c, 2))).subtract(sum.multiply(sum));
        s[c] = Math.sqrt(nVar.doubleValue() / n.doubleValue() / n.doubleValue());
      } else {
        s[c] = Math.sqrt(valueM2[c] / valueCount[c]);
      }
    }
    return s;
  }

  /** Sum over the pixels of channel c of value^k (k = 1, 2), exact. */
  private long moment(int c, int k) {
    long s = 0;
    for (int v = 0; v < 256; v++) {
      s += histogram[c][v] * (k == 1 ? v : (long) v * v);
    }
    return s;
  }

  private long perChannel() {
    return count * layout.height() * layout.width();
  }

  /** Examples per label, labels ascending; unlabelled rows are not counted. */
  public Map<Integer, Long> labelCounts() {
    return new TreeMap<>(labelCounts);
  }

  /** Rows per shard file name, names ascending. */
  public Map<String, Long> rowsPerFile() {
    return new TreeMap<>(rowsPerFile);
  }
}
