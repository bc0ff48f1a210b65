package org.scoresde.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The rounds' arithmetic: a ratio is the median of per-round ratios (not the ratio of the two
 * sides' medians), each side's figure the median and range of its round medians, and the order of
 * the runs alternates.
 */
class InterleavedRoundsTest {
  private static final ObjectMapper OM = new ObjectMapper();
  private static final long PARAMETERS = 144_737;

  @Test
  void theRatioIsTheMedianOfPerRoundRatios() throws Exception {
    // load drifts: round 2 is slow for both sides; ours is 0.5x the peer in every round
    double[] oursTrain = {100, 20, 90};
    double[] peerTrain = {200, 40, 180};
    InterleavedRounds rounds = new InterleavedRounds(
        List.of(ours(oursTrain[0]), ours(oursTrain[1]), ours(oursTrain[2])),
        List.of(peer(peerTrain[0]), peer(peerTrain[1]), peer(peerTrain[2])));
    Figure train = rounds.figure("training step", "images/s", NetworkBench.Figures::train, 1,
        "train_images_per_second", 1, null);
    assertEquals(0.5, train.ratio(), 1e-12);
    assertEquals(0.5, train.roundRatios().min(), 1e-12);
    assertEquals(0.5, train.roundRatios().max(), 1e-12);
    assertEquals(3, train.roundRatios().samples());
    assertEquals(90, train.ours().median());
    assertEquals(20, train.ours().min());
    assertEquals(180, train.pytorch().median());
    assertTrue(train.row().contains("0.50 (0.50-0.50, 3 rounds)"), train.row());
    Figure scaled = rounds.figure("convolutions", "GFLOP/s", NetworkBench.Figures::train, 3.0, "train_images_per_second",
        2.0, null);
    assertEquals(0.75, scaled.ratio(), 1e-12);
    assertEquals(270, scaled.ours().median(), 1e-9);
    // a figure the peer lacks has no ratio
    Figure none = rounds.figure("x", "u", NetworkBench.Figures::train, 1, "no_such_figure", 1, null);
    assertNull(none.pytorch());
    assertTrue(Double.isNaN(none.ratio()));
  }

  @Test
  void runsAlternateAndAnUnavailablePeerIsNotRetried() throws Exception {
    List<String> order = new ArrayList<>();
    InterleavedRounds rounds = InterleavedRounds.run(3, r -> {
      order.add("ours " + r);
      return ours(10 * r);
    }, r -> {
      order.add("peer " + r);
      return new PyTorchPeer.Result(null, "unavailable: no torch");
    }, s -> { });
    assertEquals(List.of("ours 1", "peer 1", "ours 2", "ours 3"), order);
    assertEquals(20, rounds.network().train().median());
    assertNull(rounds.peerFigure("train_images_per_second"));
  }

  @Test
  void aPeerOfAnotherNetworkFailsTheRun() throws Exception {
    InterleavedRounds rounds = new InterleavedRounds(List.of(ours(1)), List.of(peer(2, PARAMETERS + 1)));
    assertThrows(IllegalStateException.class, rounds::requireSameParameters);
  }

  private static NetworkBenchProcess.Result ours(double train) {
    Measurement m = Measurement.single(train);
    Backend backend = new Backend("CpuBackend", "-onednn-avx512", "true", Map.of(), 2);
    return new NetworkBenchProcess.Result(new NetworkBench.Figures(PARAMETERS, 1e6, backend, m, m, m, m, 8,
        new SingleConvolution.Figures(m, m)), m, m);
  }

  private static PyTorchPeer.Result peer(double train) throws IOException {
    return peer(train, PARAMETERS);
  }

  private static PyTorchPeer.Result peer(double train, long parameters) throws IOException {
    ObjectNode doc;
    try (InputStream in = InterleavedRoundsTest.class.getResourceAsStream("peer-result.json")) {
      doc = (ObjectNode) OM.readTree(in);
    }
    doc.put("parameters", parameters);
    ObjectNode t = (ObjectNode) doc.get("train_images_per_second");
    t.put("median", train).put("min", train).put("max", train);
    return PyTorchPeer.Result.parse(doc.toString());
  }
}
