package org.scoresde.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scoresde.testing.MiniHdfs;

/** A run directory on HDFS (a real in-process namenode and datanode) is read and reported in place. */
class ReportHdfsTest {
  @TempDir Path tmp;

  @Test
  void reportsARunOnHdfs() throws Exception {
    Path local = tmp.resolve("run");
    FakeRun.full(local);
    try (MiniHdfs hdfs = MiniHdfs.start(tmp.resolve("hdfs"))) {
      FileSystem fs = FileSystem.get(java.net.URI.create(hdfs.uri()), hdfs.configuration());
      org.apache.hadoop.fs.Path run = new org.apache.hadoop.fs.Path(hdfs.uri() + "/runs/run");
      fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(local.toUri()), run);
      Object[] r = ReportCommandTest.run("report", "--run", run.toString());
      assertEquals(0, r[0], (String) r[2]);
      assertTrue(((String) r[1]).contains(run + "/report.html"), (String) r[1]);
      String html;
      try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(run, "report.html"))) {
        html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      assertEquals(Set.of("loss.png", "loss_by_t.png", "throughput.png", "nll_hist.png", "samples-dpm-20.png",
          "trajectory-dpm-20.png", "least_likely.png", "most_likely.png"), ReportCommandTest.embedded(html).keySet());
      Set<String> pngs = new TreeSet<>();
      for (FileStatus st : fs.listStatus(new org.apache.hadoop.fs.Path(run, "report"))) {
        pngs.add(st.getPath().getName());
      }
      assertTrue(pngs.remove("_SCORE_SDE"), "the pictures folder carries a report marker");
      assertEquals(new TreeSet<>(ReportCommandTest.embedded(html).keySet()), pngs);
      assertTrue(fs.exists(new org.apache.hadoop.fs.Path(run, "report.md")));
    }
  }
}
