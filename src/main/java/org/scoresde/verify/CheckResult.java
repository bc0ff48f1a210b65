package org.scoresde.verify;

/**
 * One line of the verify table: what was checked, the measured value, the tolerance it must stay
 * within, and whether it did.
 */
public record CheckResult(String group, String check, double value, double tolerance, boolean pass, String detail) {

  /** A check that passes when value <= tolerance (NaN never passes). */
  public static CheckResult atMost(String group, String check, double value, double tolerance, String detail) {
    return new CheckResult(group, check, value, tolerance, value <= tolerance, detail);
  }

  /** A check that passes when value >= tolerance, e.g. a p-value against its level. */
  public static CheckResult atLeast(String group, String check, double value, double tolerance, String detail) {
    return new CheckResult(group, check, value, tolerance, value >= tolerance, detail);
  }
}
