package org.scoresde.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The SHA-256 that travels beside every model file and checkpoint as {@code NAME.sha256}, in the
 * format of {@code sha256sum} ("hex  NAME"), so readers can refuse a corrupt or modified file and
 * people can check it with standard tools.
 */
public final class ChecksumFile {
  /** The suffix of the checksum file beside a file. */
  public static final String SUFFIX = ".sha256";
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  private ChecksumFile() {}

  /** A file that fails its checksum, or whose checksum file is missing or malformed; the message names both. */
  public static final class Untrusted extends IOException {
    private static final long serialVersionUID = 1L;

    public Untrusted(String message) {
      super(message);
    }
  }

  /** The checksum file that belongs beside {@code file}. */
  public static Path besides(Path file) {
    return file.resolveSibling(file.getFileName() + SUFFIX);
  }

  /** The SHA-256 of bytes, as lower-case hex. */
  public static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(digest().digest(bytes));
  }

  /** The SHA-256 of a file's content, as lower-case hex. */
  public static String sha256(Path file) throws IOException {
    MessageDigest md = digest();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** The content of a checksum file for a file called {@code name} with this hash. */
  public static String line(String sha256Hex, String name) {
    return sha256Hex + "  " + name + "\n";
  }

  /** Writes {@code file}'s checksum beside it (atomically: temporary file, then rename). */
  public static void write(Path file, String sha256Hex) throws IOException {
    Path target = besides(file);
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.writeString(tmp, line(sha256Hex, file.getFileName().toString()), StandardCharsets.US_ASCII);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * The hash recorded in a checksum file's content (the first field); {@code what} names the file
   * in error messages.
   */
  public static String parse(String content, String what) throws Untrusted {
    String first = content.strip().split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
    if (!HEX64.matcher(first).matches()) {
      throw new Untrusted(what + " does not hold a SHA-256 (expected 64 hex digits, then the file name)");
    }
    return first;
  }

  /** Reads the hash recorded beside {@code file}, refusing when it is missing or malformed. */
  public static String expected(Path file) throws IOException {
    Path sum = besides(file);
    String content;
    try {
      content = Files.readString(sum, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new Untrusted(file + " has no checksum file " + sum.getFileName()
          + " beside it; refusing to load an unverified file");
    }
    return parse(content, sum.toString());
  }

  /** Refuses {@code bytes} (read from {@code what}) unless their SHA-256 is the expected one. */
  public static void verify(byte[] bytes, String expectedHex, String what) throws Untrusted {
    String actual = sha256(bytes);
    if (!actual.equals(expectedHex)) {
      throw new Untrusted(what + " is corrupt or was modified: its SHA-256 is " + actual
          + " but its checksum file says " + expectedHex);
    }
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }
}
