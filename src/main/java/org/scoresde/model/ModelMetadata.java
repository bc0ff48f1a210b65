package org.scoresde.model;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.scoresde.data.DataTransform;
import org.scoresde.nn.ScoreNetworkConfig;
import org.scoresde.sde.Sde;
import org.scoresde.sde.Sdes;

/**
 * The provenance stored in every model file beside the network's weights: enough for evaluation
 * and sampling jobs to rebuild the score model from the file alone, and to say where it came from.
 *
 * @param formatVersion the model file format version ({@link ModelFile#FORMAT_VERSION} when written)
 * @param sdeName the SDE's short name (vp, subvp, ve)
 * @param sdeParameters the SDE's parameters by name
 * @param dataTransform how raw data maps to the network's input space
 * @param network the network architecture (including the data shape and time embedding)
 * @param trainingConfig the effective training configuration, as text (may be empty)
 * @param dataManifestSha256 the SHA-256 of the training data's manifest (may be empty)
 * @param projectVersion the version of score-sde-spark that wrote the file
 */
public record ModelMetadata(
    int formatVersion,
    String sdeName,
    Map<String, Double> sdeParameters,
    DataTransform dataTransform,
    ScoreNetworkConfig network,
    String trainingConfig,
    String dataManifestSha256,
    String projectVersion) {

  public ModelMetadata {
    Objects.requireNonNull(sdeName, "sdeName");
    Objects.requireNonNull(dataTransform, "dataTransform");
    Objects.requireNonNull(network, "network");
    sdeParameters = java.util.Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(sdeParameters, "sdeParameters")));
    trainingConfig = trainingConfig == null ? "" : trainingConfig;
    dataManifestSha256 = dataManifestSha256 == null ? "" : dataManifestSha256;
    projectVersion = projectVersion == null ? "" : projectVersion;
  }

  /** Metadata for a model of {@code sde} written by this build. */
  public static ModelMetadata of(Sde sde, DataTransform transform, ScoreNetworkConfig network, String trainingConfig,
      String dataManifestSha256) {
    return new ModelMetadata(ModelFile.FORMAT_VERSION, sde.name(), sde.parameters(), transform, network,
        trainingConfig, dataManifestSha256, currentProjectVersion());
  }

  /** The SDE this model's score belongs to. */
  public Sde sde() {
    return Sdes.create(sdeName, sdeParameters);
  }

  /** The version in the project jar's manifest, or "dev" when running from classes. */
  public static String currentProjectVersion() {
    String v = ModelMetadata.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
