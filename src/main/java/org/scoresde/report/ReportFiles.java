package org.scoresde.report;

import java.util.List;

/** What a report wrote: the HTML page, the Markdown file, the image folder and the PNG names in it. */
public record ReportFiles(String html, String markdown, String imageFolder, List<String> images) {

  public ReportFiles {
    images = List.copyOf(images);
  }
}
