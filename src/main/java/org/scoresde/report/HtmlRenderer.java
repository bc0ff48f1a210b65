package org.scoresde.report;

import java.util.Base64;
import java.util.List;

/**
 * Renders a {@link ReportDocument} as one self-contained HTML page: the stylesheet is inline and
 * every picture is a base64 {@code data:} URI, so the single file can be mailed or archived.
 */
public final class HtmlRenderer {
  private static final String CSS = """
      body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",Arial,sans-serif;color:#222;
        max-width:960px;margin:2em auto;padding:0 1em;line-height:1.45}
      h1{font-size:1.7em;margin-bottom:.2em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.8em}
      h3{margin-bottom:.4em}.sub{color:#666;margin-top:0}nav a{margin-right:1em}
      table{border-collapse:collapse;margin:.6em 0}th,td{border:1px solid #ddd;padding:.3em .7em;text-align:left}
      th{background:#f5f5f5}td.num{text-align:right;font-variant-numeric:tabular-nums}
      #summary table td:nth-child(2){font-weight:600}
      figure{margin:1em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
      img.pixelated{image-rendering:pixelated}figcaption{color:#555;font-size:.92em}
      code,pre{font-family:ui-monospace,"Liberation Mono",Menlo,monospace;font-size:.9em}
      code{background:#f3f3f3;padding:0 .2em}pre{background:#f8f8f8;padding:.8em;overflow-x:auto}
      summary{cursor:pointer;color:#333}
      """;

  /** The page as a string. */
  public String render(ReportDocument doc) {
    StringBuilder h = new StringBuilder(1 << 16);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>").append(escape(doc.title())).append("</title>\n<style>\n").append(CSS).append("</style>\n")
        .append("</head>\n<body>\n<header>\n<h1>").append(escape(doc.title())).append("</h1>\n<p class=\"sub\">")
        .append(inline(doc.subtitle())).append("</p>\n<nav>");
    for (ReportDocument.Section s : doc.sections()) {
      h.append("<a href=\"#").append(s.id()).append("\">").append(escape(s.heading())).append("</a>");
    }
    h.append("</nav>\n</header>\n");
    for (ReportDocument.Section s : doc.sections()) {
      h.append("<section id=\"").append(s.id()).append("\">\n<h2>").append(escape(s.heading())).append("</h2>\n");
      for (Block b : s.blocks()) {
        block(h, b);
      }
      h.append("</section>\n");
    }
    return h.append("</body>\n</html>\n").toString();
  }

  private static void block(StringBuilder h, Block b) {
    if (b instanceof Block.Text t) {
      h.append("<p>").append(inline(t.text())).append("</p>\n");
    } else if (b instanceof Block.Subheading s) {
      h.append("<h3>").append(escape(s.text())).append("</h3>\n");
    } else if (b instanceof Block.Table t) {
      h.append("<table>\n<thead><tr>");
      for (String c : t.header()) {
        h.append("<th>").append(escape(c)).append("</th>");
      }
      h.append("</tr></thead>\n<tbody>\n");
      for (List<String> row : t.rows()) {
        h.append("<tr>");
        for (int j = 0; j < row.size(); j++) {
          h.append(t.numeric().contains(j) ? "<td class=\"num\">" : "<td>").append(inline(row.get(j))).append("</td>");
        }
        h.append("</tr>\n");
      }
      h.append("</tbody>\n</table>\n");
    } else if (b instanceof Block.Figure f) {
      Picture p = f.picture();
      int height = (int) Math.round((double) p.height() * f.displayWidth() / p.width());
      h.append("<figure>\n<img src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(p.png()))
          .append("\" alt=\"").append(escape(p.title())).append("\" data-file=\"").append(escape(p.file()))
          .append("\" width=\"").append(f.displayWidth()).append("\" height=\"").append(height).append('"')
          .append(f.pixelated() ? " class=\"pixelated\"" : "").append(">\n<figcaption>").append(inline(f.caption()))
          .append("</figcaption>\n</figure>\n");
    } else if (b instanceof Block.Code c) {
      h.append("<details>\n<summary>").append(escape(c.summary())).append("</summary>\n<pre><code class=\"language-")
          .append(escape(c.language())).append("\">").append(escape(c.text())).append("</code></pre>\n</details>\n");
    }
  }

  /** Escapes the text, then shows spans in backticks as code. */
  static String inline(String text) {
    return escape(text).replaceAll("`([^`]+)`", "<code>$1</code>");
  }

  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
