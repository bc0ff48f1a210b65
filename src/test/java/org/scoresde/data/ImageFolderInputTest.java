package org.scoresde.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderInputTest {
  private final Configuration conf = new Configuration();
  private final ParallelMap pm = ParallelMap.sequential(conf);

  private static InputRequest req(Path input, Resize resize) {
    return new InputRequest(ShardFormat.IMAGES, input.toString(), null, null, resize, 1 << 20);
  }

  @Test
  void greyPngsInClassFoldersReadBackExactlyWithFolderLabels(@TempDir Path dir) throws Exception {
    TestFiles.write(TestFiles.grey(0, 5, 7), "png", dir.resolve("cat/a.png"));
    TestFiles.write(TestFiles.grey(1, 5, 7), "png", dir.resolve("cat/b.png"));
    TestFiles.write(TestFiles.grey(2, 5, 7), "png", dir.resolve("dog/deeper/c.png"));
    Files.writeString(dir.resolve("dog/.DS_Store"), "hidden files are skipped");
    PlannedInput<ImageFolderInput.Split> in = ImageFolderInput.plan(req(dir, null), conf, pm);
    assertEquals(new Layout(ShardFormat.IMAGES, 3, 5, 7, 1, List.of("cat", "dog")), in.layout());
    List<Example> all = TestFiles.readAll(in, conf);
    int[] labels = {0, 0, 1};
    for (int i = 0; i < 3; i++) {
      assertEquals(i, all.get(i).index());
      assertEquals(labels[i], all.get(i).label());
      assertArrayEquals(TestFiles.pixels(i, 35), all.get(i).pixels(), "image " + i);
    }
  }

  @Test
  void rgbPngsReadBackExactlyInChwOrderAndGreyImagesAreRepeatedIntoThreeChannels(@TempDir Path dir) throws Exception {
    TestFiles.write(TestFiles.rgb(0, 4, 6), "png", dir.resolve("a.png"));
    TestFiles.write(TestFiles.grey(1, 4, 6), "png", dir.resolve("b.png"));
    PlannedInput<ImageFolderInput.Split> in = ImageFolderInput.plan(req(dir, null), conf, pm);
    assertEquals(new Layout(ShardFormat.IMAGES, 2, 4, 6, 3, null), in.layout());
    List<Example> all = TestFiles.readAll(in, conf);
    assertArrayEquals(TestFiles.pixels(0, 72), all.get(0).pixels());
    assertEquals(Example.UNLABELLED, all.get(0).label());
    byte[] grey = TestFiles.pixels(1, 24);
    byte[] expected = new byte[72];
    for (int c = 0; c < 3; c++) {
      System.arraycopy(grey, 0, expected, 24 * c, 24);
    }
    assertArrayEquals(expected, all.get(1).pixels());
  }

  @Test
  void jpegsDecodeCloseToWhatWasWritten(@TempDir Path dir) throws Exception {
    java.awt.image.BufferedImage smooth = new java.awt.image.BufferedImage(16, 16, java.awt.image.BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        smooth.setRGB(x, y, ((8 * x) << 16) | ((8 * y) << 8) | 128);
      }
    }
    TestFiles.write(smooth, "jpg", dir.resolve("s.jpg"));
    PlannedInput<ImageFolderInput.Split> in = ImageFolderInput.plan(req(dir, null), conf, pm);
    assertEquals(3, in.layout().channels());
    byte[] px = TestFiles.readAll(in, conf).get(0).pixels();
    double err = 0;
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        int i = y * 16 + x;
        err += Math.abs((px[i] & 0xFF) - 8 * x) + Math.abs((px[256 + i] & 0xFF) - 8 * y) + Math.abs((px[512 + i] & 0xFF) - 128);
      }
    }
    // JPEG is lossy: ImageIO's default quality (0.75) keeps a smooth ramp within a few levels on average
    assertTrue(err / (3 * 256) < 4, "mean absolute error " + err / (3 * 256));
  }

  @Test
  void mixedSizesNeedResizeAndResizeMakesThemOneSize(@TempDir Path dir) throws Exception {
    TestFiles.write(TestFiles.grey(0, 8, 8), "png", dir.resolve("a.png"));
    TestFiles.write(TestFiles.grey(1, 6, 10), "png", dir.resolve("b.png"));
    InputProblem p = assertThrows(InputProblem.class, () -> ImageFolderInput.plan(req(dir, null), conf, pm));
    assertEquals(dir.resolve("b.png").toString(), p.file());
    assertTrue(p.problem().contains("is 6x10 (HxW) but " + dir.resolve("a.png") + " is 8x8"), p.problem());
    assertTrue(p.problem().contains("--resize"), p.problem());
    PlannedInput<ImageFolderInput.Split> in = ImageFolderInput.plan(req(dir, new Resize(4, 4)), conf, pm);
    List<Example> all = TestFiles.readAll(in, conf);
    assertEquals(16, all.get(0).pixels().length);
    assertArrayEquals(ImageResize.resize(TestFiles.pixels(0, 64), 1, 8, 8, 4, 4), all.get(0).pixels());
    assertArrayEquals(ImageResize.resize(TestFiles.pixels(1, 60), 1, 6, 10, 4, 4), all.get(1).pixels());
  }

  @Test
  void aNonImageFileIsNamed(@TempDir Path dir) throws Exception {
    TestFiles.write(TestFiles.grey(0, 3, 3), "png", dir.resolve("a/x.png"));
    Files.writeString(dir.resolve("a/notes.txt"), "not an image");
    InputProblem p = assertThrows(InputProblem.class, () -> ImageFolderInput.plan(req(dir, null), conf, pm));
    assertEquals(dir.resolve("a/notes.txt").toString(), p.file());
    assertEquals("not a PNG or JPEG image", p.problem());
    Files.delete(dir.resolve("a/notes.txt"));
    TestFiles.write(TestFiles.grey(0, 3, 3), "bmp", dir.resolve("a/y.bmp"));
    p = assertThrows(InputProblem.class, () -> ImageFolderInput.plan(req(dir, null), conf, pm));
    assertTrue(p.problem().contains("BMP image; only PNG and JPEG"), p.problem());
  }

  @Test
  void aTruncatedPngIsFoundWhenDecoding(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("t.png");
    TestFiles.write(TestFiles.rgb(0, 30, 30), "png", f);
    byte[] all = Files.readAllBytes(f);
    Files.write(f, TestFiles.truncate(all, all.length / 2));
    PlannedInput<ImageFolderInput.Split> in = ImageFolderInput.plan(req(dir, null), conf, pm);
    InputProblem p = assertThrows(InputProblem.class, () -> TestFiles.readAll(in, conf));
    assertEquals(f.toString(), p.file());
    assertTrue(p.problem().startsWith("corrupt or truncated image"), p.problem());
  }

  @Test
  void imagesBothAtTheTopAndInFoldersAreRefusedAndAnEmptyFolderIsEmptyInput(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("empty"));
    InputProblem p = assertThrows(InputProblem.class, () -> ImageFolderInput.plan(req(dir.resolve("empty"), null), conf, pm));
    assertTrue(p.problem().contains("empty input"), p.problem());
    TestFiles.write(TestFiles.grey(0, 3, 3), "png", dir.resolve("top.png"));
    TestFiles.write(TestFiles.grey(0, 3, 3), "png", dir.resolve("cls/x.png"));
    p = assertThrows(InputProblem.class, () -> ImageFolderInput.plan(req(dir, null), conf, pm));
    assertEquals(dir.resolve("top.png").toString(), p.file());
  }
}
