package org.scoresde.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.nn.OneDnn;

/**
 * Which ND4J build the figures come from: the backend, the JavaCPP platform extension chosen at JVM
 * start (e.g. {@code -onednn-avx512}), what {@link OneDnn} reports, and which layer helpers the
 * score network actually got (counted per helper class over the graph's layers).
 */
record Backend(String backend, String extension, String oneDnn, Map<String, Integer> layerHelpers, int threads) {

  static Backend of(ComputationGraph graph) {
    Map<String, Integer> helpers = new TreeMap<>();
    for (Layer l : graph.getLayers()) {
      String key = l.getClass().getSimpleName() + " -> "
          + (l.getHelper() == null ? "none" : l.getHelper().getClass().getSimpleName());
      helpers.merge(key, 1, Integer::sum);
    }
    return new Backend(Nd4j.getBackend().getClass().getSimpleName(),
        System.getProperty(OneDnn.EXTENSION_PROPERTY, ""), OneDnn.describe(), helpers,
        Nd4j.getEnvironment().maxMasterThreads());
  }

  /** Reads what {@link #write} wrote. */
  static Backend read(JsonNode node) {
    Map<String, Integer> helpers = new TreeMap<>();
    node.get("layer_helpers").fields().forEachRemaining(e -> helpers.put(e.getKey(), e.getValue().asInt()));
    return new Backend(node.get("nd4j_backend").asText(), node.get("platform_extension").asText(),
        node.get("onednn").asText(), helpers, node.get("nd4j_threads").asInt());
  }

  void write(ObjectNode node) {
    node.put("nd4j_backend", backend);
    node.put("platform_extension", extension);
    node.put("onednn", oneDnn);
    node.put("nd4j_threads", threads);
    ObjectNode h = node.putObject("layer_helpers");
    layerHelpers.forEach(h::put);
  }
}
