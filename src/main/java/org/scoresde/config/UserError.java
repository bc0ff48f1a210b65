package org.scoresde.config;

/**
 * A problem with what the user asked for (bad input, a missing file, an existing output): the
 * launcher prints its message as one {@code error:} line and exits non-zero, without a stack trace.
 */
public final class UserError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UserError(String message) {
    super(message);
  }

  public UserError(String message, Throwable cause) {
    super(message, cause);
  }
}
