package org.scoresde.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the harness reads and records the PyTorch peer: a canned peer document (each figure the
 * fastest of its variants, every variant, the build), a peer whose network has another parameter
 * count (the run fails), the "unavailable" results, and, only where /usr/bin/python3 has torch, a
 * tiny real run of bench/peer/score_net.py.
 */
class PyTorchPeerTest {
  private static final ObjectMapper OM = new ObjectMapper();
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final Path SCRIPT = Path.of("bench", "peer", "score_net.py");
  /** The default Fashion-MNIST network's parameters (BENCHMARKS.md: 144 737 on both sides). */
  private static final long PARAMETERS = 144_737;

  /** The canned peer document as the peer prints it: one line. */
  private static String canned() throws IOException {
    try (InputStream in = PyTorchPeerTest.class.getResourceAsStream("peer-result.json")) {
      return OM.readTree(in).toString();
    }
  }

  @Test
  void readsEachFigureAsItsFastestVariantWithAllVariants() throws IOException {
    PyTorchPeer.Result peer = PyTorchPeer.Result.parse("a warning on stdout\n" + canned() + "\n");
    assertTrue(peer.available());
    assertEquals(360.0, peer.figure("train_images_per_second").median());
    assertEquals("channels_last", peer.variant("train_images_per_second"));
    assertEquals("channels_last", peer.choice("train_images_per_second"));
    Map<String, Measurement> forward = peer.variants("forward_images_per_second");
    assertEquals(List.of("eager", "channels_last", "frozen_torchscript"), List.copyOf(forward.keySet()));
    assertEquals(2400.0, peer.figure("forward_images_per_second").median());
    assertEquals("frozen_torchscript", peer.choice("forward_images_per_second"));
    assertEquals(1800.0, forward.get("channels_last").median());
    assertEquals(3, forward.get("channels_last").samples());
    // one variant only: nothing was chosen
    assertEquals("eager", peer.variant("gemm_gflops"));
    assertNull(peer.choice("gemm_gflops"));
    assertNull(peer.figure("no_such_figure"));
    assertTrue(peer.variants("no_such_figure").isEmpty());
  }

  @Test
  void recordsBuildAndEveryVariantInTheReport() throws IOException {
    PyTorchPeer.Result peer = PyTorchPeer.Result.parse(canned());
    ObjectNode node = peer.write(OM.createObjectNode(), PARAMETERS);
    assertEquals("ok", node.get("status").asText());
    assertEquals(peer.summary(), node.get("summary").asText());
    assertEquals("1.13.0a0", node.get("torch").asText());
    assertEquals(2, node.get("threads").asInt());
    assertEquals(PARAMETERS, node.get("parameters").asLong());
    assertTrue(node.get("same_parameter_count").asBoolean());
    JsonNode build = node.get("build");
    assertTrue(build.get("mkldnn_available").isBoolean(), build.toString());
    assertTrue(build.get("adam_foreach").isBoolean(), build.toString());
    assertTrue(build.get("config_summary").size() > 0, build.toString());
    assertTrue(build.has("blas_alternatives") && build.has("threads") && build.has("torchscript"), build.toString());
    JsonNode figures = node.get("figures");
    assertEquals(Set.copyOf(PyTorchPeer.FIGURES), Set.copyOf(iterable(figures.fieldNames())));
    for (String field : PyTorchPeer.FIGURES) {
      JsonNode f = figures.get(field);
      assertFalse(f.get("variant").asText().isEmpty(), field);
      assertEquals(f.get("median").asDouble(), f.get("variants").get(f.get("variant").asText()).get("median").asDouble(), field);
    }
    assertEquals(3, figures.get("single_conv_gflops").get("variants").size());
    assertEquals(245.0, figures.get("single_conv_gflops").get("variants").get("frozen_torchscript").get("median").asDouble());
    String summary = peer.summary();
    assertTrue(summary.startsWith("PyTorch 1.13.0a0 (Debian 1.13.1+dfsg-4), 2 threads, "), summary);
    assertTrue(summary.contains("BLAS_INFO=") && summary.contains("oneDNN available"), summary);
    assertTrue(summary.contains("forward_images_per_second frozen_torchscript"), summary);
  }

  @Test
  void aParameterCountMismatchFailsTheRunWithOneClearError() throws IOException {
    PyTorchPeer.Result peer = PyTorchPeer.Result.parse(canned());
    assertSame(peer, peer.requireParameters(PARAMETERS));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> peer.requireParameters(PARAMETERS - 1));
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    assertTrue(e.getMessage().contains("PyTorch peer's network has 144737 parameters and ours 144736"), e.getMessage());
  }

  @Test
  void theFigureNamesTheVariantItsPytorchNumberCameFrom() {
    Measurement m = Measurement.of(1, 2, 3);
    Figure f = new Figure("forward (score)", "images/s", m, m, null, "frozen_torchscript");
    ObjectNode node = OM.createObjectNode();
    f.write(node);
    assertEquals("frozen_torchscript", node.get("pytorch_variant").asText());
    assertTrue(f.row().endsWith("| PyTorch: frozen_torchscript |"), f.row());
    Figure noted = new Figure("one conv", "GFLOP/s", m, m, "alone").withPytorchVariant("channels_last");
    assertTrue(noted.row().endsWith("| alone; PyTorch: channels_last |"), noted.row());
    Figure ours = new Figure("Spark", "examples/s", m, null, null).withPytorchVariant("eager");
    ObjectNode oursNode = OM.createObjectNode();
    ours.write(oursNode);
    assertFalse(oursNode.has("pytorch_variant"));
  }

  @Test
  void runReadsWhatThePeerPrintsAndAMismatchFails(@TempDir Path dir) throws IOException {
    Path doc = Files.writeString(dir.resolve("peer.json"), canned() + "\n");
    Path fake = Files.writeString(dir.resolve("peer.sh"), "echo 'starting' >&2\ncat '" + doc + "'\n");
    PyTorchPeer.Result peer = new PyTorchPeer("/bin/sh", fake).run(2, 16, new Stopwatch(1, 3, 1), 0, 2, 512, 30);
    assertTrue(peer.available(), String.valueOf(peer.unavailable()));
    assertEquals("frozen_torchscript", peer.variant("forward_images_per_second"));
    assertThrows(IllegalStateException.class, () -> peer.requireParameters(1));
  }

  @Test
  void withoutPythonOrTorchThePeerIsUnavailableNotAFailure(@TempDir Path dir) throws IOException {
    Stopwatch watch = new Stopwatch(1, 3, 1);
    PyTorchPeer.Result noPython = new PyTorchPeer(dir.resolve("python3").toString(), SCRIPT).run(1, 4, watch, 0, 1, 64, 30);
    assertTrue(noPython.unavailable().startsWith("unavailable: ") && noPython.unavailable().endsWith(" not found"),
        noPython.unavailable());
    Path failing = Files.writeString(dir.resolve("no-torch.sh"),
        "echo 'Traceback (most recent call last):' >&2\necho \"ModuleNotFoundError: No module named 'torch'\" >&2\nexit 1\n");
    PyTorchPeer.Result noTorch = new PyTorchPeer("/bin/sh", failing).run(1, 4, watch, 0, 1, 64, 30);
    assertEquals("unavailable: the peer failed (exit 1): ModuleNotFoundError: No module named 'torch'", noTorch.unavailable());
    Path silent = Files.writeString(dir.resolve("silent.sh"), "echo '{\"hello\": 1}'\n");
    PyTorchPeer.Result noResult = new PyTorchPeer("/bin/sh", silent).run(1, 4, watch, 0, 1, 64, 30);
    assertEquals("unavailable: the peer printed no result document", noResult.unavailable());
    for (PyTorchPeer.Result r : List.of(noPython, noTorch, noResult)) {
      assertFalse(r.available());
      assertSame(r, r.requireParameters(PARAMETERS));
      assertNull(r.figure("train_images_per_second"));
      assertNull(r.choice("train_images_per_second"));
      ObjectNode node = r.write(OM.createObjectNode(), PARAMETERS);
      assertEquals(r.unavailable(), node.get("status").asText());
      assertEquals("PyTorch peer " + r.unavailable(), node.get("summary").asText());
      assertEquals(2, node.size());
      assertEquals("PyTorch peer " + r.unavailable(), r.summary());
    }
  }

  /** The real script under a Python that cannot see torch (no site packages): unavailable, with the reason. */
  @Test
  void theRealScriptWithoutTorchIsUnavailable(@TempDir Path dir) throws IOException {
    assumeTrue(Files.isExecutable(PYTHON), PYTHON + " not found: skipping the peer script without torch");
    Path python = Files.writeString(dir.resolve("python-without-site"), "#!/bin/sh\nexec " + PYTHON + " -S \"$@\"\n");
    assertTrue(python.toFile().setExecutable(true));
    PyTorchPeer.Result r = new PyTorchPeer(python.toString(), SCRIPT).run(1, 4, new Stopwatch(1, 2, 1), 0.5, 1, 64, 60);
    assertEquals("unavailable: the peer failed (exit 1): ModuleNotFoundError: No module named 'torch'", r.unavailable());
  }

  /** A tiny real run of the peer, only where /usr/bin/python3 imports torch. */
  @Test
  void theRealPeerTimesEveryVariantAndRecordsItsBuild() throws Exception {
    assumeTrue(torchImportable(), PYTHON + " cannot import torch: skipping the real PyTorch peer run");
    PyTorchPeer.Result peer = new PyTorchPeer(PYTHON.toString(), SCRIPT).run(1, 2, new Stopwatch(1, 2, 0.1), 0.3, 1, 32, 120)
        .requireParameters(PARAMETERS);
    assertTrue(peer.available(), String.valueOf(peer.unavailable()));
    Map<String, List<String>> expected = Map.of(
        "train_images_per_second", List.of("eager", "channels_last"),
        "forward_images_per_second", List.of("eager", "channels_last", "frozen_torchscript"),
        "vjp_images_per_second", List.of("eager", "channels_last"),
        "likelihood_examples_per_second", List.of("eager", "channels_last"),
        "gemm_gflops", List.of("eager"),
        "single_conv_gflops", List.of("eager", "channels_last", "frozen_torchscript"));
    for (String field : PyTorchPeer.FIGURES) {
      Map<String, Measurement> variants = peer.variants(field);
      assertEquals(expected.get(field), List.copyOf(variants.keySet()), field);
      variants.forEach((name, m) -> assertTrue(m.median() > 0 && m.min() > 0 && m.samples() >= 2, field + " " + name + ": " + m));
      double best = variants.values().stream().mapToDouble(Measurement::median).max().orElseThrow();
      assertEquals(best, peer.figure(field).median(), field);
    }
    assertEquals(0.3, peer.json().get("warmup_seconds").asDouble(), 1e-12);
    assertTrue(peer.json().get("warmup_rounds").asInt() >= 1, peer.json().toString());
    JsonNode build = peer.json().get("build");
    assertFalse(build.get("torch").asText().isEmpty(), build.toString());
    assertEquals(1, build.get("threads").asInt(), build.toString());
    assertTrue(build.get("mkldnn_available").isBoolean(), build.toString());
    assertTrue(build.get("adam_foreach").isBoolean(), build.toString());
    assertTrue(build.get("config_summary").size() > 0, build.toString());
    assertTrue(build.get("blas_alternatives").isObject(), build.toString());
    assertTrue(build.get("loaded_libraries").isArray(), build.toString());
    assertTrue(Set.of("script", "trace").contains(build.get("torchscript").get("score network").asText()), build.toString());
  }

  private static boolean torchImportable() throws InterruptedException {
    if (!Files.isExecutable(PYTHON)) {
      return false;
    }
    try {
      Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import torch").redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  private static <T> List<T> iterable(java.util.Iterator<T> it) {
    List<T> out = new java.util.ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  @Test
  void thePeerRunsWithoutTheLaunchersTuningOfOurJvm() {
    Map<String, String> env = new java.util.HashMap<>(Map.of("OMP_WAIT_POLICY", "PASSIVE", "MALLOC_MMAP_THRESHOLD_", "2097152",
        "OMP_NUM_THREADS", "1", "PATH", "/usr/bin"));
    PyTorchPeer.peerEnvironment(env, 2);
    assertEquals(Map.of("OMP_NUM_THREADS", "2", "PATH", "/usr/bin"), env);
  }
}
