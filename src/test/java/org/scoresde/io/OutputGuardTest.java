package org.scoresde.io;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scoresde.config.UserError;

/** Which outputs {@link OutputGuard} refuses, on the local Hadoop filesystem. */
class OutputGuardTest {
  private final Configuration conf = new Configuration();
  @TempDir java.nio.file.Path tmp;

  private Path qualified(String p) throws Exception {
    return FileSystem.getLocal(conf).makeQualified(new Path(p));
  }

  private String refusal(String out, InputPath... inputs) throws Exception {
    return assertThrows(UserError.class, () -> OutputGuard.refuseOverlap(qualified(out), out, List.of(inputs), conf)).getMessage();
  }

  @Test
  void anOutputMayNotBeOrContainOrLieInsideAnInput() throws Exception {
    String run = tmp.resolve("run").toString();
    assertEquals("output " + run + " contains the input --model " + run + "/model.zip: choose an output path apart from the inputs",
        refusal(run, InputPath.model(run + "/model.zip"), new InputPath("--data", tmp.resolve("data").toString())));
    assertEquals("output " + run + "/model.zip is the input --model " + run + "/model.zip: choose an output path apart from the inputs",
        refusal(run + "/model.zip", InputPath.model(run + "/model.zip")));
    assertEquals("output " + run + "/eval lies inside the input --data " + run + ": choose an output path apart from the inputs",
        refusal(run + "/eval", new InputPath("--data", run)));
    // a relative input and a trailing slash name the same place
    assertEquals("output " + run + "/ is the input --data file:" + run + ": choose an output path apart from the inputs",
        refusal(run + "/", new InputPath("--data", "file:" + run)));
  }

  @Test
  void aMixtureModelIsCheckedThroughItsFileAndGlobsThroughTheirDirectory() throws Exception {
    String dir = tmp.resolve("mix").toString();
    assertEquals("output " + dir + " contains the input --model " + dir + "/gmm.json: choose an output path apart from the inputs",
        refusal(dir, InputPath.model("gmm:" + dir + "/gmm.json")));
    assertEquals("output " + dir + "/out lies inside the input --input " + dir + "/*.png: choose an output path apart from the inputs",
        refusal(dir + "/out", new InputPath("--input", dir + "/*.png")));
  }

  @Test
  void neighboursWithACommonPrefixAreApart() throws Exception {
    String run = tmp.resolve("run").toString();
    assertDoesNotThrow(() -> OutputGuard.refuseOverlap(qualified(run + "2"), run + "2",
        List.of(new InputPath("--data", run), InputPath.model(run + "/model.zip")), conf));
    assertDoesNotThrow(() -> OutputGuard.refuseOverlap(qualified(run + "/eval"), run + "/eval",
        List.of(InputPath.model(run + "/model.zip"), new InputPath("--data", tmp.resolve("data").toString())), conf));
  }

  @Test
  void onlyAMarkedDirectoryMayBeReplaced() throws Exception {
    FileSystem fs = FileSystem.getLocal(conf);
    Path theirs = qualified(Files.createDirectories(tmp.resolve("theirs")).toString());
    Path file = qualified(Files.writeString(tmp.resolve("file.csv"), "a,b").toString());
    Path ours = qualified(Files.createDirectories(tmp.resolve("ours")).toString());
    OutputGuard.mark(fs, ours, "evaluate");
    assertThrows(UserError.class, () -> OutputGuard.requireReplaceable(fs, theirs, "theirs"));
    assertThrows(UserError.class, () -> OutputGuard.requireReplaceable(fs, file, "file.csv"));
    assertDoesNotThrow(() -> OutputGuard.requireReplaceable(fs, ours, "ours"));
    assertDoesNotThrow(() -> OutputGuard.requireReplaceable(fs, qualified(tmp.resolve("absent").toString()), "absent"));
    assertEquals("{\"written_by\": \"score-sde\", \"command\": \"evaluate\"}\n", Files.readString(tmp.resolve("ours/_SCORE_SDE")));
  }
}
