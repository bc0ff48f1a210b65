package org.scoresde.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real Fashion-MNIST that tests read: Debian's dataset-fashion-mnist package, which `.ci/run`
 * installs. A test on a machine without it is skipped with a message saying how to get it, instead
 * of failing on a missing file.
 */
public final class FashionMnist {
  /** Where Debian's package puts the four IDX files. */
  public static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");

  private FashionMnist() {}

  /** The folder of the IDX files; skips the calling test when the dataset is not installed. */
  public static Path dir() {
    assumeTrue(Files.isRegularFile(DIR.resolve("t10k-images-idx3-ubyte.gz")),
        "Fashion-MNIST is not installed at " + DIR + ": apt-get install dataset-fashion-mnist (as .ci/run does)");
    return DIR;
  }

  /** One of the dataset's files, e.g. {@code t10k-images-idx3-ubyte.gz}; skips the test when it is missing. */
  public static Path file(String name) {
    return dir().resolve(name);
  }

  /** {@link #file} as a string path. */
  public static String path(String name) {
    return file(name).toString();
  }
}
