package org.scoresde.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A report as a document independent of its format: a title, a subtitle line and sections of
 * {@link Block}s. {@link HtmlRenderer} and {@link MarkdownRenderer} turn it into the two files,
 * so both always say the same thing.
 */
public record ReportDocument(String title, String subtitle, List<Section> sections) {

  public ReportDocument {
    sections = List.copyOf(sections);
  }

  /** A titled part of the report; {@code id} is its HTML anchor. */
  public record Section(String id, String heading, List<Block> blocks) {
    public Section {
      blocks = List.copyOf(blocks);
    }
  }

  /** Every picture the document shows, in order. */
  public List<Picture> pictures() {
    List<Picture> out = new ArrayList<>();
    for (Section s : sections) {
      for (Block b : s.blocks()) {
        if (b instanceof Block.Figure f) {
          out.add(f.picture());
        }
      }
    }
    return out;
  }
}
