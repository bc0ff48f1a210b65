package org.scoresde.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.scoresde.config.UserError;
import org.scoresde.data.DataTransform;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.score.EmpiricalOptimalScore;
import org.scoresde.score.GaussianMixture;
import org.scoresde.score.GaussianMixtureScore;
import org.scoresde.score.ScoreModel;
import org.scoresde.sde.Sde;

/**
 * A model as the jobs name it — a trained {@code model.zip}, an analytic {@code gmm:FILE.json} with
 * an SDE, or the empirical optimal score of a data set ({@code empirical:DATA}, its points read by
 * the Spark side) — read once on the driver and carried to executors in a broadcast, where
 * {@link #open()} rebuilds the ScoreModel. Executors never need to see the driver's files.
 */
public final class ModelSource implements Serializable {
  private static final long serialVersionUID = 1L;
  private final String name;
  private final HadoopModelFiles.Bytes modelBytes;
  private transient ModelMetadata metadata;
  private final String mixtureJson;
  private final EmpiricalPoints empirical;
  private final Sde exactSde;

  /** The points of an empirical model in model space, row after row, with their shape and transform. */
  private record EmpiricalPoints(float[] values, int[] shape, DataTransform transform) implements Serializable {
    int dimension() {
      return shape[0] * shape[1] * shape[2];
    }
  }

  private ModelSource(String name, HadoopModelFiles.Bytes modelBytes, String mixtureJson, EmpiricalPoints empirical,
      Sde exactSde) {
    this.name = name;
    this.modelBytes = modelBytes;
    this.mixtureJson = mixtureJson;
    this.empirical = empirical;
    this.exactSde = exactSde;
  }

  /**
   * The empirical optimal score of points ({@code values}: model-space rows of C*H*W values for
   * {@code shape}), diffused by {@code sde}: the optimum of denoising score matching on exactly those
   * points, which reproduces them when sampled (the memorization limit). The caller has checked that
   * the user chose an SDE.
   */
  public static ModelSource empirical(String name, float[] values, int[] shape, DataTransform transform, Sde sde) {
    Objects.requireNonNull(sde, "an empirical model needs an SDE");
    EmpiricalPoints points = new EmpiricalPoints(values.clone(), shape.clone(), transform);
    if (values.length == 0 || values.length % points.dimension() != 0) {
      throw new IllegalArgumentException("empirical points: " + values.length + " values for points of shape "
          + java.util.Arrays.toString(shape));
    }
    return new ModelSource(name, null, null, points, sde);
  }

  /**
   * Reads {@code spec}: {@code gmm:FILE.json} (then {@code sde} is required) or a model file path
   * ({@code empirical:DATA} needs Spark to read its points: {@code spark.ModelSources}).
   * A trained model carries its own SDE; passing one for it is refused rather than ignored.
   */
  public static ModelSource read(String spec, Sde sde, Configuration conf) {
    if (spec.startsWith("gmm:")) {
      String file = spec.substring(4);
      if (sde == null) {
        throw new UserError("model " + spec + " is an analytic mixture: choose its SDE with --sde vp|subvp|ve");
      }
      String json = readText(file, conf);
      try {
        GaussianMixture.fromJson(json);
      } catch (IllegalArgumentException e) {
        throw new UserError("mixture " + file + ": " + e.getMessage());
      }
      return new ModelSource(spec, null, json, null, sde);
    }
    if (sde != null) {
      throw new UserError("--sde applies only to gmm: and empirical: models; " + spec + " carries its own SDE");
    }
    try {
      Path p = new Path(spec);
      HadoopModelFiles.Bytes bytes = HadoopModelFiles.read(p.getFileSystem(conf), p);
      ModelSource source = new ModelSource(spec, bytes, null, null, null);
      source.metadata = HadoopModelFiles.open(bytes, spec).metadata();
      return source;
    } catch (IOException e) {
      throw new UserError("cannot read model " + spec + ": " + e.getMessage());
    }
  }

  public String name() {
    return name;
  }

  public boolean isMixture() {
    return mixtureJson != null;
  }

  /** An exact score (a mixture or a data set's empirical score), computed in double precision, not a network. */
  public boolean isExact() {
    return exactSde != null;
  }

  /** The metadata of a trained model (absent for exact scores). */
  public ModelMetadata metadata() {
    if (modelBytes == null) {
      return null;
    }
    if (metadata == null) {
      metadata = HadoopModelFiles.open(modelBytes, name).metadata();
    }
    return metadata;
  }

  /** How examples become model inputs: the trained model's own, identity for mixtures, the data's for empirical scores. */
  public DataTransform transform() {
    if (empirical != null) {
      return empirical.transform();
    }
    return isMixture() ? DataTransform.identity() : metadata().dataTransform();
  }

  /** The data shape {channels, height, width} the model expects. */
  public int[] shape() {
    if (empirical != null) {
      return empirical.shape().clone();
    }
    if (isMixture()) {
      return new int[] {1, 1, GaussianMixture.fromJson(mixtureJson).dimension()};
    }
    var n = metadata().network();
    return new int[] {n.channels(), n.height(), n.width()};
  }

  public Sde sde() {
    return isExact() ? exactSde : metadata().sde();
  }

  /** Builds the score model (on the driver or an executor). */
  public ScoreModel open() {
    if (empirical != null) {
      int d = empirical.dimension();
      return new EmpiricalOptimalScore(Nd4j.create(empirical.values(), new long[] {empirical.values().length / d, d}, 'c'), exactSde);
    }
    if (isMixture()) {
      return new GaussianMixtureScore(GaussianMixture.fromJson(mixtureJson), exactSde);
    }
    return HadoopModelFiles.open(modelBytes, name).scoreModel();
  }

  private static String readText(String file, Configuration conf) {
    try {
      Path p = new Path(file);
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.exists(p)) {
        throw new UserError("file " + file + " does not exist");
      }
      try (InputStream in = fs.open(p)) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UserError("cannot read " + file + ": " + e.getMessage());
    }
  }
}
