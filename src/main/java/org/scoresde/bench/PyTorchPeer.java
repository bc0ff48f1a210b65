package org.scoresde.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the PyTorch peer (bench/peer/score_net.py: the same network, loss and batch) as a child
 * process with the same thread count and timing settings, and reads the one JSON document it prints.
 * A missing python3 or torch is a result ("unavailable: why"), not a failure of the benchmark.
 */
final class PyTorchPeer {
  private final String python;
  private final Path script;

  PyTorchPeer(String python, Path script) {
    this.python = python;
    this.script = script;
  }

  /** The peer's result, or the reason it has none. */
  record Result(JsonNode json, String unavailable) {
    boolean available() {
      return json != null;
    }

    Measurement figure(String field) {
      return json == null || !json.has(field) ? null : Measurement.read(json.get(field));
    }
  }

  Result run(int threads, int batch, Stopwatch watch, int likelihoodNfe, int gemmSize, double timeoutSeconds) {
    if (!new File(python).canExecute()) {
      return new Result(null, "unavailable: " + python + " not found");
    }
    if (!Files.isRegularFile(script)) {
      return new Result(null, "unavailable: peer script " + script + " not found");
    }
    List<String> cmd = new ArrayList<>(List.of(python, script.toString(), "--threads", String.valueOf(threads),
        "--batch", String.valueOf(batch), "--warmup", String.valueOf(watch.warmup()),
        "--repeats", String.valueOf(watch.repeats()), "--budget", String.valueOf(watch.budgetSeconds()),
        "--likelihood-steps", String.valueOf(likelihoodNfe), "--gemm-size", String.valueOf(gemmSize)));
    try {
      Path out = Files.createTempFile("score-sde-peer", ".json");
      Path err = Files.createTempFile("score-sde-peer", ".log");
      try {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("OMP_NUM_THREADS", String.valueOf(threads));
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
        return new Result(new ObjectMapper().readTree(text.substring(text.lastIndexOf('\n') + 1)), null);
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
