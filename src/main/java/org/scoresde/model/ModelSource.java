package org.scoresde.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.scoresde.cli.UserError;
import org.scoresde.nn.DataTransform;
import org.scoresde.nn.ModelMetadata;
import org.scoresde.score.GaussianMixture;
import org.scoresde.score.GaussianMixtureScore;
import org.scoresde.score.ScoreModel;
import org.scoresde.sde.Sde;

/**
 * A model as the jobs name it — a trained {@code model.zip} or an analytic {@code gmm:FILE.json}
 * with an SDE — read once on the driver and carried to executors as bytes (small: a broadcast),
 * where {@link #open()} rebuilds the ScoreModel. Executors never need to see the driver's files.
 */
public final class ModelSource implements Serializable {
  private static final long serialVersionUID = 1L;
  private final String name;
  private final HadoopModelFiles.Bytes modelBytes;
  private transient ModelMetadata metadata;
  private final String mixtureJson;
  private final Sde mixtureSde;

  private ModelSource(String name, HadoopModelFiles.Bytes modelBytes, String mixtureJson, Sde mixtureSde) {
    this.name = name;
    this.modelBytes = modelBytes;
    this.mixtureJson = mixtureJson;
    this.mixtureSde = mixtureSde;
  }

  /**
   * Reads {@code spec}: {@code gmm:FILE.json} (then {@code sde} is required) or a model file path.
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
      return new ModelSource(spec, null, json, sde);
    }
    if (sde != null) {
      throw new UserError("--sde applies only to gmm: models; " + spec + " carries its own SDE");
    }
    try {
      Path p = new Path(spec);
      HadoopModelFiles.Bytes bytes = HadoopModelFiles.read(p.getFileSystem(conf), p);
      ModelSource source = new ModelSource(spec, bytes, null, null);
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

  /** The metadata of a trained model (absent for mixtures). */
  public ModelMetadata metadata() {
    if (modelBytes == null) {
      return null;
    }
    if (metadata == null) {
      metadata = HadoopModelFiles.open(modelBytes, name).metadata();
    }
    return metadata;
  }

  /** How examples become model inputs: the trained model's own, identity for mixtures. */
  public DataTransform transform() {
    return isMixture() ? DataTransform.identity() : metadata().dataTransform();
  }

  /** The data shape {channels, height, width} the model expects. */
  public int[] shape() {
    if (isMixture()) {
      return new int[] {1, 1, GaussianMixture.fromJson(mixtureJson).dimension()};
    }
    var n = metadata().network();
    return new int[] {n.channels(), n.height(), n.width()};
  }

  public Sde sde() {
    return isMixture() ? mixtureSde : metadata().sde();
  }

  /** Builds the score model (on the driver or an executor). */
  public ScoreModel open() {
    if (isMixture()) {
      return new GaussianMixtureScore(GaussianMixture.fromJson(mixtureJson), mixtureSde);
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
