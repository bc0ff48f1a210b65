package org.scoresde.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NumbersTest {

  @Test
  void formatsForReading() {
    assertEquals("0.34", Numbers.sig(0.33999));
    assertEquals("20", Numbers.sig(20.0));
    assertEquals("146.5", Numbers.sig(146.5));
    assertEquals("12,346", Numbers.sig(12345.6));
    assertEquals("2e-04", Numbers.sig(2e-4));
    assertEquals("1.25e-05", Numbers.sig(1.25e-5));
    assertEquals("–", Numbers.sig(Double.NaN));
    assertEquals("4.2 s", Numbers.duration(4.2));
    assertEquals("1 min 15 s", Numbers.duration(75));
    assertEquals("2 h 05 min", Numbers.duration(7500));
    assertEquals("12.1 KiB", Numbers.bytes(12345));
    assertEquals("19,200", Numbers.count(19200L));
  }

  @Test
  void quantilesInterpolateBetweenOrderStatistics() {
    PerExampleValues v = new PerExampleValues(new double[] {4, 1, 3, 2}, new double[] {10, Double.NaN, 30, 20});
    assertEquals(2.5, v.quantile(0.5));
    assertEquals(1.0, v.quantile(0));
    assertEquals(4.0, v.quantile(1));
    assertEquals(20.0, v.nfeQuantile(0.5), "NaN NFEs are left out");
    assertEquals(2.5, v.mean());
  }
}
