package org.scoresde.ops;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.scoresde.testing.SparkDistribution;

/** Where the operations tests find the project's files and the JVM flags they start child JVMs with. */
final class OpsFiles {
  private OpsFiles() {}

  /** The project directory (surefire sets SCORE_SDE_HOME; else the working directory). */
  static Path home() {
    return SparkDistribution.projectHome();
  }

  /** The --add-opens flags of pom.xml's java17.opens property: what every JVM of the project needs on Java 17. */
  static List<String> java17Opens() throws Exception {
    String pom = Files.readString(home().resolve("pom.xml"));
    Matcher m = Pattern.compile("<java17.opens>(.*?)</java17.opens>", Pattern.DOTALL).matcher(pom);
    if (!m.find()) {
      throw new IllegalStateException("pom.xml has no java17.opens property");
    }
    return List.of(m.group(1).trim().split("\\s+"));
  }

  /** The java executable of this JVM. */
  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** This JVM's class path entries. */
  static List<String> classPath() {
    return new ArrayList<>(List.of(System.getProperty("java.class.path").split(File.pathSeparator)));
  }
}
