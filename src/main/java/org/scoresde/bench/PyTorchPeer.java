package org.scoresde.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the PyTorch peer (bench/peer/score_net.py: the same network, loss and batch) as a child
 * process with the same thread count and timing settings, and reads the one JSON document it prints:
 * each figure the fastest of the variants the peer timed (eager, channels_last, frozen TorchScript),
 * with every variant's numbers and how its torch was built. A missing python3 or torch is a result
 * ("unavailable: why"), not a failure of the benchmark; a peer network with another parameter count
 * than ours is ({@link Result#requireParameters}). The peer runs in the environment a PyTorch user has,
 * without the launcher's tuning of our JVM ({@link #OURS_ONLY}): {@code OMP_WAIT_POLICY=PASSIVE} slows
 * PyTorch's many short parallel regions, and {@code MALLOC_MMAP_THRESHOLD_} makes every activation of
 * 2 MiB or more a fresh mmap whose pages are faulted in and zeroed again, since PyTorch's CPU allocator
 * has no cache of its own.
 */
final class PyTorchPeer {
  private final String python;
  private final Path script;

  PyTorchPeer(String python, Path script) {
    this.python = python;
    this.script = script;
  }

  /** Variables the launcher sets for our JVM that the peer's process does not inherit. */
  static final List<String> OURS_ONLY = List.of("OMP_WAIT_POLICY", "MALLOC_MMAP_THRESHOLD_");

  /** The peer's environment from ours: {@code threads} OpenMP threads and none of {@link #OURS_ONLY}. */
  static void peerEnvironment(java.util.Map<String, String> env, int threads) {
    env.put("OMP_NUM_THREADS", String.valueOf(threads));
    OURS_ONLY.forEach(env::remove);
  }

  /** The peer's figures, as its JSON names them: each the fastest of its variants, with all of them. */
  static final List<String> FIGURES = List.of("train_images_per_second", "forward_images_per_second",
      "vjp_images_per_second", "likelihood_examples_per_second", "gemm_gflops", "single_conv_gflops");

  /** The peer's result, or the reason it has none. */
  record Result(JsonNode json, String unavailable) {
    boolean available() {
      return json != null;
    }

    /** A figure: the fastest variant's measurement, or null without a peer or that figure. */
    Measurement figure(String field) {
      return json == null || !json.has(field) ? null : Measurement.read(json.get(field));
    }

    /** The variant a figure was taken from ("eager", "channels_last", "frozen_torchscript"), or null. */
    String variant(String field) {
      JsonNode f = json == null ? null : json.get(field);
      return f == null || !f.hasNonNull("variant") ? null : f.get("variant").asText();
    }

    /** The chosen variant of a figure timed in more than one, else null (nothing was chosen). */
    String choice(String field) {
      return variants(field).size() > 1 ? variant(field) : null;
    }

    /** Every variant's measurement of a figure, in the peer's order (empty without them). */
    Map<String, Measurement> variants(String field) {
      Map<String, Measurement> out = new LinkedHashMap<>();
      JsonNode f = json == null ? null : json.get(field);
      if (f != null && f.has("variants")) {
        f.get("variants").fields().forEachRemaining(e -> out.put(e.getKey(), Measurement.read(e.getValue())));
      }
      return out;
    }

    /** The peer's network's parameter count. */
    long parameters() {
      return json.get("parameters").asLong();
    }

    /**
     * This result, if the peer is unavailable or ran a network of {@code ours} parameters; otherwise
     * the comparison is not between the same networks, and the run fails here.
     */
    Result requireParameters(long ours) {
      if (json != null && parameters() != ours) {
        throw new IllegalStateException(String.format(
            "the PyTorch peer's network has %d parameters and ours %d: bench/peer/score_net.py no longer builds "
                + "the network of ScoreNetworkBuilder, so its figures would not compare the same network", parameters(), ours));
      }
      return this;
    }

    /**
     * Writes the peer into the bench report: its status, {@link #summary} and, when it ran, its torch, threads, network,
     * build (versions, BLAS, LAPACK, oneDNN, OpenMP) and, per figure, the chosen variant and every
     * variant's measurement.
     */
    ObjectNode write(ObjectNode node, long ours) {
      node.put("status", available() ? "ok" : unavailable);
      node.put("summary", summary());
      if (!available()) {
        return node;
      }
      node.put("torch", json.get("torch").asText());
      node.put("threads", json.get("threads").asInt());
      node.put("parameters", parameters());
      node.put("conv_mflop_per_image", json.get("conv_mflop_per_image").asDouble());
      node.put("same_parameter_count", parameters() == ours);
      if (json.has("build")) {
        node.set("build", json.get("build").deepCopy());
      }
      ObjectNode figures = node.putObject("figures");
      for (String field : FIGURES) {
        if (!json.has(field)) {
          continue;
        }
        ObjectNode f = figures.putObject(field);
        figure(field).write(f);
        f.put("variant", variant(field));
        ObjectNode all = f.putObject("variants");
        variants(field).forEach((name, m) -> m.write(all.putObject(name)));
      }
      return node;
    }

    /** One line for the Markdown report: the peer's torch, build and chosen variants, or why there is none. */
    String summary() {
      if (!available()) {
        return "PyTorch peer " + unavailable;
      }
      JsonNode build = json.path("build");
      StringBuilder b = new StringBuilder("PyTorch ").append(json.get("torch").asText());
      if (build.hasNonNull("debian_package")) {
        b.append(" (Debian ").append(build.get("debian_package").asText()).append(')');
      }
      int threads = json.get("threads").asInt();
      b.append(", ").append(threads).append(threads == 1 ? " thread" : " threads");
      if (build.has("mkldnn_available")) {
        b.append(", oneDNN ").append(build.get("mkldnn_available").asBoolean() ? "available" : "unavailable");
      }
      List<String> blas = new ArrayList<>();
      build.path("config_summary").forEach(line -> {
        if (line.asText().startsWith("BLAS_INFO=") || line.asText().startsWith("LAPACK_INFO=")) {
          blas.add(line.asText());
        }
      });
      build.path("blas_alternatives").fields().forEachRemaining(e -> {
        if (e.getKey().startsWith("libblas")) {
          blas.add("libblas -> " + e.getValue().asText());
        }
      });
      if (!blas.isEmpty()) {
        b.append(", ").append(String.join(", ", blas));
      }
      if (build.has("adam_foreach")) {
        b.append(", Adam foreach=").append(build.get("adam_foreach").asBoolean());
      }
      if (build.has("torchscript")) {
        List<String> how = new ArrayList<>();
        build.get("torchscript").fields().forEachRemaining(e -> how.add(e.getKey() + " by " + e.getValue().asText()));
        b.append(", TorchScript: ").append(String.join(", ", how));
      }
      List<String> chosen = new ArrayList<>();
      for (String field : FIGURES) {
        if (choice(field) != null) {
          chosen.add(field + " " + choice(field));
        }
      }
      if (!chosen.isEmpty()) {
        b.append("; fastest variants: ").append(String.join(", ", chosen));
      }
      return b.toString();
    }

    /** The peer's stdout: its last line is the JSON document. */
    static Result parse(String stdout) throws IOException {
      String text = stdout.trim();
      JsonNode root = new ObjectMapper().readTree(text.substring(text.lastIndexOf('\n') + 1));
      if (root == null || !root.isObject() || !root.has("parameters") || !root.has("torch")) {
        throw new IOException("the peer printed no result document");
      }
      return new Result(root, null);
    }
  }

  Result run(int threads, int batch, Stopwatch watch, double warmupSeconds, int likelihoodNfe, int gemmSize, double timeoutSeconds) {
    if (!new File(python).canExecute()) {
      return new Result(null, "unavailable: " + python + " not found");
    }
    if (!Files.isRegularFile(script)) {
      return new Result(null, "unavailable: peer script " + script + " not found");
    }
    List<String> cmd = new ArrayList<>(CorePinning.prefix(threads));
    cmd.addAll(List.of(python, script.toString(), "--threads", String.valueOf(threads),
        "--batch", String.valueOf(batch), "--warmup", String.valueOf(watch.warmup()),
        "--warmup-seconds", String.valueOf(warmupSeconds),
        "--repeats", String.valueOf(watch.repeats()), "--budget", String.valueOf(watch.budgetSeconds()),
        "--likelihood-steps", String.valueOf(likelihoodNfe), "--gemm-size", String.valueOf(gemmSize)));
    try {
      Path out = Files.createTempFile("score-sde-peer", ".json");
      Path err = Files.createTempFile("score-sde-peer", ".log");
      try {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        peerEnvironment(pb.environment(), threads);
        Process p = pb.start();
        if (!p.waitFor((long) timeoutSeconds, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return new Result(null, "unavailable: the peer did not finish in " + (long) timeoutSeconds + " s");
        }
        String text = Files.readString(out, StandardCharsets.UTF_8).trim();
        if (p.exitValue() != 0 || text.isEmpty()) {
          String log = Files.readString(err, StandardCharsets.UTF_8).trim();
          String last = log.isEmpty() ? "no output" : log.substring(log.lastIndexOf('\n') + 1);
          return new Result(null, "unavailable: the peer failed (exit " + p.exitValue() + "): " + last);
        }
        return Result.parse(text);
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      return new Result(null, "unavailable: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(null, "unavailable: interrupted");
    }
  }
}
