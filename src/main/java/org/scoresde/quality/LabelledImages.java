package org.scoresde.quality;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.data.CloseableIterator;
import org.scoresde.data.Example;
import org.scoresde.data.IdxHeader;
import org.scoresde.data.IdxInput;
import org.scoresde.data.InputFiles;

/**
 * 28x28 grey images with their class labels, as the classifier sees them: pixels / 255 in [0, 1],
 * one row of 784 values per image ([N, 784] float).
 */
public record LabelledImages(INDArray pixels, int[] labels) {

  /** Reads a whole IDX images file and its labels file (plain or gzip) through {@link IdxInput}. */
  public static LabelledImages readIdx(String images, String labels, Configuration conf) throws IOException {
    Path ip = new Path(images);
    Path lp = new Path(labels);
    boolean igz = InputFiles.isGzip(ip, conf);
    boolean lgz = InputFiles.isGzip(lp, conf);
    IdxHeader ih;
    try (InputStream raw = ip.getFileSystem(conf).open(ip); InputStream in = igz ? new GZIPInputStream(raw) : raw) {
      ih = IdxHeader.read(in, images, IdxHeader.IMAGES);
    }
    int count = ih.dims()[0];
    var split = new IdxInput.Split(ip.toString(), igz, ih.bytes(), lp.toString(), lgz, 8, 0, count, true,
        ih.dims()[1], ih.dims()[2]);
    List<Example> all = new ArrayList<>(count);
    try (CloseableIterator<Example> it = IdxInput.open(split, conf)) {
      while (it.hasNext()) {
        all.add(it.next());
      }
    }
    return of(all);
  }

  /** The images of labelled 8-bit examples. */
  public static LabelledImages of(List<Example> examples) {
    int n = examples.size();
    int d = examples.get(0).size();
    float[] flat = new float[n * d];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      byte[] px = examples.get(i).pixels();
      for (int j = 0; j < d; j++) {
        flat[i * d + j] = (px[j] & 0xFF) / 255f;
      }
      y[i] = examples.get(i).label();
    }
    return new LabelledImages(Nd4j.create(flat, new long[] {n, d}), y);
  }

  public int count() {
    return labels.length;
  }
}
