package org.scoresde.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on this machine for the benchmark: one master and N workers, each a
 * JVM started from this JVM's own classpath (no Spark distribution; a SPARK_HOME whose jars/ links
 * to those jars, and jars packed from classpath directories when run from Maven). Executors run in
 * JVMs of their own under the workers and load the same jars.
 */
final class LocalStandaloneCluster implements AutoCloseable {
  private final Path home;
  private final int masterPort;
  private final List<Process> processes = new ArrayList<>();

  private LocalStandaloneCluster(Path home, int masterPort) {
    this.home = home;
    this.masterPort = masterPort;
  }

  /** Starts a master and {@code workers} workers of {@code cores} cores and {@code memory} each; waits until they registered. */
  static LocalStandaloneCluster start(Path dir, int workers, int cores, String memory) throws IOException, InterruptedException {
    Path home = dir.resolve("spark-home");
    Path jars = home.resolve("jars");
    Files.createDirectories(jars);
    Files.writeString(home.resolve("RELEASE"), "score-sde bench cluster\n");
    int packed = 0;
    for (Path p : ChildJvm.classpath()) {
      if (Files.isRegularFile(p) && p.toString().endsWith(".jar")) {
        Path link = jars.resolve(p.getFileName().toString());
        if (!Files.exists(link)) {
          Files.createSymbolicLink(link, p);
        }
      } else if (Files.isDirectory(p)) {
        packDirectory(p, jars.resolve("score-sde-classes-" + packed++ + ".jar"));
      }
    }
    int port = freePort();
    LocalStandaloneCluster c = new LocalStandaloneCluster(home, port);
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
      c.awaitWorkers(dir.resolve("master.log"), workers, 90);
      return c;
    } catch (IOException | InterruptedException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
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

  /** Packs the files under {@code classes} into {@code jar}. */
  private static void packDirectory(Path classes, Path jar) throws IOException {
    try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os);
         Stream<Path> files = Files.walk(classes)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        Files.copy(f, out);
        out.closeEntry();
      }
    }
  }

  /** Stops the executors, workers and master this cluster started. */
  @Override
  public void close() {
    ProcessHandle.allProcesses()
        .filter(ph -> ph.info().commandLine().map(cl -> cl.contains("CoarseGrainedExecutorBackend")
            && cl.contains(home.toString())).orElse(false))
        .forEach(ProcessHandle::destroyForcibly);
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
