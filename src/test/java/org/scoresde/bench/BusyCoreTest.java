package org.scoresde.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The co-load loop spins until closed, and closing stops it. */
class BusyCoreTest {
  @Test
  void spinsUntilClosed() throws Exception {
    BusyCore loop = BusyCore.start();
    try {
      Thread.sleep(300);
      assertTrue(loop.alive());
    } finally {
      loop.close();
    }
    assertFalse(loop.alive());
  }
}
