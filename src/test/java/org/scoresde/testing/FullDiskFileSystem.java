package org.scoresde.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local disk, as {@code fulldisk:///PATH}, when it is full: every file accepts its first 256 bytes
 * and then fails the way Hadoop's local filesystem fails on ENOSPC, with an {@link FSError}.
 * Found by Hadoop through the test classpath's META-INF/services entry.
 */
public final class FullDiskFileSystem extends RawLocalFileSystem {
  public static final String SCHEME = "fulldisk";
  private static final int ROOM = 256;

  @Override
  public String getScheme() {
    return SCHEME;
  }

  @Override
  public URI getUri() {
    return URI.create(SCHEME + ":///");
  }

  @Override
  public void initialize(URI uri, Configuration conf) throws IOException {
    super.initialize(uri, conf);
    setConf(conf);
  }

  @Override
  public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize, short replication,
      long blockSize, Progressable progress) throws IOException {
    return full(super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress));
  }

  @Override
  public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
      Progressable progress) throws IOException {
    return full(super.create(f, overwrite, bufferSize, replication, blockSize, progress));
  }

  @Override
  public FSDataOutputStream createNonRecursive(Path f, FsPermission permission, java.util.EnumSet<org.apache.hadoop.fs.CreateFlag> flags,
      int bufferSize, short replication, long blockSize, Progressable progress) throws IOException {
    return full(super.createNonRecursive(f, permission, flags, bufferSize, replication, blockSize, progress));
  }

  private FSDataOutputStream full(FSDataOutputStream real) throws IOException {
    OutputStream limited = new OutputStream() {
      private long written;

      @Override
      public void write(int b) throws IOException {
        room(1);
        real.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        room(len);
        real.write(b, off, len);
      }

      private void room(int len) {
        if (written + len > ROOM) {
          throw diskFull();
        }
        written += len;
      }

      @Override
      public void close() throws IOException {
        real.close();
      }
    };
    return new FSDataOutputStream(limited, null);
  }

  /** What Hadoop's local filesystem throws on ENOSPC (its constructor is package-private). */
  private static FSError diskFull() {
    try {
      var make = FSError.class.getDeclaredConstructor(Throwable.class);
      make.setAccessible(true);
      return make.newInstance(new IOException("No space left on device"));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A path on the full disk for a local path. */
  public static String on(java.nio.file.Path local) {
    return SCHEME + "://" + local.toAbsolutePath();
  }
}
