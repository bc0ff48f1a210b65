package org.scoresde.report;

import java.util.List;

/**
 * Renders a {@link ReportDocument} as GitHub-flavoured Markdown whose images are links to the PNG
 * files in the report's image folder, given relative to the Markdown file.
 */
public final class MarkdownRenderer {
  private final String imageFolder;

  /** {@code imageFolder}: the folder of the PNGs relative to the Markdown file (e.g. {@code report}). */
  public MarkdownRenderer(String imageFolder) {
    this.imageFolder = imageFolder;
  }

  public String render(ReportDocument doc) {
    StringBuilder m = new StringBuilder(1 << 14);
    m.append("# ").append(doc.title()).append("\n\n").append(doc.subtitle()).append("\n\n");
    StringBuilder nav = new StringBuilder();
    for (ReportDocument.Section s : doc.sections()) {
      nav.append(nav.length() == 0 ? "" : " · ").append('[').append(s.heading()).append("](#").append(anchor(s.heading()))
          .append(')');
    }
    m.append(nav).append("\n\n");
    for (ReportDocument.Section s : doc.sections()) {
      m.append("## ").append(s.heading()).append("\n\n");
      for (Block b : s.blocks()) {
        block(m, b);
      }
    }
    return m.toString();
  }

  /** The relative link of a picture in the Markdown. */
  public String link(Picture p) {
    return imageFolder + "/" + p.file();
  }

  private void block(StringBuilder m, Block b) {
    if (b instanceof Block.Text t) {
      m.append(t.text()).append("\n\n");
    } else if (b instanceof Block.Subheading s) {
      m.append("### ").append(s.text()).append("\n\n");
    } else if (b instanceof Block.Table t) {
      row(m, t.header());
      m.append('|');
      for (int j = 0; j < t.header().size(); j++) {
        m.append(t.numeric().contains(j) ? " ---: |" : " --- |");
      }
      m.append('\n');
      for (List<String> r : t.rows()) {
        row(m, r);
      }
      m.append('\n');
    } else if (b instanceof Block.Figure f) {
      m.append("![").append(f.picture().title().replace("]", "\\]")).append("](").append(link(f.picture())).append(")\n\n")
          .append('*').append(f.caption().replace("*", "\\*")).append("*\n\n");
    } else if (b instanceof Block.Code c) {
      String fence = c.text().contains("```") ? "~~~~" : "```";
      m.append(c.summary()).append(":\n\n").append(fence).append(c.language()).append('\n').append(c.text()).append('\n')
          .append(fence).append("\n\n");
    }
  }

  private static void row(StringBuilder m, List<String> cells) {
    m.append('|');
    for (String c : cells) {
      m.append(' ').append(c.replace("|", "\\|").replace('\n', ' ')).append(" |");
    }
    m.append('\n');
  }

  /** GitHub's heading anchor: lower case, spaces to dashes, punctuation dropped. */
  static String anchor(String heading) {
    return heading.toLowerCase().replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
  }
}
