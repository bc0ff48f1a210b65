package org.scoresde.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.scoresde.sde.Sde;
import org.scoresde.sde.Sdes;

/** The grids decrease strictly from exactly T to exactly eps, with each schedule's defining spacing. */
class TimeScheduleTest {
  private static final List<TimeSchedule> SCHEDULES =
      List.of(new UniformSchedule(), new EdmSchedule(), new EdmSchedule(3.0), new LogSnrSchedule());

  @ParameterizedTest
  @ValueSource(strings = {"vp", "subvp", "ve"})
  void gridsAreMonotoneWithExactEndpoints(String sdeName) {
    Sde sde = Sdes.create(sdeName);
    for (TimeSchedule schedule : SCHEDULES) {
      for (int steps : new int[] {1, 2, 7, 50}) {
        for (double eps : new double[] {1e-5, 1e-3}) {
          double[] t = schedule.grid(sde, steps, eps);
          assertEquals(steps + 1, t.length);
          assertEquals(sde.horizon(), t[0], 0.0);
          assertEquals(eps, t[steps], 0.0);
          for (int i = 1; i <= steps; i++) {
            assertTrue(t[i] < t[i - 1], schedule + " " + sdeName + " not decreasing at " + i);
          }
        }
      }
    }
  }

  /** Second differences of the quantity each schedule spaces evenly vanish up to root finding and rounding. */
  @ParameterizedTest
  @ValueSource(strings = {"vp", "subvp", "ve"})
  void schedulesReproduceTheirDefiningSpacing(String sdeName) {
    Sde sde = Sdes.create(sdeName);
    int steps = 25;
    double eps = 1e-3;
    double[] u = new UniformSchedule().grid(sde, steps, eps);
    double[] l = new LogSnrSchedule().grid(sde, steps, eps);
    double rho = 7.0;
    double[] e = new EdmSchedule(rho).grid(sde, steps, eps);
    double lambdaStep = (sde.logSnr(eps) - sde.logSnr(sde.horizon())) / steps;
    double edmStep = (Math.pow(EdmSchedule.noiseLevel(sde, eps), 1 / rho)
        - Math.pow(EdmSchedule.noiseLevel(sde, sde.horizon()), 1 / rho)) / steps;
    for (int i = 1; i <= steps; i++) {
      // uniform: exact arithmetic up to rounding
      assertEquals((eps - sde.horizon()) / steps, u[i] - u[i - 1], 1e-14);
      // log-SNR: VP and VE invert in closed form, sub-VP by 200 bisection steps; both to ~1e-9 in lambda
      assertEquals(lambdaStep, sde.logSnr(l[i]) - sde.logSnr(l[i - 1]), 1e-9 * Math.abs(lambdaStep));
      double step = Math.pow(EdmSchedule.noiseLevel(sde, e[i]), 1 / rho)
          - Math.pow(EdmSchedule.noiseLevel(sde, e[i - 1]), 1 / rho);
      assertEquals(edmStep, step, 1e-9 * Math.abs(edmStep));
    }
  }

  @Test
  void edmLevelsAreTheNoiseOverTheSignal() {
    Sde vp = Sdes.create("vp");
    double t = 0.37;
    assertEquals(vp.std(t) / vp.meanScale(t), EdmSchedule.noiseLevel(vp, t), 1e-12);
    Sde ve = Sdes.create("ve");
    assertEquals(ve.std(t), EdmSchedule.noiseLevel(ve, t), 1e-12 * ve.std(t));
  }

  @Test
  void factoryKnowsTheNamesAndListsThemOnAMistake() {
    assertInstanceOf(UniformSchedule.class, Schedules.byName("uniform"));
    assertEquals(new EdmSchedule(7.0), Schedules.byName("EDM"));
    assertInstanceOf(LogSnrSchedule.class, Schedules.byName("logsnr"));
    for (String name : Schedules.modelFreeNames()) {
      assertEquals(name, Schedules.byName(name).name());
    }
    assertEquals(List.of("uniform", "edm", "logsnr", "gits"), Schedules.names());
    assertTrue(Schedules.find("gits").orElseThrow().needsModel());
    IllegalArgumentException g = assertThrows(IllegalArgumentException.class, () -> Schedules.byName("gits"));
    assertTrue(g.getMessage().contains("GitsSchedule"), g.getMessage());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Schedules.byName("cosine"));
    assertTrue(e.getMessage().contains("uniform, edm, logsnr"), e.getMessage());
  }

  @Test
  void impossibleGridsAreRejected() {
    Sde sde = Sdes.create("vp");
    for (TimeSchedule s : SCHEDULES) {
      assertThrows(IllegalArgumentException.class, () -> s.grid(sde, 0, 1e-3));
      assertThrows(IllegalArgumentException.class, () -> s.grid(sde, 10, 0.0));
      assertThrows(IllegalArgumentException.class, () -> s.grid(sde, 10, 1.0));
    }
    assertThrows(IllegalArgumentException.class, () -> new EdmSchedule(0.0));
  }
}
