package org.scoresde.report;

import org.apache.hadoop.fs.Path;

/** How the report names a Hadoop path to people: local paths without their {@code file:} scheme. */
final class HadoopPaths {
  private HadoopPaths() {}

  static String shown(Path p) {
    return "file".equals(p.toUri().getScheme()) ? p.toUri().getPath() : p.toString();
  }
}
