package org.scoresde.time;

import java.io.Serializable;
import org.scoresde.sde.Sde;
import org.scoresde.sde.SubVpSde;
import org.scoresde.sde.VeSde;
import org.scoresde.sde.VpSde;

/**
 * The cumulative likelihood weight F(t) = int_eta^t g(s)^2/sigma_s^2 ds of one SDE and its inverse,
 * the unnormalised cdf behind {@link ImportanceTimeSampler}. Since sigma_t^2 solves
 * d sigma^2/dt = 2 a(t) sigma^2 + g^2, the integrand is -d logSnr/dt and F(t) = logSnr(eta) - logSnr(t);
 * VP and sub-VP evaluate that difference in closed form without cancellation near eta.
 */
interface CumulativeWeight extends Serializable {

  /** F(t) for t in [eta, T]. */
  double at(double t);

  /** The t in [eta, T] with F(t) = y, for y in [0, F(T)] (callers clamp the result). */
  double timeAt(double y);

  /** The closed form for VP, sub-VP and VE; any other SDE through its log-SNR. */
  static CumulativeWeight of(Sde sde, double eta) {
    if (sde instanceof VpSde vp) {
      return new Vp(new Quadratic(vp.betaMin(), vp.betaMax(), eta));
    }
    if (sde instanceof SubVpSde sub) {
      return new SubVp(new Quadratic(sub.betaMin(), sub.betaMax(), eta));
    }
    if (sde instanceof VeSde ve) {
      return new ConstantRate(2.0 * Math.log(ve.sigmaMax() / ve.sigmaMin()), eta);
    }
    return new LogSnr(sde, eta);
  }

  /**
   * The linear beta schedule seen from eta: B(t) = b0 t + (b1-b0) t^2/2 and the increment
   * D(t) = B(t) - B(eta), with the ratio rho(t) = expm1(B(t))/expm1(B(eta)) that both VP and sub-VP
   * need. Working with D and log(rho) instead of B and log(expm1 B) keeps full relative precision
   * for t close to eta.
   */
  final class Quadratic implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final double LARGE = 300.0;
    private final double b0;
    private final double a;
    private final double eta;
    private final double betaEta;
    /** m = 1 - exp(-B(eta)). */
    private final double m;
    private final double logM;
    /** exp(-B(eta)) = 1 - m. */
    private final double em;

    Quadratic(double betaMin, double betaMax, double eta) {
      this.b0 = betaMin;
      this.a = 0.5 * (betaMax - betaMin);
      this.eta = eta;
      this.betaEta = betaMin + 2.0 * a * eta;
      double bEta = eta * (betaMin + a * eta);
      this.m = -Math.expm1(-bEta);
      this.logM = Math.log(m);
      this.em = Math.exp(-bEta);
    }

    double m() {
      return m;
    }

    double logM() {
      return logM;
    }

    double em() {
      return em;
    }

    /** D(t) = B(t) - B(eta), factored so that t - eta is exact. */
    double increment(double t) {
      return (t - eta) * (b0 + a * (t + eta));
    }

    /** The t >= eta with B(t) - B(eta) = d: the positive root of a s^2 + beta(eta) s = d, s = t - eta. */
    double timeOfIncrement(double d) {
      return eta + 2.0 * d / (betaEta + Math.sqrt(betaEta * betaEta + 4.0 * a * d));
    }

    /** log rho = log(1 + expm1(d)/m), i.e. log(e^d - e^{-B(eta)}) - log m for large d. */
    double logRatio(double d) {
      if (d <= 1.0) {
        return Math.log1p(Math.expm1(d) / m);
      }
      return d + Math.log1p(-em * Math.exp(-d)) - logM;
    }

    /** The increment d with log rho = y: expm1(d) = m expm1(y). */
    double incrementOfLogRatio(double y) {
      if (y < LARGE) {
        return Math.log1p(m * Math.expm1(y));
      }
      return y + logM + Math.log1p(em * Math.exp(-y - logM));
    }

    boolean large(double y) {
      return y >= LARGE;
    }
  }

  /** VP: g^2/sigma^2 = beta e^B/(e^B - 1) = d/dt log(e^B - 1), so F = log rho. Inverse in closed form. */
  final class Vp implements CumulativeWeight {
    private static final long serialVersionUID = 1L;
    private final Quadratic q;

    Vp(Quadratic q) {
      this.q = q;
    }

    @Override
    public double at(double t) {
      return q.logRatio(q.increment(t));
    }

    @Override
    public double timeAt(double y) {
      return q.timeOfIncrement(q.incrementOfLogRatio(y));
    }
  }

  /**
   * sub-VP: g^2/sigma^2 = beta (1 + e^{-B})/(1 - e^{-B}) = d/dt [2 log(e^B - 1) - B], so
   * F = 2 log rho - D. With rho = 1 + delta and e^D = 1 + m delta, F = y is the quadratic
   * delta^2 + (2 - m e^y) delta - expm1(y) = 0, solved by the cancellation-free root formula;
   * for very large y it is solved for log(rho) instead, to avoid overflow.
   */
  final class SubVp implements CumulativeWeight {
    private static final long serialVersionUID = 1L;
    private final Quadratic q;

    SubVp(Quadratic q) {
      this.q = q;
    }

    @Override
    public double at(double t) {
      double d = q.increment(t);
      return 2.0 * q.logRatio(d) - d;
    }

    @Override
    public double timeAt(double y) {
      double m = q.m();
      double d;
      if (!q.large(y)) {
        double b = 2.0 - m * Math.exp(y);
        double c = Math.expm1(y);
        double disc = Math.sqrt(b * b + 4.0 * c);
        double delta = b > 0 ? 2.0 * c / (b + disc) : 0.5 * (disc - b);
        d = Math.log1p(m * delta);
      } else {
        // rho^2 = e^y (1 - m + m rho): log rho = y + log m + log((1 + sqrt(1 + 4 (1-m) e^{-y}/m^2)) / 2)
        double logRho = y + q.logM()
            + Math.log(0.5 * (1.0 + Math.sqrt(1.0 + 4.0 * q.em() * Math.exp(-y - 2.0 * q.logM()))));
        // e^D = 1 - m + m rho
        d = q.logM() + logRho + Math.log1p(q.em() * Math.exp(-q.logM() - logRho));
      }
      return q.timeOfIncrement(d);
    }
  }

  /** VE: g^2/sigma^2 = 2 ln(smax/smin) is constant, so F is linear and the importance density uniform. */
  final class ConstantRate implements CumulativeWeight {
    private static final long serialVersionUID = 1L;
    private final double rate;
    private final double eta;

    ConstantRate(double rate, double eta) {
      this.rate = rate;
      this.eta = eta;
    }

    @Override
    public double at(double t) {
      return rate * (t - eta);
    }

    @Override
    public double timeAt(double y) {
      return eta + y / rate;
    }
  }

  /**
   * Any other SDE: F(t) = logSnr(eta) - logSnr(t), inverted by the SDE's own timeOfLogSnr. Loses
   * relative precision for t very close to eta (a difference of two nearly equal log-SNRs).
   */
  final class LogSnr implements CumulativeWeight {
    private static final long serialVersionUID = 1L;
    private final Sde sde;
    private final double logSnrEta;

    LogSnr(Sde sde, double eta) {
      this.sde = sde;
      this.logSnrEta = sde.logSnr(eta);
    }

    @Override
    public double at(double t) {
      return logSnrEta - sde.logSnr(t);
    }

    @Override
    public double timeAt(double y) {
      return sde.timeOfLogSnr(logSnrEta - y);
    }
  }
}
