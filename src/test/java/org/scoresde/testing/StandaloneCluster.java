package org.scoresde.testing;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A real Spark standalone cluster for tests: one master and N workers, each a separate JVM started
 * from this project's own classpath (no Spark distribution), as STACK.md describes. Executors run in
 * JVMs of their own under the workers; {@link #applicationJar()} ships the project's classes.
 */
public final class StandaloneCluster implements AutoCloseable {
  private static final String[] OPENS = {
    "java.lang", "java.lang.invoke", "java.lang.reflect", "java.io", "java.net", "java.nio", "java.util",
    "java.util.concurrent", "java.util.concurrent.atomic", "sun.nio.ch", "sun.nio.cs", "sun.security.action",
    "sun.util.calendar"
  };
  private final Path home;
  private final int masterPort;
  private final List<Process> processes = new ArrayList<>();
  private final Path appJar;

  private StandaloneCluster(Path home, int masterPort, Path appJar) {
    this.home = home;
    this.masterPort = masterPort;
    this.appJar = appJar;
  }

  /** Starts a master and {@code workers} workers with {@code coresPerWorker} cores and {@code memory} (e.g. "2g") each. */
  public static StandaloneCluster start(Path dir, int workers, int coresPerWorker, String memory) throws Exception {
    Path home = dir.resolve("spark-home");
    Path jars = home.resolve("jars");
    Files.createDirectories(jars);
    Files.writeString(home.resolve("RELEASE"), "score-sde test cluster\n");
    Path appJar = dir.resolve("score-sde-test-app.jar");
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(entry);
      if (entry.endsWith(".jar") && Files.isRegularFile(p)) {
        Path link = jars.resolve(p.getFileName().toString());
        if (!Files.exists(link)) {
          Files.createSymbolicLink(link, p.toAbsolutePath());
        }
      } else if (Files.isDirectory(p) && p.getFileName().toString().endsWith("classes")) {
        jarDirectory(p, appJar);
      }
    }
    int port = freePort();
    StandaloneCluster c = new StandaloneCluster(home, port, appJar);
    try {
      c.launch(dir.resolve("master.log"), "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
          String.valueOf(port), "--webui-port", String.valueOf(freePort()));
      c.awaitPort(port, Duration.ofSeconds(60));
      for (int i = 0; i < workers; i++) {
        Path workDir = dir.resolve("work-" + i);
        Files.createDirectories(workDir);
        c.launch(dir.resolve("worker-" + i + ".log"), "org.apache.spark.deploy.worker.Worker", c.masterUrl(),
            "--host", "127.0.0.1", "--cores", String.valueOf(coresPerWorker), "--memory", memory,
            "--webui-port", String.valueOf(freePort()), "--work-dir", workDir.toString());
      }
      c.awaitWorkers(dir, workers, Duration.ofSeconds(90));
      return c;
    } catch (Exception e) {
      c.close();
      throw e;
    }
  }

  public String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  /** A jar of the project's compiled classes (main and test), to pass as spark.jars. */
  public Path applicationJar() {
    return appJar;
  }

  /** The PIDs of the executor JVMs currently running under the workers. */
  public List<Long> executorPids() {
    return ProcessHandle.allProcesses()
        .filter(ph -> ph.info().commandLine().map(cl -> cl.contains("CoarseGrainedExecutorBackend")
            && cl.contains(home.toString())).orElse(false))
        .map(ProcessHandle::pid)
        .toList();
  }

  /**
   * The PID of the executor JVM this cluster runs for application {@code appId} under executor id
   * {@code executorId} (as Spark's scheduler names it), or empty when no such JVM is alive.
   */
  public java.util.OptionalLong executorPid(String appId, String executorId) {
    return ProcessHandle.allProcesses()
        .filter(ph -> ph.info().arguments().map(a -> isExecutor(List.of(a), appId, executorId)).orElse(false))
        .mapToLong(ProcessHandle::pid)
        .findFirst();
  }

  private boolean isExecutor(List<String> args, String appId, String executorId) {
    int id = args.indexOf("--executor-id");
    int app = args.indexOf("--app-id");
    return args.contains("org.apache.spark.executor.CoarseGrainedExecutorBackend")
        && args.stream().anyMatch(a -> a.contains(home.toString()))
        && id >= 0 && id + 1 < args.size() && args.get(id + 1).equals(executorId)
        && app >= 0 && app + 1 < args.size() && args.get(app + 1).equals(appId);
  }

  private void launch(Path log, String mainClass, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String p : OPENS) {
      cmd.add("--add-opens=java.base/" + p + "=ALL-UNNAMED");
    }
    cmd.add("-Xmx512m");
    cmd.add("-cp");
    cmd.add(home.resolve("jars") + File.separator + "*");
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

  private void awaitPort(int port, Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        Thread.sleep(200);
      }
    }
    throw new IllegalStateException("Spark master did not open port " + port);
  }

  private void awaitWorkers(Path dir, int workers, Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    Path log = dir.resolve("master.log");
    while (System.nanoTime() < end) {
      long registered = Files.readAllLines(log).stream().filter(l -> l.contains("Registering worker")).count();
      if (registered >= workers) {
        return;
      }
      Thread.sleep(300);
    }
    throw new IllegalStateException("only some of " + workers + " workers registered; see " + log);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void jarDirectory(Path classes, Path jar) throws IOException {
    boolean exists = Files.exists(jar);
    try (OutputStream os = exists ? null : Files.newOutputStream(jar)) {
      if (exists) {
        appendToJar(classes, jar);
        return;
      }
      try (JarOutputStream out = new JarOutputStream(os)) {
        writeEntries(classes, out);
      }
    }
  }

  private static void appendToJar(Path classes, Path jar) throws IOException {
    Path tmp = Files.createTempFile(jar.getParent(), "app", ".jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(tmp));
         java.util.jar.JarFile old = new java.util.jar.JarFile(jar.toFile())) {
      var names = new java.util.HashSet<String>();
      for (var e : java.util.Collections.list(old.entries())) {
        names.add(e.getName());
        out.putNextEntry(new JarEntry(e.getName()));
        old.getInputStream(e).transferTo(out);
        out.closeEntry();
      }
      try (Stream<Path> files = Files.walk(classes)) {
        for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
          String name = classes.relativize(f).toString().replace(File.separatorChar, '/');
          if (names.add(name)) {
            out.putNextEntry(new JarEntry(name));
            Files.copy(f, out);
            out.closeEntry();
          }
        }
      }
    }
    Files.move(tmp, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  private static void writeEntries(Path classes, JarOutputStream out) throws IOException {
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
        Files.copy(f, out);
        out.closeEntry();
      }
    }
  }

  /** Stops every JVM this cluster started, executors included. */
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
        p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
