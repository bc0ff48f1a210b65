package org.scoresde.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
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
        Nd4jThreads.current());
  }

  /**
   * What org.scoresde.nn.OneDnn reports, read reflectively since it is optional: the values of its
   * public static no-argument methods returning boolean or String, or "absent".
   */
  private static String oneDnnStatus() {
    try {
      Class<?> c = Class.forName("org.scoresde.nn.OneDnn");
      StringBuilder s = new StringBuilder();
      for (Method m : c.getMethods()) {
        if (Modifier.isStatic(m.getModifiers()) && m.getParameterCount() == 0
            && (m.getReturnType() == boolean.class || m.getReturnType() == String.class)) {
          s.append(s.length() == 0 ? "" : ", ").append(m.getName()).append('=').append(m.invoke(null));
        }
      }
      return s.length() == 0 ? "present" : s.toString();
    } catch (ClassNotFoundException e) {
      return "absent";
    } catch (ReflectiveOperationException | RuntimeException e) {
      return "error: " + e;
    }
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
