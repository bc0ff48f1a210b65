package org.scoresde.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class ImageResizeTest {

  private static byte[] bytes(int... v) {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = (byte) v[i];
    }
    return b;
  }

  @Test
  void halvingAveragesEachTwoByTwoBlockPerChannel() {
    byte[] img = bytes(
        0, 2, 10, 20,
        4, 6, 30, 40,
        100, 100, 255, 255,
        200, 201, 255, 254,
        // second channel: constant 7
        7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7);
    // block means 3, 25, 150.25 -> 150, 254.75 -> 255
    assertArrayEquals(bytes(3, 25, 150, 255, 7, 7, 7, 7), ImageResize.resize(img, 2, 4, 4, 2, 2));
  }

  @Test
  void shrinkingByANonIntegerFactorWeighsPixelsByTheirOverlap() {
    // 3 -> 2 along x: output 0 covers [0, 1.5): (a + b/2) / 1.5; output 1 covers [1.5, 3): (b/2 + c) / 1.5
    assertArrayEquals(bytes(40, 120), ImageResize.resize(bytes(30, 60, 150), 1, 1, 3, 1, 2));
  }

  @Test
  void growingInterpolatesLinearlyBetweenPixelCentres() {
    // 2 -> 4: centres of the output at input coordinates -0.25, 0.25, 0.75, 1.25 (clamped to the edge pixels)
    assertArrayEquals(bytes(0, 25, 75, 100), ImageResize.resize(bytes(0, 100), 1, 1, 2, 1, 4));
    byte[] constant = new byte[3 * 5 * 5];
    java.util.Arrays.fill(constant, (byte) 77);
    byte[] up = ImageResize.resize(constant, 3, 5, 5, 9, 13);
    byte[] expected = new byte[3 * 9 * 13];
    java.util.Arrays.fill(expected, (byte) 77);
    assertArrayEquals(expected, up);
  }

  @Test
  void theSameSizeIsTheIdentity() {
    byte[] img = TestFiles.pixels(3, 12);
    assertSame(img, ImageResize.resize(img, 1, 3, 4, 3, 4));
  }
}
