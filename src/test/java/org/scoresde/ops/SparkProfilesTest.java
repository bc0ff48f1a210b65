package org.scoresde.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.internal.config.ConfigEntry;
import org.apache.spark.internal.config.ConfigEntry$;
import org.apache.spark.launcher.SparkLauncher;
import org.apache.spark.network.util.JavaUtils;
import org.apache.spark.resource.ResourceDiscoveryScriptPlugin;
import org.apache.spark.resource.ResourceID;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.resource.ResourceRequest;
import org.apache.spark.util.Utils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.dataformat.yaml.YAMLFactory;
import scala.collection.JavaConverters;

/**
 * The Spark profiles in conf/spark/: every key is one Spark itself defines (its configuration
 * registry, with the YARN and Kubernetes modules loaded, so a misspelt key fails), every value
 * converts to its entry's type, the JVM options carry the project's Java 17 opens and ND4J's
 * off-heap limits that fit the container sizes; and the GPU discovery script, run by Spark's own
 * discovery plugin against a fake nvidia-smi, reports the GPUs in the JSON Spark parses.
 */
class SparkProfilesTest {
  /** Objects whose initialisation registers Spark's configuration entries (core, SQL, YARN, Kubernetes). */
  private static final List<String> CONFIG_HOLDERS = List.of(
      "org.apache.spark.internal.config.package$", "org.apache.spark.internal.config.Deploy$",
      "org.apache.spark.internal.config.History$", "org.apache.spark.internal.config.Kryo$",
      "org.apache.spark.internal.config.Network$", "org.apache.spark.internal.config.Python$",
      "org.apache.spark.internal.config.R$", "org.apache.spark.internal.config.Status$",
      "org.apache.spark.internal.config.Streaming$", "org.apache.spark.internal.config.UI$",
      "org.apache.spark.internal.config.Worker$", "org.apache.spark.sql.internal.SQLConf$",
      "org.apache.spark.sql.internal.StaticSQLConf$", "org.apache.spark.deploy.yarn.config.package$",
      "org.apache.spark.deploy.k8s.Config$");
  /** Documented families of keys named by the user (environment variables), not by an entry. */
  private static final List<String> ENV_PREFIXES = List.of(
      "spark.executorEnv.", "spark.yarn.appMasterEnv.", "spark.kubernetes.driverEnv.");
  private static final Pattern RESOURCE = Pattern.compile("(spark\\.(?:executor|driver|task))\\.resource\\.([^.]+)\\.[^.]+");
  private static final List<String> PROFILES = List.of("local.conf", "standalone.conf", "yarn.conf", "k8s-gpu.conf");

  @TempDir Path tmp;

  @BeforeAll
  static void loadRegistry() throws Exception {
    for (String holder : CONFIG_HOLDERS) {
      Class.forName(holder).getField("MODULE$").get(null);
    }
  }

  @Test
  void theProfilesAreAllThere() throws IOException {
    try (Stream<Path> files = Files.list(OpsFiles.home().resolve("conf/spark"))) {
      List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
      assertEquals(PROFILES.stream().sorted().toList(), names);
    }
  }

  @Test
  void everyKeyIsOneSparkDefinesAndEveryValueConverts() throws Exception {
    for (String name : PROFILES) {
      Map<String, String> props = load(name);
      assertFalse(props.isEmpty(), name);
      List<String> first = Files.readAllLines(profile(name)).subList(0, 3);
      assertTrue(first.stream().allMatch(l -> l.startsWith("#")), name + " must start with comments saying what it is for");
      SparkConf conf = new SparkConf(false);
      props.forEach(conf::set);
      for (Map.Entry<String, String> e : props.entrySet()) {
        String key = e.getKey();
        assertTrue(known(key), name + ": " + key + " is not a Spark configuration key");
        ConfigEntry<?> entry = ConfigEntry$.MODULE$.findEntry(key);
        if (entry != null) {
          conf.get(entry);
        }
      }
    }
  }

  @Test
  void theRegistryCheckCatchesATypo() {
    assertTrue(known("spark.executor.memoryOverhead"));
    assertFalse(known("spark.executor.memoryOverHead"));
    assertFalse(known("spark.executor.resource.gpu.ammount"));
    assertFalse(known("spark.kubernetes.executor.podTemplate"));
    SparkConf conf = new SparkConf(false).set("spark.executor.memoryOverhead", "five gigabytes");
    assertThrows(Exception.class, () -> conf.get(ConfigEntry$.MODULE$.findEntry("spark.executor.memoryOverhead")));
  }

  @Test
  void jvmOptionsCarryTheOpensAndOffHeapLimitsThatFitTheContainers() throws Exception {
    List<String> opens = OpsFiles.java17Opens();
    assertTrue(opens.size() > 5);
    for (String name : PROFILES) {
      Map<String, String> props = load(name);
      for (String side : List.of("driver", "executor")) {
        String options = props.get("spark." + side + ".extraJavaOptions");
        if (options == null) {
          assertEquals("local.conf", name, name + " sets no " + side + " JVM options");
          continue;
        }
        List<String> words = List.of(options.split("\\s+"));
        assertTrue(words.containsAll(opens), name + " " + side + ": missing " + opens.stream().filter(o -> !words.contains(o)).toList());
        long maxBytes = javacpp(words, "maxbytes", name);
        long maxPhysical = javacpp(words, "maxphysicalbytes", name);
        long heap = bytes(props.getOrDefault("spark." + side + ".memory", "1g"));
        assertTrue(maxPhysical > heap + maxBytes, name + " " + side + ": maxphysicalbytes must exceed heap + maxbytes");
        // the launcher's fixed young generation, well inside the heap
        assertTrue(words.contains("-Xmn256m"), name + " " + side + ": -Xmn256m as the launcher sets it");
        assertTrue(bytes("256m") * 4 <= heap, name + " " + side + ": the young generation must be a small part of the heap");
        String overhead = props.get("spark." + side + ".memoryOverhead");
        if (name.startsWith("yarn") || name.startsWith("k8s")) {
          // the cluster manager kills a container above memory + overhead: ND4J must hit its own limit first
          assertTrue(overhead != null, name + " " + side + " needs memoryOverhead");
          long container = heap + bytes(overhead);
          assertTrue(bytes(overhead) > maxBytes, name + " " + side + ": memoryOverhead must hold javacpp maxbytes");
          assertTrue(maxPhysical < container, name + " " + side + ": maxphysicalbytes must stay below the container size");
        }
      }
      if (!name.equals("local.conf")) {
        assertTrue(props.containsKey("spark.executorEnv.OMP_NUM_THREADS"), name);
      }
    }
    assertEquals("cluster", load("yarn.conf").get(SparkLauncher.DEPLOY_MODE));
  }

  @Test
  void kubernetesProfileAsksForGpusWithTheProjectsScriptAndTemplate() throws Exception {
    Map<String, String> k8s = load("k8s-gpu.conf");
    ResourceID gpu = new ResourceID("spark.executor", "gpu");
    assertEquals("1", k8s.get(gpu.amountConf()));
    assertEquals("nvidia.com", k8s.get(gpu.vendorConf()));
    assertTrue(k8s.get(gpu.discoveryScriptConf()).endsWith("/jobs/k8s/gpu-discovery.sh"));
    assertTrue(k8s.containsKey(new ResourceID("spark.task", "gpu").amountConf()));
    Path template = OpsFiles.home().resolve(k8s.get("spark.kubernetes.executor.podTemplateFile"));
    JsonNode pod = new ObjectMapper(new YAMLFactory()).readTree(template.toFile());
    assertEquals("Pod", pod.get("kind").asText());
    assertEquals("v1", pod.get("apiVersion").asText());
    JsonNode container = pod.at("/spec/containers/0");
    assertFalse(container.isMissingNode(), "the template needs the executor container");
    String volume = container.at("/volumeMounts/0/name").asText();
    assertEquals(volume, pod.at("/spec/volumes/0/name").asText(), "the mounted volume must be declared");
  }

  @Test
  void discoveryScriptReportsTheGpusNvidiaSmiLists() throws Exception {
    Optional<ResourceInformation> found = discover("0\n1\n");
    assertTrue(found.isPresent());
    assertEquals("gpu", found.get().name());
    assertArrayEquals(new String[] {"0", "1"}, found.get().addresses());
    assertArrayEquals(new String[] {"3"}, discover(" 3 \n").orElseThrow().addresses());
  }

  @Test
  void discoveryScriptFailsWithoutAGpu() throws Exception {
    assertThrows(Exception.class, () -> discover(""));
    assertThrows(Exception.class, () -> discover("No devices were found\n"));
    Path script = OpsFiles.home().resolve("jobs/k8s/gpu-discovery.sh");
    ProcessBuilder pb = new ProcessBuilder("/bin/bash", script.toString()).redirectErrorStream(true);
    // a PATH without nvidia-smi: the script must say so and fail
    pb.environment().put("PATH", Files.createDirectories(tmp.resolve("empty")).toString());
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertNotEquals(0, p.waitFor(), out);
    assertTrue(out.contains("nvidia-smi"), out);
  }

  /** Runs the project's discovery script through Spark's plugin with a fake nvidia-smi printing {@code listing}. */
  private Optional<ResourceInformation> discover(String listing) throws IOException {
    Path bin = Files.createDirectories(tmp.resolve("bin-" + Integer.toHexString(listing.hashCode())));
    Path listingFile = bin.resolve("listing.txt");
    Files.writeString(listingFile, listing);
    executable(bin.resolve("nvidia-smi"), "#!/bin/sh\n"
        + "[ \"$1\" = --query-gpu=index ] && [ \"$2\" = --format=csv,noheader ] || { echo \"unexpected arguments: $*\" >&2; exit 9; }\n"
        + "cat '" + listingFile + "'\n");
    // Spark runs the script with the executor's environment: this wrapper puts the fake nvidia-smi first on PATH
    Path wrapper = executable(bin.resolve("discover.sh"), "#!/bin/sh\nPATH='" + bin + "':\"$PATH\" exec /bin/bash '"
        + OpsFiles.home().resolve("jobs/k8s/gpu-discovery.sh") + "'\n");
    ResourceRequest request = new ResourceRequest(new ResourceID("spark.executor", "gpu"), 1,
        Optional.of(wrapper.toString()), Optional.of("nvidia.com"));
    return new ResourceDiscoveryScriptPlugin().discoverResource(request, new SparkConf(false));
  }

  private static Path executable(Path file, String text) throws IOException {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  /** A key of Spark's registry, SparkLauncher's constants, a custom resource key or a documented environment family. */
  static boolean known(String key) {
    if (ConfigEntry$.MODULE$.findEntry(key) != null || launcherKeys().contains(key)) {
      return true;
    }
    for (String prefix : ENV_PREFIXES) {
      if (key.startsWith(prefix) && key.length() > prefix.length() && key.substring(prefix.length()).matches("[A-Za-z_][A-Za-z0-9_]*")) {
        return true;
      }
    }
    Matcher m = RESOURCE.matcher(key);
    if (m.matches()) {
      ResourceID id = new ResourceID(m.group(1), m.group(2));
      return key.equals(id.amountConf()) || (!m.group(1).equals("spark.task")
          && (key.equals(id.discoveryScriptConf()) || key.equals(id.vendorConf())));
    }
    return false;
  }

  private static List<String> launcherKeys() {
    List<String> keys = new ArrayList<>();
    for (Field f : SparkLauncher.class.getFields()) {
      if (f.getType() == String.class) {
        try {
          String v = (String) f.get(null);
          if (v.startsWith("spark.")) {
            keys.add(v);
          }
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return keys;
  }

  /** The file as spark-submit --properties-file reads it. */
  private static Map<String, String> load(String name) {
    return new TreeMap<>(JavaConverters.mapAsJavaMap(Utils.getPropertiesFromFile(profile(name).toString())));
  }

  private static Path profile(String name) {
    return OpsFiles.home().resolve("conf/spark").resolve(name);
  }

  private static long javacpp(List<String> words, String what, String name) {
    String prefix = "-Dorg.bytedeco.javacpp." + what + "=";
    return words.stream().filter(w -> w.startsWith(prefix)).map(w -> bytes(w.substring(prefix.length())))
        .findFirst().orElseThrow(() -> new AssertionError(name + " sets no javacpp." + what));
  }

  private static long bytes(String size) {
    return JavaUtils.byteStringAsBytes(size);
  }
}
