package org.scoresde.io;

/**
 * A path a command reads, with the option that named it, so that an output can be refused when it
 * would contain, replace or sit inside what the command reads.
 */
public record InputPath(String option, String path) {
  public InputPath {
    if (option == null || path == null || path.isEmpty()) {
      throw new IllegalArgumentException("an input needs an option and a path");
    }
  }

  /** The file behind a model spec: the mixture file of {@code gmm:FILE}, the data of {@code empirical:DATA}, else the spec itself. */
  public static InputPath model(String spec) {
    int colon = spec.indexOf(':');
    String scheme = colon > 0 ? spec.substring(0, colon) : "";
    return new InputPath("--model", scheme.equals("gmm") || scheme.equals("empirical") ? spec.substring(colon + 1) : spec);
  }
}
