package org.scoresde.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.model.NetworkScoreModel;
import org.scoresde.nn.SingleThreadNd4j;

/**
 * A model file written by an earlier network builder (commit 7c3cf51: the time vector broadcast by
 * RepeatVector and reshape, so a different DL4J topological order and a different flattened
 * parameter order) still computes the scores it computed then. Saved models must outlive changes
 * to the graph's parameter-free vertices.
 */
@ExtendWith(SingleThreadNd4j.class)
class LegacyModelTest {
  private static final Path DIR = Path.of("src/test/resources/legacy-model");

  @Test
  void modelOfAnEarlierGraphLayoutGivesItsRecordedScores() throws IOException {
    ModelFile.Model model = ModelFile.load(DIR.resolve("legacy-unet.zip"));
    List<String> rows = Files.readAllLines(DIR.resolve("legacy-unet-scores.txt")).subList(1, 7);
    INDArray x = Nd4j.create(new float[][] {floats(rows.get(0)), floats(rows.get(2)), floats(rows.get(4))});
    INDArray want = Nd4j.create(new float[][] {floats(rows.get(1)), floats(rows.get(3)), floats(rows.get(5))});
    INDArray t = Nd4j.createFromArray(0.1f, 0.5f, 0.9f);
    NetworkScoreModel score = model.scoreModel();
    assertEquals(DataType.FLOAT, score.dataType());
    INDArray got = score.score(x, t);
    double scale = want.amaxNumber().doubleValue();
    double err = got.sub(want).amaxNumber().doubleValue() / scale;
    // float32 through ~30 layers of the same operations: rounding differences stay near 1e-6 of the
    // largest score; a parameter in the wrong place changes scores by their own size.
    assertTrue(err < 1e-4, "relative deviation from the recorded scores: " + err);
    assertTrue(scale > 1.0, "recorded scores are not trivially small");
  }

  private static float[] floats(String line) {
    String[] parts = line.trim().split(" ");
    float[] out = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Float.parseFloat(parts[i]);
    }
    assertEquals(64, out.length, Arrays.toString(parts));
    return out;
  }
}
