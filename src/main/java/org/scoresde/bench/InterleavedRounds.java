package org.scoresde.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The network's figures and the PyTorch peer's, timed alternately in rounds inside one run (ours,
 * the peer, ours, the peer, ...). A figure's ratio is the median of its per-round ratios, shown with
 * their spread: load that drifts over minutes moves both sides of a round together instead of
 * deciding the ratio, as one run of each side minutes apart would.
 */
final class InterleavedRounds {
  private final List<NetworkBenchProcess.Result> ours;
  private final List<PyTorchPeer.Result> peer;

  InterleavedRounds(List<NetworkBenchProcess.Result> ours, List<PyTorchPeer.Result> peer) {
    if (ours.isEmpty() || ours.size() != peer.size()) {
      throw new IllegalArgumentException("rounds need one result of each side: " + ours.size() + " vs " + peer.size());
    }
    this.ours = List.copyOf(ours);
    this.peer = List.copyOf(peer);
  }

  /** One side's run of a round. */
  interface Side<T> {
    T run(int round) throws Exception;
  }

  /** Runs {@code rounds} rounds of ours, then the peer; a peer that fails once is not run again. */
  static InterleavedRounds run(int rounds, Side<NetworkBenchProcess.Result> ours, Side<PyTorchPeer.Result> peer,
      Consumer<String> log) throws Exception {
    List<NetworkBenchProcess.Result> o = new ArrayList<>();
    List<PyTorchPeer.Result> p = new ArrayList<>();
    for (int r = 1; r <= rounds; r++) {
      log.accept("round " + r + " of " + rounds + ": ours");
      o.add(ours.run(r));
      PyTorchPeer.Result last = p.isEmpty() ? null : p.get(p.size() - 1);
      if (last != null && !last.available()) {
        p.add(last);
        continue;
      }
      log.accept("round " + r + " of " + rounds + ": the PyTorch peer");
      PyTorchPeer.Result result = peer.run(r);
      log.accept("  " + result.summary());
      p.add(result);
    }
    return new InterleavedRounds(o, p);
  }

  /** This, after checking that every round's peer built a network of our parameter count (else it throws). */
  InterleavedRounds requireSameParameters() {
    for (int r = 0; r < rounds(); r++) {
      peer.get(r).requireParameters(ours.get(r).network().parameters());
    }
    return this;
  }

  int rounds() {
    return ours.size();
  }

  /** Our figures over the rounds: each figure the median (and range) of its per-round medians. */
  NetworkBench.Figures network() {
    NetworkBench.Figures first = ours.get(0).network();
    return new NetworkBench.Figures(first.parameters(), first.convFlopsPerImage(), first.backend(),
        pooled(NetworkBench.Figures::train), pooled(NetworkBench.Figures::forward), pooled(NetworkBench.Figures::vjp),
        pooled(NetworkBench.Figures::likelihood), first.likelihoodNfe(),
        new SingleConvolution.Figures(pooled(n -> n.singleConv().layer()), pooled(n -> n.singleConv().op())));
  }

  /** The matrix-product figure (Nd4j.gemm) over the rounds. */
  Measurement gemm() {
    return Measurement.of(ours.stream().mapToDouble(r -> r.gemm().median()).toArray());
  }

  /** The matrix-product figure of libnd4j's matmul op over the rounds. */
  Measurement matmulOp() {
    return Measurement.of(ours.stream().mapToDouble(r -> r.matmulOp().median()).toArray());
  }

  /** The peer's document of the first round (its build, parameters and variants), or why it is unavailable. */
  PyTorchPeer.Result peer() {
    return peer.get(0);
  }

  /** A peer figure over the rounds (median and range of the per-round medians), or null where a round lacks it. */
  Measurement peerFigure(String key) {
    double[] values = new double[peer.size()];
    for (int r = 0; r < peer.size(); r++) {
      Measurement m = peer.get(r).figure(key);
      if (m == null) {
        return null;
      }
      values[r] = m.median();
    }
    return Measurement.of(values);
  }

  /** The variant the peer chose most often for a figure timed in several, else null. */
  String peerChoice(String key) {
    Map<String, Integer> counts = new HashMap<>();
    peer.stream().map(r -> r.choice(key)).filter(Objects::nonNull).forEach(c -> counts.merge(c, 1, Integer::sum));
    return counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
  }

  /**
   * A table row: our figure {@code oursOf} times {@code oursScale} against the peer's {@code peerKey}
   * times {@code peerScale} (e.g. images/s to GFLOP/s), its ratio the median of the per-round ratios.
   */
  Figure figure(String name, String unit, Function<NetworkBench.Figures, Measurement> oursOf, double oursScale,
      String peerKey, double peerScale, String note) {
    Measurement mine = pooled(oursOf).times(oursScale);
    Measurement theirs = peerKey == null ? null : peerFigure(peerKey);
    if (theirs == null) {
      return new Figure(name, unit, mine, null, note);
    }
    double[] ratios = new double[rounds()];
    for (int r = 0; r < rounds(); r++) {
      ratios[r] = oursOf.apply(ours.get(r).network()).median() * oursScale
          / (peer.get(r).figure(peerKey).median() * peerScale);
    }
    return new Figure(name, unit, mine, theirs.times(peerScale), note, peerChoice(peerKey), Measurement.of(ratios));
  }

  private Measurement pooled(Function<NetworkBench.Figures, Measurement> of) {
    return Measurement.of(ours.stream().mapToDouble(r -> of.apply(r.network()).median()).toArray());
  }
}
