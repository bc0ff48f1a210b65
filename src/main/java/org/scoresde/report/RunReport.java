package org.scoresde.report;

import java.io.IOException;
import java.io.OutputStream;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.scoresde.config.UserError;
import org.scoresde.io.OutputGuard;
import org.scoresde.io.TextFile;

/**
 * Writes the report of a run: reads the run ({@link RunReader}), lays it out ({@link ReportBuilder})
 * and writes B.html (self-contained), B.md and the PNGs in B/, each first under a hidden temporary
 * name and then renamed into place, so a reader never sees half a report.
 */
public final class RunReport {
  private final Configuration conf;

  public RunReport(Configuration conf) {
    this.conf = conf;
  }

  /** Writes the report; refuses to replace an existing one unless {@code overwrite}. */
  public ReportFiles write(ReportPaths paths, boolean overwrite) {
    RunData data = new RunReader(conf).read(paths);
    String now = ZonedDateTime.now().truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    ReportDocument doc = new ReportBuilder(now).build(data);
    try {
      return write(doc, new Path(paths.base()), overwrite);
    } catch (IOException e) {
      throw new UserError("cannot write the report " + paths.base() + ".html: " + e.getMessage(), e);
    }
  }

  private ReportFiles write(ReportDocument doc, Path base, boolean overwrite) throws IOException {
    try (FileSystem fs = FileSystem.newInstance(base.toUri(), conf)) {
      // no .crc files beside the report on the local filesystem; this instance is private to this call
      fs.setWriteChecksum(false);
      base = fs.makeQualified(base);
      Path parent = base.getParent();
      Path html = new Path(parent, base.getName() + ".html");
      Path md = new Path(parent, base.getName() + ".md");
      List<Path> targets = List.of(html, md, base);
      for (Path t : targets) {
        if (fs.exists(t) && !overwrite) {
          throw new UserError("report output " + HadoopPaths.shown(t) + " already exists; pass --overwrite to replace it");
        }
      }
      boolean anyExists = fs.exists(html) || fs.exists(md) || fs.exists(base);
      if (anyExists && !OutputGuard.owner(fs, base).equals(Optional.of("report"))) {
        // the pictures folder carries the report's marker; without it these names belong to something else
        throw new UserError("report output " + HadoopPaths.shown(base) + "(.html, .md) exists but is not a report score-sde wrote;"
            + " --overwrite replaces only score-sde's reports: choose another --out");
      }
      boolean madeParent = !fs.exists(parent);
      if (madeParent && !fs.mkdirs(parent)) {
        throw new UserError("cannot create the report's directory " + HadoopPaths.shown(parent));
      }
      String suffix = ".tmp-" + Long.toHexString(System.nanoTime());
      List<Path> temps = new ArrayList<>();
      for (Path t : targets) {
        temps.add(new Path(parent, "." + t.getName() + suffix));
      }
      try {
        TextFile.write(fs, temps.get(0), new HtmlRenderer().render(doc));
        TextFile.write(fs, temps.get(1), new MarkdownRenderer(base.getName()).render(doc));
        List<String> names = writeImages(fs, doc, temps.get(2));
        for (int i = 0; i < targets.size(); i++) {
          if (fs.exists(targets.get(i))) {
            fs.delete(targets.get(i), true);
          }
          if (!fs.rename(temps.get(i), targets.get(i))) {
            throw new IOException("rename " + temps.get(i) + " -> " + targets.get(i) + " failed");
          }
        }
        madeParent = false;
        return new ReportFiles(HadoopPaths.shown(html), HadoopPaths.shown(md), HadoopPaths.shown(base), names);
      } finally {
        for (Path t : temps) {
          if (fs.exists(t)) {
            fs.delete(t, true);
          }
        }
        if (madeParent) {
          fs.delete(parent, true);
        }
      }
    }
  }

  private static List<String> writeImages(FileSystem fs, ReportDocument doc, Path dir) throws IOException {
    if (!fs.mkdirs(dir)) {
      throw new IOException("mkdirs " + dir + " failed");
    }
    OutputGuard.mark(fs, dir, "report");
    Set<String> seen = new HashSet<>();
    List<String> names = new ArrayList<>();
    for (Picture p : doc.pictures()) {
      if (!seen.add(p.file())) {
        throw new IllegalStateException("two pictures of the report share the file name " + p.file());
      }
      try (OutputStream out = fs.create(new Path(dir, p.file()), false)) {
        out.write(p.png());
      }
      names.add(p.file());
    }
    return names;
  }

}
