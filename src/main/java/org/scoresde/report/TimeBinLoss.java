package org.scoresde.report;

/** The mean training loss of the examples whose diffusion time fell in [tLo, tHi) during one round. */
public record TimeBinLoss(double tLo, double tHi, double loss) {

  public double center() {
    return 0.5 * (tLo + tHi);
  }
}
