package org.scoresde.score;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A Gaussian mixture sum_k w_k N(mu_k, Sigma_k) with full covariance matrices: the analytic data
 * distribution whose diffused marginals stay mixtures under every SDE, so scores, densities and
 * samples are known exactly. Immutable; each covariance is diagonalised once, Sigma_k = U_k diag(l_k)
 * U_k^T, so that the diffused covariances gamma^2 Sigma_k + sigma^2 I share that eigenbasis.
 * Serializable, so that Spark tasks can carry it.
 */
public final class GaussianMixture implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private static final JsonFactory JSON = new JsonFactory();
  private static final double LOG_2PI = Math.log(2 * Math.PI);

  private final double[] weights;
  private final double[][] means;
  private final double[][][] covariances;
  /** Eigenvalues l_k of each covariance. */
  private final double[][] eigenvalues;
  /** Eigenvectors of each covariance as the rows of a flat D x D row-major array (that is, U_k^T). */
  private final double[][] eigenbasis;

  /**
   * Validates and copies the parameters: weights positive and summing to 1 within 1e-9 (then
   * normalised exactly), K means of one dimension D, K symmetric positive definite D x D covariances.
   *
   * @throws IllegalArgumentException naming the first problem found
   */
  public GaussianMixture(double[] weights, double[][] means, double[][][] covariances) {
    if (weights == null || means == null || covariances == null) {
      throw new IllegalArgumentException("Gaussian mixture needs weights, means and covariances (got null)");
    }
    int k = weights.length;
    if (k == 0) {
      throw new IllegalArgumentException("Gaussian mixture needs at least one component (weights is empty)");
    }
    if (means.length != k || covariances.length != k) {
      throw new IllegalArgumentException("Gaussian mixture shapes disagree: " + k + " weights, "
          + means.length + " means, " + covariances.length + " covariances");
    }
    double sum = 0;
    for (int i = 0; i < k; i++) {
      if (!(weights[i] > 0) || !Double.isFinite(weights[i])) {
        throw new IllegalArgumentException("weight " + i + " must be positive and finite, got " + weights[i]);
      }
      sum += weights[i];
    }
    if (Math.abs(sum - 1.0) > 1e-9) {
      throw new IllegalArgumentException("weights must sum to 1 (within 1e-9), got " + sum);
    }
    if (means[0] == null || means[0].length == 0) {
      throw new IllegalArgumentException("mean 0 is empty: the dimension must be at least 1");
    }
    int d = means[0].length;
    this.weights = new double[k];
    this.means = new double[k][];
    this.covariances = new double[k][d][d];
    this.eigenvalues = new double[k][];
    this.eigenbasis = new double[k][];
    for (int c = 0; c < k; c++) {
      this.weights[c] = weights[c] / sum;
      if (means[c] == null || means[c].length != d) {
        throw new IllegalArgumentException("mean " + c + " has dimension "
            + (means[c] == null ? 0 : means[c].length) + ", expected " + d + " like mean 0");
      }
      for (int j = 0; j < d; j++) {
        if (!Double.isFinite(means[c][j])) {
          throw new IllegalArgumentException("mean " + c + " has a non-finite entry " + means[c][j]);
        }
      }
      this.means[c] = means[c].clone();
      copyCovariance(c, covariances[c], d);
      decompose(c, d);
    }
  }

  private void copyCovariance(int c, double[][] cov, int d) {
    if (cov == null || cov.length != d) {
      throw new IllegalArgumentException("covariance " + c + " must be " + d + " x " + d + ", has "
          + (cov == null ? 0 : cov.length) + " rows");
    }
    double scale = 0;
    for (int i = 0; i < d; i++) {
      if (cov[i] == null || cov[i].length != d) {
        throw new IllegalArgumentException("covariance " + c + " must be " + d + " x " + d + ", row " + i
            + " has " + (cov[i] == null ? 0 : cov[i].length) + " entries");
      }
      for (int j = 0; j < d; j++) {
        if (!Double.isFinite(cov[i][j])) {
          throw new IllegalArgumentException("covariance " + c + " has a non-finite entry at (" + i + ", " + j + ")");
        }
        scale = Math.max(scale, Math.abs(cov[i][j]));
      }
    }
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        if (Math.abs(cov[i][j] - cov[j][i]) > 1e-9 * scale) {
          throw new IllegalArgumentException("covariance " + c + " is not symmetric: entry (" + i + ", " + j
              + ") = " + cov[i][j] + " but (" + j + ", " + i + ") = " + cov[j][i]);
        }
        covariances[c][i][j] = 0.5 * (cov[i][j] + cov[j][i]);
      }
    }
  }

  private void decompose(int c, int d) {
    EigenDecomposition eig = new EigenDecomposition(new Array2DRowRealMatrix(covariances[c], false));
    double[] l = eig.getRealEigenvalues();
    double max = 0;
    double min = Double.POSITIVE_INFINITY;
    for (double v : l) {
      max = Math.max(max, v);
      min = Math.min(min, v);
    }
    if (!(min > 1e-14 * max) || !(max > 0)) {
      throw new IllegalArgumentException("covariance " + c + " is not positive definite: smallest eigenvalue "
          + min + ", largest " + max);
    }
    double[] basis = new double[d * d];
    for (int j = 0; j < d; j++) {
      double[] u = eig.getEigenvector(j).toArray();
      System.arraycopy(u, 0, basis, j * d, d);
    }
    eigenvalues[c] = l.clone();
    eigenbasis[c] = basis;
  }

  /** The dimension D of the data. */
  public int dimension() {
    return means[0].length;
  }

  /** The number K of components. */
  public int components() {
    return weights.length;
  }

  /** The normalised weights (a copy). */
  public double[] weights() {
    return weights.clone();
  }

  /** The weight of component k. */
  public double weight(int k) {
    return weights[k];
  }

  /** The means, K x D (a copy). */
  public double[][] means() {
    double[][] m = new double[means.length][];
    for (int k = 0; k < m.length; k++) {
      m[k] = means[k].clone();
    }
    return m;
  }

  /** The mean of component k (a copy). */
  public double[] mean(int k) {
    return means[k].clone();
  }

  /** The covariances, K x D x D (a copy). */
  public double[][][] covariances() {
    double[][][] c = new double[covariances.length][][];
    for (int k = 0; k < c.length; k++) {
      c[k] = covariance(k);
    }
    return c;
  }

  /** The covariance of component k (a copy). */
  public double[][] covariance(int k) {
    double[][] c = new double[covariances[k].length][];
    for (int i = 0; i < c.length; i++) {
      c[i] = covariances[k][i].clone();
    }
    return c;
  }

  /** The eigenvalues of covariance k (a copy), in the order of {@link #eigenvectors}. */
  public double[] eigenvalues(int k) {
    return eigenvalues[k].clone();
  }

  /** The unit eigenvectors of covariance k, one per row (a copy). */
  public double[][] eigenvectors(int k) {
    int d = dimension();
    double[][] u = new double[d][];
    for (int j = 0; j < d; j++) {
      u[j] = Arrays.copyOfRange(eigenbasis[k], j * d, (j + 1) * d);
    }
    return u;
  }

  double[] rawMean(int k) {
    return means[k];
  }

  double[] rawEigenvalues(int k) {
    return eigenvalues[k];
  }

  /** U_k^T as a flat row-major D x D array: row j is the j-th eigenvector. Not copied. */
  double[] rawEigenbasis(int k) {
    return eigenbasis[k];
  }

  /** log p(x) of the mixture itself (time zero, no noise) for every row of x [N, D]; returns [N]. */
  public INDArray logDensity(INDArray x) {
    return MixtureKernel.logDensity(this, x, 1.0, 0.0);
  }

  /** For every row of x [N, D], the component with the largest posterior probability. */
  public int[] mostLikelyComponents(INDArray x) {
    return MixtureKernel.mostLikely(this, x, 1.0, 0.0);
  }

  /** Draws n points, [n, D] in the given type, reproducibly from the seed. */
  public INDArray sample(int n, long seed, DataType type) {
    return sampleWithComponents(n, seed, type).points();
  }

  /** The components of the n points that {@link #sample} draws with the same seed. */
  public int[] sampleComponents(int n, long seed) {
    return sampleWithComponents(n, seed, DataType.DOUBLE).components();
  }

  /** Draws n points with the component each came from, reproducibly from the seed. */
  public LabelledSample sampleWithComponents(int n, long seed, DataType type) {
    if (n < 0) {
      throw new IllegalArgumentException("sample size must be non-negative, got " + n);
    }
    int d = dimension();
    int k = components();
    double[] cumulative = new double[k];
    double acc = 0;
    for (int c = 0; c < k; c++) {
      acc += weights[c];
      cumulative[c] = acc;
    }
    Random rng = new Random(seed);
    double[] out = new double[n * d];
    int[] labels = new int[n];
    double[] z = new double[d];
    for (int i = 0; i < n; i++) {
      double u = rng.nextDouble() * acc;
      int c = 0;
      while (c < k - 1 && u >= cumulative[c]) {
        c++;
      }
      labels[i] = c;
      for (int j = 0; j < d; j++) {
        z[j] = rng.nextGaussian() * Math.sqrt(eigenvalues[c][j]);
      }
      int off = i * d;
      System.arraycopy(means[c], 0, out, off, d);
      double[] basis = eigenbasis[c];
      for (int j = 0; j < d; j++) {
        double zj = z[j];
        int row = j * d;
        for (int m = 0; m < d; m++) {
          out[off + m] += zj * basis[row + m];
        }
      }
    }
    INDArray points = Nd4j.create(out, new long[] {n, d}, 'c');
    return new LabelledSample(type == DataType.DOUBLE ? points : points.castTo(type), labels);
  }

  /** Sample points [n, D] with the index of the component that drew each. */
  public record LabelledSample(INDArray points, int[] components) {}

  /**
   * A random mixture at a data scale of about 1, for exact tests: means spread over [-2, 2]^D as far
   * apart as a best-of-64-candidates draw allows; covariances with random rotations (full matrices)
   * and eigenvalues drawn uniformly in [0.05, 0.5], the upper end lowered so that every standard
   * deviation is at most a fifth of the smallest distance between means (and the lower end to half
   * the upper where that is below 0.05, as with many components in one dimension), so condition
   * numbers stay at most 10; weights within a factor 2 of each other.
   */
  public static GaussianMixture random(int components, int dimension, Random rng) {
    if (components < 1 || dimension < 1) {
      throw new IllegalArgumentException("random mixture needs components >= 1 and dimension >= 1, got "
          + components + ", " + dimension);
    }
    double[][] mu = new double[components][dimension];
    double minSeparation = Double.POSITIVE_INFINITY;
    for (int c = 0; c < components; c++) {
      double best = -1;
      for (int candidate = 0; candidate < 64; candidate++) {
        double[] p = new double[dimension];
        for (int j = 0; j < dimension; j++) {
          p[j] = -2 + 4 * rng.nextDouble();
        }
        double nearest = Double.POSITIVE_INFINITY;
        for (int o = 0; o < c; o++) {
          nearest = Math.min(nearest, distance(p, mu[o]));
        }
        if (nearest > best) {
          best = nearest;
          mu[c] = p;
        }
        if (c == 0) {
          break;
        }
      }
      if (c > 0) {
        minSeparation = Math.min(minSeparation, best);
      }
    }
    double lmax = Math.min(0.5, minSeparation * minSeparation / 25);
    double lmin = Math.min(0.05, lmax / 2);
    double[] w = new double[components];
    double sum = 0;
    for (int c = 0; c < components; c++) {
      w[c] = 1 + rng.nextDouble();
      sum += w[c];
    }
    double[][][] cov = new double[components][][];
    for (int c = 0; c < components; c++) {
      w[c] /= sum;
      double[][] g = new double[dimension][dimension];
      for (int i = 0; i < dimension; i++) {
        for (int j = 0; j < dimension; j++) {
          g[i][j] = rng.nextGaussian();
        }
      }
      RealMatrix q = new QRDecomposition(new Array2DRowRealMatrix(g, false)).getQ();
      double[] l = new double[dimension];
      for (int j = 0; j < dimension; j++) {
        l[j] = lmin + (lmax - lmin) * rng.nextDouble();
      }
      double[][] s = new double[dimension][dimension];
      for (int i = 0; i < dimension; i++) {
        for (int j = 0; j <= i; j++) {
          double v = 0;
          for (int m = 0; m < dimension; m++) {
            v += q.getEntry(i, m) * l[m] * q.getEntry(j, m);
          }
          s[i][j] = v;
          s[j][i] = v;
        }
      }
      cov[c] = s;
    }
    return new GaussianMixture(w, mu, cov);
  }

  private static double distance(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      s += d * d;
    }
    return Math.sqrt(s);
  }

  /** A JSON parse problem in one line, without the parser's echo of the whole input. */
  private static String jsonProblem(IOException e) {
    if (!(e instanceof JsonProcessingException p)) {
      return String.valueOf(e.getMessage()).replaceAll("\\s+", " ");
    }
    String m = String.valueOf(p.getOriginalMessage());
    int echo = m.indexOf(" (start marker at");
    m = (echo > 0 ? m.substring(0, echo) : m).replaceAll("\\s+", " ");
    var at = p.getLocation();
    return at == null ? m : m + " at line " + at.getLineNr() + ", column " + at.getColumnNr();
  }

  /**
   * Reads {"weights":[..], "means":[[..]..], "covariances":[[[..]..]..]}; other fields are ignored.
   *
   * @throws IllegalArgumentException on malformed JSON, a missing field or invalid parameters
   */
  public static GaussianMixture fromJson(String json) {
    Object root;
    try (JsonParser p = JSON.createParser(json)) {
      root = read(p, p.nextToken());
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("Gaussian mixture JSON has content after the object");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("Gaussian mixture JSON is malformed: " + jsonProblem(e), e);
    }
    if (!(root instanceof Map<?, ?> fields)) {
      throw new IllegalArgumentException("Gaussian mixture JSON must be an object with weights, means, covariances");
    }
    double[] w = vector(field(fields, "weights"), "weights");
    List<?> m = field(fields, "means");
    double[][] mu = new double[m.size()][];
    for (int k = 0; k < mu.length; k++) {
      mu[k] = vector(m.get(k), "means[" + k + "]");
    }
    List<?> c = field(fields, "covariances");
    double[][][] cov = new double[c.size()][][];
    for (int k = 0; k < cov.length; k++) {
      if (!(c.get(k) instanceof List<?> rows)) {
        throw new IllegalArgumentException("covariances[" + k + "] must be an array of rows");
      }
      cov[k] = new double[rows.size()][];
      for (int i = 0; i < rows.size(); i++) {
        cov[k][i] = vector(rows.get(i), "covariances[" + k + "][" + i + "]");
      }
    }
    return new GaussianMixture(w, mu, cov);
  }

  /** A JSON value as Map, List, Double, String, Boolean or null (the streaming API keeps this class free of databind). */
  private static Object read(JsonParser p, JsonToken token) throws IOException {
    if (token == null) {
      throw new IllegalArgumentException("Gaussian mixture JSON is empty or truncated");
    }
    switch (token) {
      case START_OBJECT: {
        Map<String, Object> map = new LinkedHashMap<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
          String name = p.getCurrentName();
          map.put(name, read(p, p.nextToken()));
        }
        return map;
      }
      case START_ARRAY: {
        List<Object> list = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
          list.add(read(p, t));
        }
        return list;
      }
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return p.getDoubleValue();
      case VALUE_STRING:
        return p.getText();
      case VALUE_TRUE:
      case VALUE_FALSE:
        return token == JsonToken.VALUE_TRUE;
      case VALUE_NULL:
        return null;
      default:
        throw new IllegalArgumentException("Gaussian mixture JSON has an unexpected " + token);
    }
  }

  private static List<?> field(Map<?, ?> root, String name) {
    if (!(root.get(name) instanceof List<?> list)) {
      throw new IllegalArgumentException("Gaussian mixture JSON needs an array field '" + name + "'");
    }
    return list;
  }

  private static double[] vector(Object node, String where) {
    if (!(node instanceof List<?> list)) {
      throw new IllegalArgumentException(where + " must be an array of numbers");
    }
    double[] v = new double[list.size()];
    for (int i = 0; i < v.length; i++) {
      if (!(list.get(i) instanceof Double e)) {
        throw new IllegalArgumentException(where + "[" + i + "] must be a number, got " + list.get(i));
      }
      v[i] = e;
    }
    return v;
  }

  /** This mixture as {"weights":[..], "means":[[..]..], "covariances":[[[..]..]..]}, exact to the last bit. */
  public String toJson() {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeFieldName("weights");
      g.writeArray(weights, 0, weights.length);
      g.writeArrayFieldStart("means");
      for (double[] m : means) {
        g.writeArray(m, 0, m.length);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("covariances");
      for (double[][] c : covariances) {
        g.writeStartArray();
        for (double[] row : c) {
          g.writeArray(row, 0, row.length);
        }
        g.writeEndArray();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a Gaussian mixture as JSON", e);
    }
    return out.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GaussianMixture g
        && Arrays.equals(weights, g.weights)
        && Arrays.deepEquals(means, g.means)
        && Arrays.deepEquals(covariances, g.covariances);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(weights) + Arrays.deepHashCode(means)) + Arrays.deepHashCode(covariances);
  }

  @Override
  public String toString() {
    return "GaussianMixture(K=" + components() + ", D=" + dimension() + ")";
  }

  static double log2Pi() {
    return LOG_2PI;
  }
}
