package org.scoresde.model;

import java.io.IOException;

/** A model file or checkpoint that cannot be trusted or read; the message names the file and the problem. */
public final class ModelFileException extends IOException {
  private static final long serialVersionUID = 1L;

  public ModelFileException(String message) {
    super(message);
  }

  public ModelFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
