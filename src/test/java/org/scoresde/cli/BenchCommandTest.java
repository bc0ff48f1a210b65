package org.scoresde.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness's smoke run ({@code bench --quick --json}): every figure is measured (positive,
 * finite medians within their min-max), the JSON on stdout is the one written to --out, and the
 * PyTorch peer either ran the same network (equal parameter count, finite ratios, every variant
 * timed, its build recorded) or says why not.
 */
class BenchCommandTest {
  private static final List<String> EXPECTED = List.of("training step", "forward (score)", "forward + VJP",
      "training step, one thread", "forward + VJP, one thread",
      "convolutions in forward", "the same product, libnd4j matmul op", "physical peak", "ceiling / physical peak",
      "training step's effective convolution FLOP rate / ceiling", "local[2] / local[1]", "parameter averaging overhead (fit / local[1] - 1)",
      "evaluate peak RSS 10x / 1x", "evaluate peak live heap 10x / 1x", "evaluate peak RSS 10x / 1x, network",
      "evaluate peak live heap 10x / 1x, network");

  @Test
  void quickJsonMeasuresEveryFigure(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("bench.json");
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int rc;
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      rc = Main.execute("bench", "--quick", "--json", "--out", out.toString());
    } finally {
      System.setOut(old);
    }
    assertEquals(0, rc);
    ObjectMapper om = new ObjectMapper();
    JsonNode root = om.readTree(buf.toString(StandardCharsets.UTF_8));
    assertEquals(root, om.readTree(Files.readString(out)));
    assertTrue(root.get("network").get("parameters").asLong() > 0);
    assertTrue(root.get("network").get("conv_mflop_per_image").asDouble() > 0);
    assertFalse(root.get("backend").get("nd4j_backend").asText().isEmpty());
    JsonNode figures = root.get("figures");
    List<String> names = new ArrayList<>();
    figures.fieldNames().forEachRemaining(names::add);
    for (String name : EXPECTED) {
      assertTrue(names.contains(name), name + " missing from " + names);
    }
    assertTrue(names.stream().anyMatch(n -> n.startsWith("likelihood, ")), names.toString());
    assertTrue(names.stream().anyMatch(n -> n.startsWith("sgemm ")), names.toString());
    assertTrue(figures.get("the same product, libnd4j matmul op").get("ours").get("median").asDouble() > 0,
        figures.get("the same product, libnd4j matmul op").toString());
    assertTrue(root.get("machine").get("physical_peak_gflops").asDouble() > 0, root.get("machine").toString());
    boolean peer = root.get("peer").get("status").asText().equals("ok");
    if (peer) {
      for (String key : List.of("peer", "peer_one_thread")) {
        JsonNode p = root.get(key);
        assertTrue(p.get("same_parameter_count").asBoolean(), p.toString());
        assertTrue(p.get("build").get("config_summary").size() > 0, p.toString());
        assertTrue(p.get("build").has("mkldnn_available"), p.toString());
        for (Iterator<Map.Entry<String, JsonNode>> it = p.get("figures").fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> f = it.next();
          JsonNode variants = f.getValue().get("variants");
          assertTrue(variants.has(f.getValue().get("variant").asText()), f.toString());
          variants.forEach(v -> assertTrue(v.get("median").asDouble() > 0, f.toString()));
        }
      }
      assertTrue(root.get("peer").get("figures").get("forward_images_per_second").get("variants").size() >= 3,
          root.get("peer").toString());
      assertTrue(figures.get("forward (score)").has("pytorch_variant"), figures.get("forward (score)").toString());
    } else {
      assertTrue(root.get("peer").get("status").asText().startsWith("unavailable: "), root.get("peer").toString());
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = figures.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      JsonNode ours = f.getValue().get("ours");
      double median = ours.get("median").asDouble();
      assertTrue(Double.isFinite(median), f.toString());
      assertTrue(ours.get("min").asDouble() <= median && median <= ours.get("max").asDouble(), f.toString());
      if (f.getKey().startsWith("parameter averaging overhead")) {
        assertTrue(median > -1, f.toString());
      } else {
        assertTrue(median > 0, f.toString());
      }
      if (!f.getValue().get("pytorch").isNull()) {
        assertTrue(peer);
        assertTrue(f.getValue().get("pytorch").get("median").asDouble() > 0, f.toString());
        double ratio = f.getValue().get("ratio").asDouble();
        assertTrue(Double.isFinite(ratio) && ratio > 0, f.toString());
      }
    }
    assertEquals(2, root.get("settings").get("rounds").asInt());
    assertEquals(0.5, root.get("settings").get("warmup_seconds").asDouble(), 1e-12);
    if (peer) {
      assertFalse(figures.get("training step").get("pytorch").isNull());
      // the quick run's two rounds: the ratio is the median of the two per-round ratios
      JsonNode rounds = figures.get("training step").get("round_ratios");
      assertEquals(2, rounds.get("samples").asInt(), rounds.toString());
      double ratio = figures.get("training step").get("ratio").asDouble();
      assertTrue(rounds.get("min").asDouble() <= ratio && ratio <= rounds.get("max").asDouble(), rounds.toString());
    }
  }

  @Test
  void existingOutputIsRefusedWithOneErrorLine(@TempDir Path dir) throws Exception {
    Path out = Files.writeString(dir.resolve("bench.json"), "{}");
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int rc;
    try {
      System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
      rc = Main.execute("bench", "--quick", "--out", out.toString());
    } finally {
      System.setErr(old);
    }
    assertEquals(2, rc);
    String err = buf.toString(StandardCharsets.UTF_8).strip();
    assertEquals(1, err.lines().count(), err);
    assertTrue(err.startsWith("error: output "), err);
    assertEquals("{}", Files.readString(out));
  }
}
