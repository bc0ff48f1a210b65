package org.scoresde.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Which ND4J build the figures come from: the backend, the JavaCPP platform extension chosen at JVM
 * start (e.g. {@code -onednn-avx512}), the project's oneDNN switch if it has one, and which layer
 * helpers the score network actually got (counted per helper class over the graph's layers).
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
        System.getProperty("org.bytedeco.javacpp.platform.extension", ""), oneDnnStatus(), helpers,
        Nd4j.getEnvironment().maxMasterThreads());
  }

  /**
   * What org.scoresde.nn.OneDnn reports through its static {@code loaded()} and {@code describe()},
   * read reflectively since the class is optional: "absent" without it.
   */
  private static String oneDnnStatus() {
    try {
      Class<?> c = Class.forName("org.scoresde.nn.OneDnn");
      StringBuilder s = new StringBuilder();
      for (String name : new String[] {"loaded", "describe"}) {
        try {
          Method m = c.getMethod(name);
          if (Modifier.isStatic(m.getModifiers())) {
            s.append(s.length() == 0 ? "" : ", ").append(name).append('=').append(m.invoke(null));
          }
        } catch (NoSuchMethodException e) {
          // an older or newer OneDnn: report what there is
        }
      }
      return s.length() == 0 ? "present" : s.toString();
    } catch (ClassNotFoundException e) {
      return "absent";
    } catch (ReflectiveOperationException | RuntimeException e) {
      return "error: " + e;
    }
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
