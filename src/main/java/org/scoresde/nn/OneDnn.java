package org.scoresde.nn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Chooses and reports libnd4j's oneDNN build. The plain CPU build convolves by im2col + sgemm,
 * about twenty times slower than the oneDNN build's conv2d on this kind of CPU (BENCHMARKS.md); JavaCPP
 * loads the oneDNN build instead when the JVM property {@value #EXTENSION_PROPERTY} names it before
 * ND4J first loads, which {@link #selectPlatform()} does from the CPU's flags.
 */
public final class OneDnn {
  /** JavaCPP's property naming the native build's variant (e.g. {@code -onednn-avx512}). */
  public static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
  /** Set to {@code false} to keep the plain build and DL4J's own convolution (for comparisons). */
  public static final String SWITCH_PROPERTY = "scoresde.onednn";

  private static final String BINDINGS = "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64%s/libjnind4jcpu.so";
  private static final List<String> VARIANTS = List.of("-onednn-avx512", "-onednn-avx2");

  private OneDnn() {}

  /**
   * Sets {@value #EXTENSION_PROPERTY} to the best oneDNN build this CPU runs and the classpath holds,
   * unless it is already set or {@value #SWITCH_PROPERTY} is false. Call before ND4J loads; returns
   * the extension in effect ("" for the plain build).
   */
  public static String selectPlatform() {
    String current = System.getProperty(EXTENSION_PROPERTY);
    if (current != null) {
      return current;
    }
    if (!Boolean.parseBoolean(System.getProperty(SWITCH_PROPERTY, "true"))) {
      return "";
    }
    Optional<String> chosen = bestExtension(cpuFlags(), OneDnn::onClasspath);
    chosen.ifPresent(ext -> System.setProperty(EXTENSION_PROPERTY, ext));
    return chosen.orElse("");
  }

  /** The first oneDNN variant whose instruction set the CPU has and whose binaries are present. */
  static Optional<String> bestExtension(Set<String> cpuFlags, java.util.function.Predicate<String> present) {
    for (String variant : VARIANTS) {
      boolean cpu = variant.endsWith("avx512") ? cpuFlags.contains("avx512f") && cpuFlags.contains("avx512bw")
          : cpuFlags.contains("avx2") && cpuFlags.contains("fma");
      if (cpu && present.test(variant)) {
        return Optional.of(variant);
      }
    }
    return Optional.empty();
  }

  /** True when the loaded libnd4j was built with oneDNN (this loads ND4J if it is not loaded yet). */
  public static boolean loaded() {
    return Loaded.VALUE;
  }

  /** A line for logs and benchmarks: the native variant and whether oneDNN helpers are in use. */
  public static String describe() {
    String ext = System.getProperty(EXTENSION_PROPERTY, "");
    return "libnd4j " + (ext.isEmpty() ? "plain" : ext.substring(1)) + (loaded() ? " (oneDNN convolution)" : " (im2col convolution)");
  }

  private static boolean onClasspath(String variant) {
    return OneDnn.class.getClassLoader().getResource(String.format(BINDINGS, variant)) != null;
  }

  private static Set<String> cpuFlags() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(line -> line.startsWith("flags"))
          .findFirst()
          .map(line -> Arrays.stream(line.substring(line.indexOf(':') + 1).trim().split("\\s+")).collect(Collectors.toSet()))
          .orElse(Set.of());
    } catch (IOException | RuntimeException e) {
      return Set.of();
    }
  }

  private static final class Loaded {
    static final boolean VALUE = Boolean.parseBoolean(System.getProperty(SWITCH_PROPERTY, "true"))
        && NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo().contains("HAVE_ONEDNN");
  }
}
