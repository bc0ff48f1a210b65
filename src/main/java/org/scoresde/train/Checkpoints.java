package org.scoresde.train;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.config.UserError;
import org.scoresde.io.ChecksumFile;
import org.scoresde.model.HadoopModelFiles;

/**
 * The checkpoints of a training run, {@code OUT/checkpoints/round-NNNNNNNN/}: the training graph
 * with its updater state, the EMA weights, the training state, and a SHA256SUMS file over all
 * three; beside them the model file of that moment ({@code model.zip} with its {@code .sha256},
 * the EMA weights as train writes them at the end), so that any checkpoint can be evaluated or
 * sampled like a finished run (a learning curve). The model file is not read to resume. Each is written into a temporary directory and renamed when complete, so the newest
 * directory is always whole; readers verify the checksums (and the filesystem's own CRCs) and fall
 * back to the newest intact checkpoint, naming each damaged one they pass over.
 */
public final class Checkpoints {
  private static final String NETWORK = "network.zip";
  private static final String EMA = "ema.bin";
  private static final String STATE = "state.json";
  private static final String SUMS = "SHA256SUMS";
  /** The model file of the checkpoint's moment, as a finished run's. */
  public static final String MODEL = "model.zip";
  private final FileSystem fs;
  private final Path dir;
  private final int keep;

  public Checkpoints(FileSystem fs, Path runDir, int keep) {
    if (keep < 1) {
      throw new UserError("train.checkpoint-keep must be at least 1 (0 would delete every checkpoint), got " + keep);
    }
    this.fs = fs;
    this.dir = new Path(runDir, "checkpoints");
    this.keep = keep;
  }

  /** A restored checkpoint, with the newer ones that were damaged and passed over (path: reason). */
  public record Restored(ComputationGraph network, INDArray ema, TrainingState state, Path path, List<String> damaged) {}

  /**
   * Writes a checkpoint for the given state, with {@code model} (the bytes of a model file) as its
   * model.zip, and prunes all but the newest {@code keep}.
   */
  public Path save(ComputationGraph network, INDArray ema, TrainingState state, byte[] model) throws IOException {
    String name = String.format("round-%08d", state.rounds());
    Path target = new Path(dir, name);
    Path tmp = new Path(dir, "." + name + ".tmp");
    fs.delete(tmp, true);
    fs.mkdirs(tmp);
    Map<String, byte[]> files = new LinkedHashMap<>();
    ByteArrayOutputStream net = new ByteArrayOutputStream();
    ModelSerializer.writeModel(network, net, true);
    files.put(NETWORK, net.toByteArray());
    ByteArrayOutputStream emaBytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(emaBytes)) {
      Nd4j.write(ema, out);
    }
    files.put(EMA, emaBytes.toByteArray());
    files.put(STATE, state.toJson().getBytes(StandardCharsets.UTF_8));
    StringBuilder sums = new StringBuilder();
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      write(new Path(tmp, f.getKey()), f.getValue());
      sums.append(sha256(f.getValue())).append("  ").append(f.getKey()).append('\n');
    }
    write(new Path(tmp, SUMS), sums.toString().getBytes(StandardCharsets.UTF_8));
    HadoopModelFiles.write(fs, new Path(tmp, MODEL), model);
    fs.delete(target, true);
    if (!fs.rename(tmp, target)) {
      throw new IOException("cannot rename " + tmp + " to " + target);
    }
    prune();
    return target;
  }

  /** The newest complete checkpoint directory, unverified, or empty when none was written. */
  public Optional<Path> newestPath() throws IOException {
    List<Path> all = complete();
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  /**
   * The newest intact checkpoint, or empty when none was written. A checkpoint whose checksums or
   * contents fail is passed over for the one before it; when every one fails, that is an error
   * naming each.
   */
  public Optional<Restored> newest() throws IOException {
    List<Path> all = complete();
    if (all.isEmpty()) {
      return Optional.empty();
    }
    List<String> damaged = new ArrayList<>();
    for (int i = all.size() - 1; i >= 0; i--) {
      Path p = all.get(i);
      try {
        Restored r = restore(p);
        return Optional.of(new Restored(r.network(), r.ema(), r.state(), p, List.copyOf(damaged)));
      } catch (IOException | RuntimeException e) {
        damaged.add(p + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("")));
      }
    }
    throw new UserError("no intact checkpoint in " + dir + " (" + String.join("; ", damaged) + ")");
  }

  /** Removes the temporaries of checkpoints whose writing was interrupted. */
  public void removeUnfinished() throws IOException {
    if (!fs.exists(dir)) {
      return;
    }
    for (FileStatus s : fs.listStatus(dir)) {
      String name = s.getPath().getName();
      if (name.startsWith(".round-") && name.endsWith(".tmp")) {
        fs.delete(s.getPath(), true);
      }
    }
  }

  private Restored restore(Path p) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (String name : List.of(NETWORK, EMA, STATE)) {
      files.put(name, read(new Path(p, name)));
    }
    String sums = new String(read(new Path(p, SUMS)), StandardCharsets.UTF_8);
    for (String line : sums.split("\n")) {
      String[] parts = line.split("  ", 2);
      if (parts.length != 2 || !files.containsKey(parts[1])) {
        throw new UserError("checkpoint " + p + " has a malformed " + SUMS);
      }
      if (!sha256(files.get(parts[1])).equals(parts[0])) {
        throw new UserError("checkpoint " + p + ": " + parts[1] + " does not match its SHA-256 (corrupt or modified)");
      }
    }
    ComputationGraph net = ModelSerializer.restoreComputationGraph(new java.io.ByteArrayInputStream(files.get(NETWORK)), true);
    INDArray ema;
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(files.get(EMA)))) {
      ema = Nd4j.read(in);
    }
    TrainingState state = TrainingState.fromJson(new String(files.get(STATE), StandardCharsets.UTF_8));
    return new Restored(net, ema, state, p, List.of());
  }

  private List<Path> complete() throws IOException {
    List<Path> out = new ArrayList<>();
    if (!fs.exists(dir)) {
      return out;
    }
    FileStatus[] st = fs.listStatus(dir);
    Arrays.sort(st, (a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
    for (FileStatus s : st) {
      if (s.isDirectory() && s.getPath().getName().startsWith("round-") && fs.exists(new Path(s.getPath(), SUMS))) {
        out.add(s.getPath());
      }
    }
    return out;
  }

  private void prune() throws IOException {
    List<Path> all = complete();
    for (int i = 0; i < all.size() - keep; i++) {
      fs.delete(all.get(i), true);
    }
  }

  private void write(Path p, byte[] bytes) throws IOException {
    try (OutputStream out = fs.create(p, true)) {
      out.write(bytes);
    }
  }

  private byte[] read(Path p) throws IOException {
    try (InputStream in = fs.open(p)) {
      return in.readAllBytes();
    }
  }

  private static String sha256(byte[] bytes) {
    return ChecksumFile.sha256(bytes);
  }
}
