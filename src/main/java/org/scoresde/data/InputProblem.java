package org.scoresde.data;

/**
 * Something wrong with the user's input data (a truncated file, a wrong magic number, a non-image
 * file): names the file and the problem, so the job can report it as one {@code error:} line.
 */
public final class InputProblem extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String file;
  private final String problem;

  public InputProblem(String file, String problem) {
    super(file + ": " + problem);
    this.file = file;
    this.problem = problem;
  }

  public InputProblem(String file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
    this.file = file;
    this.problem = problem;
  }

  public String file() {
    return file;
  }

  public String problem() {
    return problem;
  }
}
