package org.scoresde.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import org.scoresde.io.JarPacker;

/**
 * A Spark standalone cluster on this machine, for the benchmark and the cluster tests: one master
 * and N workers, each a JVM started from this JVM's own classpath (no Spark distribution; a
 * SPARK_HOME whose jars/ links to those jars). Executors run in JVMs of their own under the workers.
 * This JVM's class directories (when run from Maven) are packed either onto the cluster's classpath
 * or into an application jar that the driver ships as spark.jars, as a real deployment does.
 */
public final class LocalStandaloneCluster implements AutoCloseable {
  private static final String EXECUTOR_MAIN = "org.apache.spark.executor.CoarseGrainedExecutorBackend";
  private final Path home;
  private final int masterPort;
  private final Optional<Path> applicationJar;
  private final List<Process> processes = new ArrayList<>();

  private LocalStandaloneCluster(Path home, int masterPort, Optional<Path> applicationJar) {
    this.home = home;
    this.masterPort = masterPort;
    this.applicationJar = applicationJar;
  }

  /**
   * Starts a master and {@code workers} workers of {@code cores} cores and {@code memory} each, with
   * this JVM's class directories on the cluster's classpath; waits until the workers registered.
   */
  public static LocalStandaloneCluster start(Path dir, int workers, int cores, String memory)
      throws IOException, InterruptedException {
    return start(dir, workers, cores, memory, false);
  }

  /**
   * As {@link #start(Path, int, int, String)}, but this JVM's class directories go into
   * {@link #applicationJar()} only, so executors load them from spark.jars.
   */
  public static LocalStandaloneCluster startWithApplicationJar(Path dir, int workers, int cores, String memory)
      throws IOException, InterruptedException {
    return start(dir, workers, cores, memory, true);
  }

  private static LocalStandaloneCluster start(Path dir, int workers, int cores, String memory, boolean shipClasses)
      throws IOException, InterruptedException {
    Path home = dir.resolve("spark-home");
    Path jars = home.resolve("jars");
    Files.createDirectories(jars);
    Files.writeString(home.resolve("RELEASE"), "score-sde local cluster\n");
    List<Path> classDirectories = new ArrayList<>();
    for (Path p : ChildJvm.classpath()) {
      if (Files.isRegularFile(p) && p.toString().endsWith(".jar")) {
        Path link = jars.resolve(p.getFileName().toString());
        if (!Files.exists(link)) {
          Files.createSymbolicLink(link, p);
        }
      } else if (Files.isDirectory(p)) {
        classDirectories.add(p);
      }
    }
    Path classesJar = shipClasses ? dir.resolve("score-sde-app.jar") : jars.resolve("score-sde-classes.jar");
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    JarPacker.pack(classDirectories, classesJar, manifest);
    return launch(home, dir, Optional.of(classesJar).filter(j -> shipClasses), workers, cores, memory);
  }

  /**
   * Starts a master and {@code workers} workers from the Spark installation {@code sparkHome} (its
   * jars/ alone make their class path and their executors'), with logs and work directories under
   * {@code dir}: nothing of this project reaches the executors unless the driver ships it.
   */
  public static LocalStandaloneCluster startOnSparkHome(Path sparkHome, Path dir, int workers, int cores, String memory)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    return launch(sparkHome, dir, Optional.empty(), workers, cores, memory);
  }

  private static LocalStandaloneCluster launch(Path home, Path dir, Optional<Path> applicationJar, int workers,
      int cores, String memory) throws IOException, InterruptedException {
    int port = freePort();
    LocalStandaloneCluster c = new LocalStandaloneCluster(home, port, applicationJar);
    try {
      c.launch(dir.resolve("master.log"), "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
          "--port", String.valueOf(port), "--webui-port", String.valueOf(freePort()));
      c.awaitPort(port, 60);
      for (int i = 0; i < workers; i++) {
        Path work = Files.createDirectories(dir.resolve("work-" + i));
        c.launch(dir.resolve("worker-" + i + ".log"), "org.apache.spark.deploy.worker.Worker", c.masterUrl(),
            "--host", "127.0.0.1", "--cores", String.valueOf(cores), "--memory", memory,
            "--webui-port", String.valueOf(freePort()), "--work-dir", work.toString());
      }
      awaitWorkers(dir.resolve("master.log"), workers, 90);
      return c;
    } catch (IOException | InterruptedException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  public String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  /** The jar of this JVM's classes to pass as spark.jars; present only for {@link #startWithApplicationJar}. */
  public Optional<Path> applicationJar() {
    return applicationJar;
  }

  /** The PIDs of the executor JVMs currently running under the workers. */
  public List<Long> executorPids() {
    return ProcessHandle.allProcesses()
        .filter(ph -> ph.info().commandLine().map(cl -> cl.contains(EXECUTOR_MAIN) && cl.contains(home.toString()))
            .orElse(false))
        .map(ProcessHandle::pid)
        .toList();
  }

  /**
   * The PID of the executor JVM this cluster runs for application {@code appId} under executor id
   * {@code executorId} (as Spark's scheduler names it), or empty when no such JVM is alive.
   */
  public OptionalLong executorPid(String appId, String executorId) {
    return ProcessHandle.allProcesses()
        .filter(ph -> ph.info().arguments().map(a -> isExecutor(List.of(a), appId, executorId)).orElse(false))
        .mapToLong(ProcessHandle::pid)
        .findFirst();
  }

  private boolean isExecutor(List<String> args, String appId, String executorId) {
    return args.contains(EXECUTOR_MAIN)
        && args.stream().anyMatch(a -> a.contains(home.toString()))
        && executorId.equals(valueOf(args, "--executor-id"))
        && appId.equals(valueOf(args, "--app-id"));
  }

  private static String valueOf(List<String> args, String option) {
    int i = args.indexOf(option);
    return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : null;
  }

  private void launch(Path log, String mainClass, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ChildJvm.java());
    cmd.addAll(ChildJvm.opens());
    cmd.add("-Xmx512m");
    cmd.add("-cp");
    cmd.add(home.resolve("jars") + "/*");
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", home.toString());
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("SPARK_SCALA_VERSION", "2.12");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    processes.add(pb.start());
  }

  private void awaitPort(int port, int seconds) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        Thread.sleep(200);
      }
    }
    throw new IllegalStateException("the Spark master did not open port " + port + " in " + seconds + " s");
  }

  private static void awaitWorkers(Path log, int workers, int seconds) throws IOException, InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      if (Files.readAllLines(log).stream().filter(l -> l.contains("Registering worker")).count() >= workers) {
        return;
      }
      Thread.sleep(300);
    }
    throw new IllegalStateException("not all of " + workers + " workers registered in " + seconds + " s; see " + log);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Stops the executors, workers and master this cluster started. */
  @Override
  public void close() {
    for (Long pid : executorPids()) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    for (Process p : processes) {
      try {
        p.waitFor(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
