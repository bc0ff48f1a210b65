package org.scoresde.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens a report in headless Chromium: a copy of the page with a probe script reports, after the
 * load event, which images decoded and at what size (with one deliberately broken image as a
 * control that the probe can tell), and a screenshot shows the page and its plots drawn.
 */
class ReportChromiumTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final String PROBE = """
      <img src="data:image/png;base64,iVBORw0KGgoAAAA" alt="control" data-file="broken-control.png">
      <script>
      window.addEventListener('load', function () {
        var imgs = Array.prototype.slice.call(document.images);
        document.body.setAttribute('data-loaded', imgs.filter(function (i) {
          return i.complete && i.naturalWidth > 0; }).length + '/' + imgs.length);
        document.body.setAttribute('data-sizes', imgs.map(function (i) {
          return i.getAttribute('data-file') + ':' + i.naturalWidth + 'x' + i.naturalHeight; }).join(' '));
      });
      </script>
      """;

  @TempDir Path tmp;

  @Test
  void pageRendersWithItsImagesInHeadlessChromium() throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM),
        "skipped: /usr/bin/chromium is absent (install the Debian package 'chromium' to run the browser check)");
    Path run = tmp.resolve("run");
    FakeRun.full(run);
    Object[] r = ReportCommandTest.run("report", "--run", run.toString());
    assertEquals(0, r[0], (String) r[2]);
    Path html = run.resolve("report.html");

    Path probe = tmp.resolve("probe.html");
    Files.writeString(probe, Files.readString(html).replace("</body>", PROBE + "</body>"));
    String dom = chromium("--dump-dom", probe.toUri().toString());
    Matcher body = Pattern.compile("<body data-loaded=\"([^\"]*)\" data-sizes=\"([^\"]*)\"").matcher(dom);
    assertTrue(body.find(), "the probe ran: " + dom.substring(0, Math.min(400, dom.length())));
    // eight report images decode; the control does not, which shows the probe can see a broken image
    assertEquals("8/9", body.group(1), body.group(2));
    assertEquals("loss.png:800x400 loss_by_t.png:800x400 throughput.png:800x400 nll_hist.png:800x400 "
        + "least_likely.png:56x28 most_likely.png:56x28 samples-dpm-20.png:224x224 trajectory-dpm-20.png:280x28 "
        + "broken-control.png:0x0", body.group(2));

    Path shot = tmp.resolve("shot.png");
    chromium("--screenshot=" + shot, "--window-size=1200,2000", "--hide-scrollbars", html.toUri().toString());
    assertTrue(Files.size(shot) > 0, "screenshot written");
    BufferedImage img = ImageIO.read(shot.toFile());
    assertEquals(1200, img.getWidth());
    assertEquals(2000, img.getHeight());
    long ink = 0;
    long seriesBlue = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y);
        int red = (rgb >> 16) & 0xff;
        int green = (rgb >> 8) & 0xff;
        int blue = rgb & 0xff;
        if (Math.min(red, Math.min(green, blue)) < 235) {
          ink++;
        }
        // the first plot series colour #1f77b4 (31, 119, 180); page text and links are grey, black or pure blue
        if (Math.abs(red - 31) + Math.abs(green - 119) + Math.abs(blue - 180) < 60) {
          seriesBlue++;
        }
      }
    }
    double inkFraction = ink / (double) (img.getWidth() * img.getHeight());
    // the top 2000 px hold the summary tables and the loss and loss-by-t plots: measured 3.8% ink; blank is 0
    assertTrue(inkFraction > 0.01, "page looks blank: ink fraction " + inkFraction);
    // the loss curve and the first loss-by-t line are drawn in the series blue: measured 2,372 pixels
    assertTrue(seriesBlue > 500, "no plot lines visible: " + seriesBlue + " series-blue pixels");
  }

  /** Runs headless Chromium with a fresh profile; returns its standard output. */
  private String chromium(String... args) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory(tmp, "profile");
    List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + profile, "--virtual-time-budget=5000"));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(tmp, "chromium", ".out");
    Path err = Files.createTempFile(tmp, "chromium", ".err");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish in 60 s: " + cmd);
    }
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), "chromium failed: " + stderr);
    return Files.readString(out, StandardCharsets.UTF_8);
  }
}
