package org.scoresde.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Finding input files through Hadoop's FileSystem API: the status of a path, the data files under a
 * folder (sorted by path, skipping hidden names that start with '.' or '_', as Hadoop and Spark do),
 * gzip detection by magic number, and how to name a file in a message.
 */
public final class InputFiles {
  private InputFiles() {}

  /** The status of {@code path}, or an {@link InputProblem} saying it does not exist. */
  public static FileStatus status(String path, Configuration conf) throws IOException {
    Path p = new Path(path);
    FileSystem fs = p.getFileSystem(conf);
    try {
      return fs.getFileStatus(p);
    } catch (FileNotFoundException e) {
      throw new InputProblem(path, "no such file or folder");
    }
  }

  /**
   * {@code root} itself if it is a file, else the non-hidden files under it (recursively if asked),
   * sorted by path.
   */
  public static List<FileStatus> list(FileStatus root, boolean recursive, Configuration conf) throws IOException {
    List<FileStatus> out = new ArrayList<>();
    if (root.isFile()) {
      out.add(root);
      return out;
    }
    FileSystem fs = root.getPath().getFileSystem(conf);
    int rootDepth = root.getPath().depth();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(root.getPath(), recursive);
    while (it.hasNext()) {
      LocatedFileStatus s = it.next();
      if (s.isFile() && !hiddenBelow(s.getPath(), rootDepth)) {
        out.add(s);
      }
    }
    out.sort(Comparator.comparing(s -> s.getPath().toString()));
    return out;
  }

  /** The path components of {@code p} below a root at {@code rootDepth}. */
  public static List<String> relative(Path p, int rootDepth) {
    List<String> parts = new ArrayList<>();
    for (Path q = p; q != null && q.depth() > rootDepth; q = q.getParent()) {
      parts.add(0, q.getName());
    }
    return parts;
  }

  private static boolean hiddenBelow(Path p, int rootDepth) {
    for (String part : relative(p, rootDepth)) {
      if (part.startsWith(".") || part.startsWith("_")) {
        return true;
      }
    }
    return false;
  }

  /** True when the file starts with the gzip magic number 1f 8b. */
  public static boolean isGzip(Path p, Configuration conf) throws IOException {
    try (InputStream in = p.getFileSystem(conf).open(p)) {
      return in.read() == 0x1f && in.read() == 0x8b;
    }
  }

  /** How messages name a file: the plain path for local files, the URI otherwise. */
  public static String display(Path p) {
    return "file".equals(p.toUri().getScheme()) ? p.toUri().getPath() : p.toString();
  }

  public static String display(String p) {
    return display(new Path(p));
  }
}
