package org.scoresde.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.scoresde.testing.TinyNetworks;
import org.scoresde.data.DataTransform;
import org.scoresde.io.ChecksumFile;
import org.scoresde.model.NetworkScoreModel;
import org.scoresde.nn.Normalization;
import org.scoresde.nn.Preconditioning;
import org.scoresde.nn.ScoreNetworkBuilder;
import org.scoresde.nn.ScoreNetworkConfig;
import org.scoresde.nn.SingleThreadNd4j;
import org.scoresde.nn.TimeEmbedding;
import org.scoresde.nn.TimeEmbeddingKind;
import org.scoresde.sde.VeSde;

/** Model files round-trip exactly and are refused, with a clear message, when they cannot be trusted. */
@ExtendWith(SingleThreadNd4j.class)
class ModelFileTest {
  @TempDir
  Path dir;

  private static ModelMetadata metadata(ScoreNetworkConfig config) {
    return ModelMetadata.of(new VeSde(0.02, 7.5), DataTransform.pixels8Bit(-1, 1), config,
        "train { lr = 2e-4 }", "ab".repeat(32));
  }

  private static ComputationGraph trainedOneStep(ScoreNetworkConfig config) {
    ComputationGraph graph = new ScoreNetworkBuilder(config).newTrainingGraph(new Adam(1e-3), DataType.DOUBLE);
    Random rng = new Random(3L);
    INDArray x = TinyNetworks.gaussian(rng, 2, 1, 8, 8);
    INDArray temb = TimeEmbedding.of(config).features(TinyNetworks.times(0.2, 0.6));
    graph.fit(new MultiDataSet(new INDArray[] {x, temb}, new INDArray[] {TinyNetworks.gaussian(rng, 2, 64)}));
    return graph;
  }

  @Test
  void roundTripGivesIdenticalModel() throws IOException {
    ScoreNetworkConfig config = TinyNetworks.tinyUnet();
    ComputationGraph graph = trainedOneStep(config);
    ModelMetadata meta = metadata(config);
    Path file = dir.resolve("model.zip");
    String sha = ModelFile.save(file, graph, meta, true);

    assertEquals(ChecksumFile.line(sha, "model.zip"), Files.readString(dir.resolve("model.zip.sha256")));
    assertEquals(sha, ChecksumFile.sha256(file));
    ModelFile.Model loaded = ModelFile.load(file, true);
    assertEquals(meta, loaded.metadata());
    assertEquals("ve", loaded.metadata().sde().name());
    assertEquals(7.5, loaded.metadata().sde().priorStd());
    assertEquals(graph.params(), loaded.graph().params());
    assertEquals(graph.getUpdater().getStateViewArray(), loaded.graph().getUpdater().getStateViewArray());

    NetworkScoreModel before = new NetworkScoreModel(graph, config, meta.sde());
    NetworkScoreModel after = loaded.scoreModel();
    Random rng = new Random(4L);
    INDArray x = TinyNetworks.gaussian(rng, 3, 64);
    INDArray v = TinyNetworks.gaussian(rng, 3, 64);
    INDArray t = TinyNetworks.times(0.1, 0.5, 0.9);
    // Same parameters, same operations: bit-identical outputs.
    assertArrayEquals(before.score(x, t).ravel().toDoubleVector(), after.score(x, t).ravel().toDoubleVector(), 0.0);
    assertArrayEquals(before.vjp(x, t, v).ravel().toDoubleVector(), after.vjp(x, t, v).ravel().toDoubleVector(), 0.0);
    assertEquals(meta, ModelFile.readMetadata(file));
  }

  @Test
  void flippedByteIsRefused() throws IOException {
    Path file = dir.resolve("model.zip");
    ModelFile.save(file, trainedOneStep(TinyNetworks.tinyUnet()), metadata(TinyNetworks.tinyUnet()), false);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(file, bytes);
    ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.load(file));
    assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("corrupt or was modified"), e.getMessage());
  }

  @Test
  void randomFileIsRefusedEvenWithAValidChecksum() throws IOException {
    Path file = dir.resolve("random.zip");
    byte[] noise = new byte[5000];
    new Random(5L).nextBytes(noise);
    Files.write(file, noise);
    ModelFileException missing = assertThrows(ModelFileException.class, () -> ModelFile.load(file));
    assertTrue(missing.getMessage().contains("no checksum file random.zip.sha256"), missing.getMessage());

    ChecksumFile.write(file, ChecksumFile.sha256(file));
    ModelFileException foreign = assertThrows(ModelFileException.class, () -> ModelFile.load(file));
    assertTrue(foreign.getMessage().contains(file.toString()) && foreign.getMessage().contains("not a score-sde model file"),
        foreign.getMessage());
  }

  @Test
  void plainDl4jModelWithoutMetadataIsRefused() throws IOException {
    Path file = dir.resolve("plain.zip");
    ModelSerializer.writeModel(trainedOneStep(TinyNetworks.tinyUnet()), file.toFile(), false);
    ChecksumFile.write(file, ChecksumFile.sha256(file));
    ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.load(file));
    assertTrue(e.getMessage().contains("no " + ModelFile.METADATA_ENTRY), e.getMessage());
  }

  @Test
  void malformedChecksumAndMismatchedNetworkAreRefused() throws IOException {
    ScoreNetworkConfig config = TinyNetworks.tinyUnet();
    ComputationGraph graph = trainedOneStep(config);
    Path file = dir.resolve("m.zip");
    ModelFile.save(file, graph, metadata(config), false);
    Files.writeString(ChecksumFile.besides(file), "not-a-hash  m.zip\n", StandardCharsets.US_ASCII);
    ModelFileException bad = assertThrows(ModelFileException.class, () -> ModelFile.load(file));
    assertTrue(bad.getMessage().contains("m.zip.sha256 does not hold a SHA-256"), bad.getMessage());

    ScoreNetworkConfig wider = new ScoreNetworkConfig(1, 8, 8, false, 8, List.of(1, 2), 1, TimeEmbeddingKind.FOURIER, 8,
        4.0, 8, 0.0, Normalization.GROUP, 32, 7L);
    ModelFile.save(file, graph, metadata(wider), false);
    ModelFileException mismatch = assertThrows(ModelFileException.class, () -> ModelFile.load(file));
    assertTrue(mismatch.getMessage().contains("metadata describes a network"), mismatch.getMessage());
  }

  @Test
  void metadataJsonNamesEveryProvenanceField() throws IOException {
    ModelMetadata meta = metadata(ScoreNetworkConfig.defaultFor(1, 28, 28));
    String json = ModelFile.toJson(meta);
    for (String field : List.of("formatVersion", "sdeName", "sigma_max", "dataTransform", "uniform-dequantized", "network",
        "channelMultipliers", "trainingConfig", "dataManifestSha256", "projectVersion")) {
      assertTrue(json.contains(field), field + " missing from " + json);
    }
    assertEquals(meta, ModelFile.metadataFromJson(json));
  }

  @Test
  void preconditioningRoundTripsAndOldFilesWithoutItPredictTheNoise() throws IOException {
    ModelMetadata skip = metadata(ScoreNetworkConfig.defaultFor(1, 28, 28).withPreconditioning(Preconditioning.of("skip")));
    String json = ModelFile.toJson(skip);
    assertTrue(json.replaceAll("\\s", "").contains("\"preconditioning\":{\"kind\":\"skip\",\"dataStd\":0.5}"), json);
    assertEquals(skip, ModelFile.metadataFromJson(json));
    String old = ModelFile.toJson(metadata(ScoreNetworkConfig.defaultFor(1, 28, 28)))
        .replaceAll(",\\s*\"preconditioning\"\\s*:\\s*\\{[^}]*\\}", "");
    assertTrue(!old.contains("preconditioning"), old);
    assertEquals(Preconditioning.NONE, ModelFile.metadataFromJson(old).network().preconditioning());
  }
}
