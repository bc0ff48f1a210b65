package org.scoresde.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.learning.config.NoOp;
import org.scoresde.io.ChecksumFile;
import org.scoresde.model.NetworkScoreModel;
import org.scoresde.nn.ScoreNetworkBuilder;

/**
 * A trained score network with everything needed to use it, in one zip: DL4J's serialized graph
 * (configuration, parameters, optionally the updater state for resuming) plus the entry
 * {@value #METADATA_ENTRY} ({@link ModelMetadata}: SDE, data transform, network configuration,
 * training configuration, data manifest checksum, project version). Its SHA-256 is written beside
 * it ({@code model.zip.sha256}); readers verify it first and refuse a missing, corrupt, modified or
 * foreign file with a {@link ModelFileException} that names the file and the problem.
 *
 * <p>Byte-level methods serve jobs that move model bytes through Hadoop file systems themselves.
 */
public final class ModelFile {
  /** The model file format this build writes and reads. */
  public static final int FORMAT_VERSION = 1;
  /** The zip entry holding the metadata JSON. */
  public static final String METADATA_ENTRY = "scoresde/metadata.json";

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private ModelFile() {}

  /** A network read from a model file, with its metadata. */
  public record Model(ComputationGraph graph, ModelMetadata metadata) {
    /** The network behind the ScoreModel seam, with the model's own SDE. */
    public NetworkScoreModel scoreModel() {
      return new NetworkScoreModel(graph, metadata.network(), metadata.sde());
    }
  }

  /** The metadata as JSON text. */
  public static String toJson(ModelMetadata metadata) {
    try {
      return JSON.writeValueAsString(metadata);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write model metadata as JSON", e);
    }
  }

  /** Metadata from JSON text. */
  public static ModelMetadata metadataFromJson(String json) throws IOException {
    return JSON.readValue(json, ModelMetadata.class);
  }

  /** The model file's bytes: the DL4J graph zip with the metadata entry added. */
  public static byte[] toBytes(ComputationGraph graph, ModelMetadata metadata, boolean withUpdater) throws IOException {
    ByteArrayOutputStream dl4j = new ByteArrayOutputStream();
    ModelSerializer.writeModel(graph, dl4j, withUpdater);
    ByteArrayOutputStream out = new ByteArrayOutputStream(dl4j.size() + 4096);
    try (ZipOutputStream zip = new ZipOutputStream(out);
        ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(dl4j.toByteArray()))) {
      zip.putNextEntry(new ZipEntry(METADATA_ENTRY));
      zip.write(toJson(metadata).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      zip.closeEntry();
      ZipEntry e;
      while ((e = in.getNextEntry()) != null) {
        zip.putNextEntry(new ZipEntry(e.getName()));
        in.transferTo(zip);
        zip.closeEntry();
      }
    }
    return out.toByteArray();
  }

  /**
   * Writes the model to {@code file} (through a temporary file and a rename, so no half-written
   * model is ever visible) and its checksum beside it; returns the SHA-256.
   */
  public static String save(Path file, ComputationGraph graph, ModelMetadata metadata, boolean withUpdater)
      throws IOException {
    byte[] bytes = toBytes(graph, metadata, withUpdater);
    String sha = ChecksumFile.sha256(bytes);
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
    try {
      Files.write(tmp, bytes);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    ChecksumFile.write(file, sha);
    return sha;
  }

  /** Loads a verified model without its updater state (for evaluation and sampling). */
  public static Model load(Path file) throws IOException {
    return load(file, false);
  }

  /** Loads a verified model; {@code withUpdater} restores the optimizer state too (for resuming training). */
  public static Model load(Path file, boolean withUpdater) throws IOException {
    String expected = expectedSha256(file);
    return fromBytes(readAll(file), expected, file.toString(), withUpdater);
  }

  /** The verified metadata of a model file, without restoring its network. */
  public static ModelMetadata readMetadata(Path file) throws IOException {
    String expected = expectedSha256(file);
    byte[] bytes = readAll(file);
    verify(bytes, expected, file.toString());
    return metadata(bytes, file.toString());
  }

  /**
   * A model from its bytes, refused unless their SHA-256 is {@code expectedSha256}; {@code what}
   * names the source in error messages.
   */
  public static Model fromBytes(byte[] bytes, String expectedSha256, String what, boolean withUpdater)
      throws ModelFileException {
    verify(bytes, expectedSha256, what);
    ModelMetadata metadata = metadata(bytes, what);
    ComputationGraph graph;
    try {
      graph = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes), withUpdater);
    } catch (Exception e) {
      throw new ModelFileException(what + ": the network inside cannot be restored: " + e.getMessage(), e);
    }
    long expectedParams = parameterCount(new ScoreNetworkBuilder(metadata.network()).training(new NoOp(),
        graph.params().dataType()));
    if (graph.numParams() != expectedParams) {
      throw new ModelFileException(what + ": the network has " + graph.numParams()
          + " parameters but its metadata describes a network with " + expectedParams);
    }
    return new Model(graph, metadata);
  }

  private static long parameterCount(ComputationGraphConfiguration conf) {
    return conf.getVertices().values().stream().mapToLong(v -> v.numParams(true)).sum();
  }

  private static ModelMetadata metadata(byte[] bytes, String what) throws ModelFileException {
    byte[] json = null;
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(bytes))) {
      ZipEntry e;
      while ((e = in.getNextEntry()) != null) {
        if (e.getName().equals(METADATA_ENTRY)) {
          json = in.readAllBytes();
          break;
        }
      }
    } catch (ZipException e) {
      throw new ModelFileException(what + " is not a score-sde model file: not a readable zip archive (" + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new ModelFileException(what + " cannot be read: " + e.getMessage(), e);
    }
    if (json == null) {
      throw new ModelFileException(what + " is not a score-sde model file: it has no " + METADATA_ENTRY + " entry");
    }
    ModelMetadata metadata;
    try {
      metadata = metadataFromJson(new String(json, java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      throw new ModelFileException(what + ": its metadata " + METADATA_ENTRY + " is unreadable: " + e.getMessage(), e);
    }
    if (metadata.formatVersion() < 1 || metadata.formatVersion() > FORMAT_VERSION) {
      throw new ModelFileException(what + " has model format version " + metadata.formatVersion()
          + "; this build reads versions 1 to " + FORMAT_VERSION);
    }
    return metadata;
  }

  /** The SHA-256 recorded beside {@code file}; a missing or malformed record is a ModelFileException. */
  private static String expectedSha256(Path file) throws IOException {
    try {
      return ChecksumFile.expected(file);
    } catch (ChecksumFile.Untrusted e) {
      throw new ModelFileException(e.getMessage(), e);
    }
  }

  private static void verify(byte[] bytes, String expectedSha256, String what) throws ModelFileException {
    try {
      ChecksumFile.verify(bytes, expectedSha256, what);
    } catch (ChecksumFile.Untrusted e) {
      throw new ModelFileException(e.getMessage(), e);
    }
  }

  private static byte[] readAll(Path file) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ModelFileException("model file " + file + " does not exist");
    }
  }
}
