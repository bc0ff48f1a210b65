package org.scoresde.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.io.StringReader;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SecurityManager;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkSubmit;
import org.apache.spark.deploy.SparkSubmitArguments;
import org.apache.spark.deploy.k8s.Config$;
import org.apache.spark.deploy.k8s.Constants$;
import org.apache.spark.deploy.k8s.KubernetesConf$;
import org.apache.spark.deploy.k8s.KubernetesDriverConf;
import org.apache.spark.deploy.k8s.KubernetesDriverSpec;
import org.apache.spark.deploy.k8s.KubernetesExecutorConf;
import org.apache.spark.deploy.k8s.KubernetesExecutorSpec;
import org.apache.spark.deploy.k8s.KubernetesUtils$;
import org.apache.spark.deploy.k8s.SparkKubernetesClientFactory$;
import org.apache.spark.deploy.k8s.SparkKubernetesClientFactory;
import org.apache.spark.deploy.k8s.SparkPod;
import org.apache.spark.deploy.k8s.submit.ClientArguments;
import org.apache.spark.deploy.k8s.submit.ClientArguments$;
import org.apache.spark.deploy.k8s.submit.KubernetesClientUtils$;
import org.apache.spark.deploy.k8s.submit.KubernetesDriverBuilder;
import org.apache.spark.network.util.JavaUtils;
import org.apache.spark.resource.ExecutorResourceRequest;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.resource.ResourceProfile$;
import org.apache.spark.scheduler.cluster.k8s.KubernetesExecutorBuilder;
import org.apache.spark.util.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Option;
import scala.Tuple4;
import scala.collection.JavaConverters;

/**
 * The driver and executor pods that Spark 3.5.5's own Kubernetes code builds from
 * {@code conf/spark/k8s-gpu.conf} and {@code jobs/k8s/executor-pod-template.yaml}: what a GPU user relies on
 * before any cluster sees them. The submission is prepared as spark-submit does it (SparkSubmitArguments with
 * {@code --properties-file}, SparkSubmit.prepareSubmitEnvironment, the Kubernetes ClientArguments), the driver pod
 * comes from KubernetesDriverBuilder, and the executor pod from KubernetesExecutorBuilder with the configuration
 * and pod template the driver receives through its ConfigMaps and the default resource profile the driver derives
 * from them. The Kubernetes client is Spark's (SparkKubernetesClientFactory) pointed at a local socket that must
 * see no connection: building specs and loading the template are local. Not tested: a real cluster, scheduling,
 * the image's contents, or a GPU.
 *
 * <p>Expected values are read from the conf file, its spark-submit comment and the template, never copied here;
 * the only constant is {@code nvidia.com/gpu}, the resource the NVIDIA device plugin offers.
 */
class KubernetesPodSpecTest {
  /** The extended resource of the NVIDIA device plugin: what the executor pods must ask Kubernetes for. */
  private static final String NVIDIA_GPU = "nvidia.com/gpu";
  /** Application arguments of the submission (any; the driver must pass them on unchanged). */
  private static final List<String> APP_ARGS = List.of("train", "--data", "s3a://b/d", "--out", "s3a://b/o");
  private static final Pattern SUBMIT_COMMENT = Pattern.compile("--class\\s+(\\S+)\\s+(local://\\S+)");

  @TempDir static Path tmp;

  private static ServerSocket apiServer;
  private static KubernetesClient client;
  /** conf/spark/k8s-gpu.conf as spark-submit --properties-file reads it. */
  private static Map<String, String> conf;
  private static String mainClass;
  private static String appJar;
  private static KubernetesDriverSpec driverSpec;
  private static Pod driverPod;
  private static Container driverContainer;
  /** The driver's configuration: the spark.properties of the ConfigMap mounted into the driver pod. */
  private static SparkConf driverConf;
  private static ResourceProfile defaultProfile;
  private static Pod executorPod;
  private static Container executorContainer;
  private static Pod template;

  @BeforeAll
  static void buildThePodSpecs() throws Exception {
    Path confFile = OpsFiles.home().resolve("conf/spark/k8s-gpu.conf");
    conf = new TreeMap<>(JavaConverters.mapAsJavaMap(Utils.getPropertiesFromFile(confFile.toString())));
    Matcher submit = SUBMIT_COMMENT.matcher(Files.readString(confFile));
    assertTrue(submit.find(), "the conf's comment shows the spark-submit line with --class and a local:// jar");
    mainClass = submit.group(1);
    appJar = submit.group(2);
    // the conf's template path is relative to where spark-submit runs: the project directory (docs/operations.md)
    assertEquals(OpsFiles.home(), Path.of("").toAbsolutePath(), "the test runs where spark-submit would");
    try (InputStream in = Files.newInputStream(OpsFiles.home().resolve(required("spark.kubernetes.executor.podTemplateFile")))) {
      template = Serialization.unmarshal(in, Pod.class);
    }

    // an "API server" that must never be contacted
    apiServer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    String master = "k8s://https://127.0.0.1:" + apiServer.getLocalPort();

    // spark-submit: its argument parsing (with the properties file) and its submit environment for k8s cluster mode
    List<String> argv = new ArrayList<>(List.of("--master", master, "--properties-file", confFile.toString(),
        "--class", mainClass, appJar));
    argv.addAll(APP_ARGS);
    // no environment: SPARK_CONF_DIR and the like of this machine must not leak in
    SparkSubmitArguments args = new SparkSubmitArguments(JavaConverters.asScalaBuffer(argv).toSeq(),
        scala.collection.immutable.Map$.MODULE$.<String, String>empty());
    Tuple4<scala.collection.Seq<String>, scala.collection.Seq<String>, SparkConf, String> env =
        new SparkSubmit().prepareSubmitEnvironment(args, Option.empty());
    assertEquals("org.apache.spark.deploy.k8s.submit.KubernetesClientApplication", env._4(),
        "the conf must make spark-submit submit in Kubernetes cluster mode");
    SparkConf submitConf = env._3();

    // KubernetesClientApplication.run: the driver conf, Spark's client, the driver builder
    ClientArguments clientArgs = ClientArguments$.MODULE$.fromCommandLineArgs(
        JavaConverters.seqAsJavaList(env._1()).toArray(new String[0]));
    String appId = KubernetesConf$.MODULE$.getKubernetesAppId();
    KubernetesDriverConf kDriverConf = KubernetesConf$.MODULE$.createDriverConf(submitConf, appId,
        clientArgs.mainAppResource(), clientArgs.mainClass(), clientArgs.driverArgs(), clientArgs.proxyUser());
    client = SparkKubernetesClientFactory$.MODULE$.createKubernetesClient(
        KubernetesUtils$.MODULE$.parseMasterUrl(submitConf.get("spark.master")), Option.apply(kDriverConf.namespace()),
        Config$.MODULE$.KUBERNETES_AUTH_SUBMISSION_CONF_PREFIX(),
        SparkKubernetesClientFactory.ClientType$.MODULE$.Submission(), submitConf, Option.empty());
    driverSpec = new KubernetesDriverBuilder().buildFromFeatures(kDriverConf, client);
    driverContainer = driverSpec.pod().container();
    driverPod = new PodBuilder(driverSpec.pod().pod()).editSpec().addToContainers(driverContainer).endSpec().build();

    // the configuration the driver starts with (Client.run writes it into the driver's ConfigMap)
    Map<String, String> confFiles = JavaConverters.mapAsJavaMap(KubernetesClientUtils$.MODULE$.buildSparkConfDirFilesMap(
        KubernetesClientUtils$.MODULE$.configMapNameDriver(), kDriverConf.sparkConf(), driverSpec.systemProperties()));
    Properties driverProps = new Properties();
    driverProps.load(new StringReader(confFiles.get(Constants$.MODULE$.SPARK_CONF_FILE_NAME())));
    driverConf = new SparkConf(false);
    driverProps.stringPropertyNames().forEach(k -> driverConf.set(k, driverProps.getProperty(k)));

    // in the driver: the executor pod template arrives through the ConfigMap PodTemplateConfigMapStep mounts
    Path mountedTemplate = Files.writeString(tmp.resolve("pod-spec-template.yml"), mountedExecutorTemplate());
    SparkConf executorSide = driverConf.clone().set(Config$.MODULE$.KUBERNETES_EXECUTOR_PODTEMPLATE_FILE().key(),
        mountedTemplate.toString());
    // the default resource profile, as the driver's SparkContext creates it (SparkContext.stop clears it)
    ResourceProfile$.MODULE$.clearDefaultProfile();
    defaultProfile = ResourceProfile$.MODULE$.getOrCreateDefaultProfile(executorSide);
    KubernetesExecutorConf kExecutorConf = KubernetesConf$.MODULE$.createExecutorConf(executorSide, "1", appId,
        Option.apply(driverPod), defaultProfile.id());
    SecurityManager secMgr = new SecurityManager(executorSide, Option.empty(),
        org.apache.spark.internal.config.package$.MODULE$.AUTH_SECRET_FILE());
    KubernetesExecutorSpec executorSpec = new KubernetesExecutorBuilder().buildFromFeatures(kExecutorConf, secMgr, client,
        defaultProfile);
    executorContainer = executorSpec.pod().container();
    executorPod = new PodBuilder(executorSpec.pod().pod()).editOrNewSpec().addToContainers(executorContainer).endSpec()
        .build();
  }

  @AfterAll
  static void cleanUp() throws Exception {
    ResourceProfile$.MODULE$.clearDefaultProfile();
    if (client != null) {
      client.close();
    }
    if (apiServer != null) {
      apiServer.close();
    }
  }

  @Test
  void nothingContactedTheApiServer() throws Exception {
    apiServer.setSoTimeout(100);
    assertThrows(SocketTimeoutException.class, apiServer::accept, "building pod specs must not connect");
  }

  @Test
  void executorsAskKubernetesForTheGpuAmount() {
    String amount = required("spark.executor.resource.gpu.amount");
    assertEquals("nvidia.com", required("spark.executor.resource.gpu.vendor"), "the NVIDIA device plugin's vendor");
    Quantity limit = executorContainer.getResources().getLimits().get(NVIDIA_GPU);
    assertNotNull(limit, "the executor container needs a " + NVIDIA_GPU + " limit: " + executorContainer.getResources());
    assertEquals(Quantity.getAmountInBytes(new Quantity(amount)), Quantity.getAmountInBytes(limit), NVIDIA_GPU + " limit");
    // extended resources: Kubernetes takes the request from the limit; Spark sets no other GPU entry
    assertFalse(executorContainer.getResources().getRequests().containsKey(NVIDIA_GPU));
    // the driver runs on a CPU node (the conf asks for no driver GPU)
    assertFalse(driverContainer.getResources().getLimits().containsKey(NVIDIA_GPU));
  }

  @Test
  void executorsFindTheirGpuWithTheProjectsDiscoveryScriptInTheImage() {
    String script = required("spark.executor.resource.gpu.discoveryScript");
    // the executor runs the script its resource profile names; the driver derives that profile from its conf
    ExecutorResourceRequest gpu = JavaConverters.mapAsJavaMap(defaultProfile.executorResources()).get("gpu");
    assertNotNull(gpu, "the default resource profile must request the GPU");
    assertEquals(script, gpu.discoveryScript());
    assertEquals(Long.parseLong(required("spark.executor.resource.gpu.amount")), gpu.amount());
    assertEquals(script, driverConf.get("spark.executor.resource.gpu.discoveryScript"));
    // the image holds the project at the root of the application jar (docs/operations.md, "Kubernetes with GPUs"):
    // <root>/lib/score-sde.jar, <root>/jobs/k8s/gpu-discovery.sh
    Path jar = Path.of(java.net.URI.create(appJar).getPath());
    Path root = jar.getParent().getParent();
    Path inImage = Path.of(script);
    assertTrue(inImage.startsWith(root), script + " must be in the project directory of the image, " + root);
    Path inProject = OpsFiles.home().resolve(root.relativize(inImage).toString());
    assertTrue(Files.isRegularFile(inProject), "the image copies " + inProject + " from the project");
    assertTrue(Files.isExecutable(inProject), "Spark executes the discovery script directly: " + inProject);
    String docs = readDocs();
    assertTrue(docs.contains("`" + root + "`") && docs.contains("`" + root.relativize(inImage) + "`"),
        "docs/operations.md must tell to put " + root.relativize(inImage) + " into " + root + " of the image");
  }

  @Test
  void ompThreadsAsTheConfSetsThem() {
    assertEquals(required("spark.kubernetes.driverEnv.OMP_NUM_THREADS"), env(driverContainer).get("OMP_NUM_THREADS"));
    assertEquals(required("spark.executorEnv.OMP_NUM_THREADS"), env(executorContainer).get("OMP_NUM_THREADS"));
  }

  @Test
  void memoryRequestsAndLimitsAreMemoryPlusOverhead() {
    for (String side : List.of("driver", "executor")) {
      Container c = side.equals("driver") ? driverContainer : executorContainer;
      long mib = JavaUtils.byteStringAsMb(required("spark." + side + ".memory"))
          + JavaUtils.byteStringAsMb(required("spark." + side + ".memoryOverhead"));
      Quantity request = c.getResources().getRequests().get("memory");
      Quantity limit = c.getResources().getLimits().get("memory");
      assertNotNull(request, side);
      assertNotNull(limit, side);
      assertEquals(BigDecimal.valueOf(mib * 1024 * 1024), Quantity.getAmountInBytes(request), side + " memory request");
      assertEquals(BigDecimal.valueOf(mib * 1024 * 1024), Quantity.getAmountInBytes(limit), side + " memory limit");
    }
  }

  @Test
  void cpuRequestsFollowTheCores() {
    String driverCores = conf.getOrDefault("spark.kubernetes.driver.request.cores", conf.getOrDefault("spark.driver.cores", "1"));
    String executorCores = conf.getOrDefault("spark.kubernetes.executor.request.cores", required("spark.executor.cores"));
    // quantities: "4", "3500m" and "3.5" are all valid request values
    assertEquals(Quantity.getAmountInBytes(new Quantity(driverCores)),
        Quantity.getAmountInBytes(driverContainer.getResources().getRequests().get("cpu")), "driver cpu request");
    assertEquals(Quantity.getAmountInBytes(new Quantity(executorCores)),
        Quantity.getAmountInBytes(executorContainer.getResources().getRequests().get("cpu")), "executor cpu request");
    assertEquals(required("spark.executor.cores"), env(executorContainer).get("SPARK_EXECUTOR_CORES"));
  }

  @Test
  void bothPodsRunTheConfiguredImage() {
    String image = required("spark.kubernetes.container.image");
    assertEquals(conf.getOrDefault("spark.kubernetes.driver.container.image", image), driverContainer.getImage());
    assertEquals(conf.getOrDefault("spark.kubernetes.executor.container.image", image), executorContainer.getImage());
    String pullPolicy = required("spark.kubernetes.container.image.pullPolicy");
    assertEquals(pullPolicy, driverContainer.getImagePullPolicy());
    assertEquals(pullPolicy, executorContainer.getImagePullPolicy());
  }

  @Test
  void theDriverRunsTheApplicationJarsMainClassWithTheArguments() {
    List<String> driverArgs = driverContainer.getArgs();
    assertEquals("driver", driverArgs.get(0));
    int at = driverArgs.indexOf("--class");
    assertTrue(at > 0, "driver arguments: " + driverArgs);
    List<String> expected = new ArrayList<>(List.of(mainClass, appJar));
    expected.addAll(APP_ARGS);
    assertEquals(expected, driverArgs.subList(at + 1, driverArgs.size()));
    assertTrue(appJar.startsWith("local:///"), "the jar inside the image, not uploaded: " + appJar);
  }

  @Test
  void theExecutorPodHasTheTemplatesGpuNodeSelectorTolerationAndShm() {
    // what the template is for
    assertFalse(template.getSpec().getNodeSelector().isEmpty(), "the template selects GPU nodes");
    assertFalse(template.getSpec().getTolerations().isEmpty(), "the template tolerates the GPU taint");
    Container templateContainer = template.getSpec().getContainers().get(0);
    VolumeMount shm = templateContainer.getVolumeMounts().stream().filter(m -> m.getMountPath().equals("/dev/shm"))
        .findFirst().orElseThrow(() -> new AssertionError("the template mounts a volume at /dev/shm"));
    Volume shmVolume = template.getSpec().getVolumes().stream().filter(v -> v.getName().equals(shm.getName()))
        .findFirst().orElseThrow(() -> new AssertionError("the template declares the /dev/shm volume"));
    assertEquals("Memory", shmVolume.getEmptyDir().getMedium(), "/dev/shm must be in memory");

    // and what reaches the executor pod Spark builds
    template.getSpec().getNodeSelector().forEach((k, v) ->
        assertEquals(v, executorPod.getSpec().getNodeSelector().get(k), "node selector " + k));
    assertTrue(executorPod.getSpec().getTolerations().containsAll(template.getSpec().getTolerations()),
        "tolerations " + executorPod.getSpec().getTolerations());
    assertTrue(executorPod.getSpec().getVolumes().contains(shmVolume), "volumes " + executorPod.getSpec().getVolumes());
    assertTrue(executorContainer.getVolumeMounts().contains(shm), "mounts " + executorContainer.getVolumeMounts());
    assertEquals(templateContainer.getName(), executorContainer.getName(), "Spark uses the template's container");
    assertEquals(1, executorPod.getSpec().getContainers().size(), "the executor pod has the Spark container only");
    // and not the driver's (it runs on a CPU node)
    assertTrue(driverPod.getSpec().getNodeSelector() == null
        || !driverPod.getSpec().getNodeSelector().keySet().containsAll(template.getSpec().getNodeSelector().keySet()));
  }

  @Test
  void theDriverRunsAsTheServiceAccount() {
    String account = required("spark.kubernetes.authenticate.driver.serviceAccountName");
    assertEquals(account, driverPod.getSpec().getServiceAccountName());
  }

  @Test
  void theDriverGetsTheExecutorTemplateThroughAConfigMap() throws Exception {
    String templateText = Files.readString(OpsFiles.home().resolve(required("spark.kubernetes.executor.podTemplateFile")));
    assertEquals(templateText, mountedExecutorTemplate(), "the ConfigMap carries the template file as it is");
    assertTrue(driverConf.get(Config$.MODULE$.KUBERNETES_EXECUTOR_PODTEMPLATE_FILE().key()).startsWith("/"),
        "the driver reads the template from its mount, not the submitting machine's relative path");
  }

  /** The executor pod template as the driver pod sees it: the ConfigMap item mounted at the driver's template path. */
  private static String mountedExecutorTemplate() {
    Path inDriver = Path.of(driverConf.get(Config$.MODULE$.KUBERNETES_EXECUTOR_PODTEMPLATE_FILE().key()));
    VolumeMount mount = driverContainer.getVolumeMounts().stream()
        .filter(m -> inDriver.startsWith(m.getMountPath())).findFirst()
        .orElseThrow(() -> new AssertionError("no volume of the driver is mounted above " + inDriver));
    Volume volume = driverPod.getSpec().getVolumes().stream().filter(v -> v.getName().equals(mount.getName()))
        .findFirst().orElseThrow();
    assertNotNull(volume.getConfigMap(), "the template reaches the driver in a ConfigMap");
    String file = Path.of(mount.getMountPath()).relativize(inDriver).toString();
    KeyToPath item = volume.getConfigMap().getItems().stream().filter(i -> i.getPath().equals(file)).findFirst()
        .orElseThrow(() -> new AssertionError("no item of " + volume.getConfigMap().getName() + " is " + file));
    Optional<ConfigMap> configMap = JavaConverters.seqAsJavaList(driverSpec.driverKubernetesResources()).stream()
        .filter(r -> r instanceof ConfigMap).map(r -> (ConfigMap) r)
        .filter(r -> r.getMetadata().getName().equals(volume.getConfigMap().getName())).findFirst();
    assertTrue(configMap.isPresent(), "Spark creates the ConfigMap " + volume.getConfigMap().getName());
    String text = configMap.get().getData().get(item.getKey());
    assertNotNull(text, item.getKey());
    return text;
  }

  private static String required(String key) {
    String v = conf.get(key);
    assertNotNull(v, "conf/spark/k8s-gpu.conf must set " + key);
    return v;
  }

  private static Map<String, String> env(Container c) {
    Map<String, String> m = new TreeMap<>();
    for (EnvVar e : c.getEnv()) {
      if (e.getValue() != null) {
        m.put(e.getName(), e.getValue());
      }
    }
    return m;
  }

  private static String readDocs() {
    try {
      return Files.readString(OpsFiles.home().resolve("docs/operations.md"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
