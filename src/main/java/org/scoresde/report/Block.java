package org.scoresde.report;

import java.util.List;

/**
 * One piece of a report section, rendered the same way to HTML and to Markdown: a paragraph, a
 * sub-heading, a table, a figure, or a block of preformatted text.
 */
public sealed interface Block permits Block.Text, Block.Subheading, Block.Table, Block.Figure, Block.Code {

  /** A paragraph of plain text; spans in backticks are shown as code. */
  record Text(String text) implements Block {}

  record Subheading(String text) implements Block {}

  /** A table; columns listed in {@code numeric} are right-aligned. */
  record Table(List<String> header, List<List<String>> rows, List<Integer> numeric) implements Block {
    public Table {
      header = List.copyOf(header);
      rows = rows.stream().map(List::copyOf).toList();
      numeric = List.copyOf(numeric);
    }
  }

  /**
   * A picture with a caption, shown {@code displayWidth} pixels wide (at most the page width);
   * {@code pixelated} keeps small sample images sharp when enlarged.
   */
  record Figure(Picture picture, String caption, int displayWidth, boolean pixelated) implements Block {}

  /** Preformatted text (e.g. the configuration), collapsed under {@code summary} in HTML. */
  record Code(String summary, String language, String text) implements Block {}
}
