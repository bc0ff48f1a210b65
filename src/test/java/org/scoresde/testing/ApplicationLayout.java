package org.scoresde.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.scoresde.io.JarPacker;

/**
 * The project as {@code mvn package} lays it out, rebuilt under a directory from this build's
 * classes and the two class-path lists it writes (target/class-path/application.txt and spark.txt):
 * lib/score-sde.jar whose manifest Class-Path names lib/deps/, Spark's own jars in lib/spark/, the
 * launcher in jobs/ and conf/. Libraries are symbolic links to the local Maven repository.
 */
public record ApplicationLayout(Path root, List<Path> deps, List<Path> spark) {

  public static ApplicationLayout create(Path root) throws IOException {
    Path lib = Files.createDirectories(root.resolve("lib"));
    List<Path> deps = link(classPath("application.txt"), Files.createDirectories(lib.resolve("deps")));
    List<Path> spark = link(classPath("spark.txt"), Files.createDirectories(lib.resolve("spark")));
    Path jobs = Files.createDirectories(root.resolve("jobs"));
    Files.copy(SparkDistribution.projectHome().resolve("jobs/score-sde"), jobs.resolve("score-sde"));
    jobs.resolve("score-sde").toFile().setExecutable(true);
    Path conf = Files.createDirectories(root.resolve("conf"));
    try (Stream<Path> files = Files.list(SparkDistribution.projectHome().resolve("conf"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, conf.resolve(f.getFileName()));
      }
    }
    // last: the launcher rebuilds a jar older than conf/defaults.conf
    String manifestClassPath = deps.stream().map(d -> "deps/" + d.getFileName()).collect(Collectors.joining(" "));
    writeJar(SparkDistribution.projectHome().resolve("target/classes"), lib.resolve("score-sde.jar"), manifestClassPath);
    return new ApplicationLayout(root, deps, spark);
  }

  public Path jar() {
    return root.resolve("lib/score-sde.jar");
  }

  public Path launcher() {
    return root.resolve("jobs/score-sde");
  }

  /** The jar files of a class-path list the build wrote. */
  public static List<Path> classPath(String name) throws IOException {
    Path file = SparkDistribution.projectHome().resolve("target/class-path").resolve(name);
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(file + " is missing: the build writes it at generate-test-resources (mvn test)");
    }
    List<Path> jars = new ArrayList<>();
    for (String entry : Files.readString(file).trim().split(java.io.File.pathSeparator)) {
      if (entry.endsWith(".jar")) {
        jars.add(Path.of(entry));
      }
    }
    return jars;
  }

  private static List<Path> link(List<Path> jars, Path dir) throws IOException {
    List<Path> links = new ArrayList<>();
    for (Path jar : jars) {
      Path link = dir.resolve(jar.getFileName());
      if (!Files.exists(link)) {
        Files.createSymbolicLink(link, jar);
        links.add(link);
      }
    }
    return links;
  }

  /** A jar of the compiled classes with Main-Class, and Class-Path when given (as maven-jar-plugin writes it). */
  public static void writeJar(Path classes, Path jar, String classPath) throws IOException {
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "org.scoresde.cli.Main");
    if (classPath != null) {
      mf.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
    }
    JarPacker.pack(List.of(classes), jar, mf);
  }
}
