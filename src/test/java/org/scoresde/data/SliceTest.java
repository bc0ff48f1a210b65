package org.scoresde.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SliceTest {

  @Test
  void parsesFromColonToWithToExclusive() {
    Slice s = Slice.parse(" 55000:60000 ");
    assertEquals(new Slice(55_000, 60_000), s);
    assertEquals(5_000, s.size());
    assertTrue(s.contains(55_000));
    assertTrue(s.contains(59_999));
    assertFalse(s.contains(60_000));
    assertFalse(s.contains(54_999));
    assertTrue(s.fitsIn(60_000));
    assertFalse(s.fitsIn(59_999));
    assertEquals("55000:60000", s.toString());
  }

  @Test
  void refusesWhatIsNotASlice() {
    for (String bad : new String[] {"5", "1:2:3", "a:b", "5:5", "6:5", "-1:4", ":4", ""}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Slice.parse(bad), bad);
      assertTrue(e.getMessage().contains("FROM"), e.getMessage());
    }
  }
}
