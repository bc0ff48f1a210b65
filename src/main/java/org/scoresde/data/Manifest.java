package org.scoresde.data;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@code manifest.json} of a sharded dataset, the contract train and evaluate read to learn what the
 * shards hold without scanning them: the example count and shape, the encoding (8-bit pixels or float
 * vectors), the shard files with their row counts, per-channel mean and standard deviation (in the
 * units of the stored values: 0..255 for pixels), the label counts, and a content checksum
 * ({@link RowDigest}) that identifies the data whatever the shard count or seed. {@code range} [FROM, TO]
 * is present when the shards hold a {@link Slice} of the input's seeded shuffle (then {@code seed} chose it).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Manifest(
    @JsonProperty("version") int version,
    @JsonProperty("format") String format,
    @JsonProperty("encoding") String encoding,
    @JsonProperty("count") long count,
    @JsonProperty("height") int height,
    @JsonProperty("width") int width,
    @JsonProperty("channels") int channels,
    @JsonProperty("shards") int shards,
    @JsonProperty("shard_files") List<ShardFile> shardFiles,
    @JsonProperty("split") String split,
    @JsonProperty("seed") long seed,
    @JsonProperty("mean") List<Double> mean,
    @JsonProperty("std") List<Double> std,
    @JsonProperty("label_counts") Map<Integer, Long> labelCounts,
    @JsonProperty("classes") List<String> classes,
    @JsonProperty("checksum") String checksum,
    @JsonProperty("checksum_algorithm") String checksumAlgorithm,
    @JsonProperty("sources") List<String> sources,
    @JsonProperty("range") List<Long> range) {

  public static final String FILE_NAME = "manifest.json";
  public static final int VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  /**
   * One shard: its file name inside the dataset directory, its row count and its size in bytes
   * (null in manifests written before sizes were recorded), by which readers detect a truncated file.
   */
  public record ShardFile(@JsonProperty("file") String file, @JsonProperty("rows") long rows, @JsonProperty("bytes") Long bytes) {
    public ShardFile(String file, long rows) {
      this(file, rows, null);
    }
  }

  public Manifest {
    shardFiles = shardFiles == null ? null : List.copyOf(shardFiles);
    mean = mean == null ? null : List.copyOf(mean);
    std = std == null ? null : List.copyOf(std);
    labelCounts = labelCounts == null ? null : new TreeMap<>(labelCounts);
    classes = classes == null ? null : List.copyOf(classes);
    sources = sources == null ? null : List.copyOf(sources);
    range = range == null ? null : List.copyOf(range);
  }

  @JsonIgnore
  public Encoding encodingType() {
    return Encoding.of(encoding);
  }

  /** True for 8-bit images (dequantize for likelihoods), false for continuous vectors. */
  @JsonIgnore
  public boolean isImage() {
    return encodingType() == Encoding.UINT8;
  }

  /** Values per example: channels x height x width. */
  @JsonIgnore
  public int dimension() {
    return channels * height * width;
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render the manifest as JSON", e);
    }
  }

  /** Parses and checks a manifest; an {@link IllegalArgumentException} says what is wrong. */
  public static Manifest fromJson(String json) {
    Manifest m;
    try {
      m = JSON.readValue(json, Manifest.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a valid manifest: " + e.getOriginalMessage());
    }
    if (m == null) {
      throw new IllegalArgumentException("not a valid manifest: empty");
    }
    m.check();
    return m;
  }

  private void check() {
    if (version != VERSION) {
      throw new IllegalArgumentException("manifest version " + version + " is not supported (expected " + VERSION + ")");
    }
    if (format == null || encoding == null || checksum == null || shardFiles == null) {
      throw new IllegalArgumentException("manifest lacks one of format, encoding, checksum, shard_files");
    }
    Encoding.of(encoding);
    if (count < 1 || height < 1 || width < 1 || channels < 1 || shards != shardFiles.size()) {
      throw new IllegalArgumentException("manifest has an impossible count, shape or shard list");
    }
    long rows = shardFiles.stream().mapToLong(ShardFile::rows).sum();
    if (rows != count) {
      throw new IllegalArgumentException("manifest's shard files hold " + rows + " rows but its count is " + count);
    }
    if (range != null && (range.size() != 2 || range.get(0) == null || range.get(1) == null
        || range.get(1) - range.get(0) != count)) {
      throw new IllegalArgumentException("manifest's range " + range + " does not span its count " + count);
    }
  }

  /** Writes this manifest to {@code file} (replacing it). */
  public void write(FileSystem fs, Path file) throws IOException {
    try (OutputStream out = fs.create(file, true)) {
      out.write(toJson().getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Reads and checks the manifest at {@code file}. */
  public static Manifest read(FileSystem fs, Path file) throws IOException {
    try (InputStream in = fs.open(file)) {
      return fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }
}
