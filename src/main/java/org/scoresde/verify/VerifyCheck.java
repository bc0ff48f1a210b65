package org.scoresde.verify;

import java.util.List;
import java.util.Random;

/** A group of checks of the mathematics against exact answers, run on fresh random problems. */
public interface VerifyCheck {

  /** The group's short name, e.g. "sde" or "likelihood". */
  String name();

  /** Runs the checks with randomness drawn from {@code rng}. */
  List<CheckResult> run(Random rng);
}
