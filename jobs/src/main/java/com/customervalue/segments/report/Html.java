package com.customervalue.segments.report;

import java.util.List;
import java.util.Locale;

/**
 * The building blocks the report's sections share: escaped text, numbers formatted the same way
 * everywhere (Locale.ROOT, "–" for a figure that does not exist), captioned charts and tables.
 */
final class Html {
  private Html() {}

  /** An SVG chart with its caption. */
  static void chart(StringBuilder html, String svg, String caption) {
    html.append("<figure>\n")
        .append(svg)
        .append("\n<figcaption>")
        .append(escape(caption))
        .append("</figcaption>\n</figure>\n");
  }

  /**
   * A table of already escaped cells; a cell that starts with {@code <td} brings its own opening
   * tag (to be aligned as text).
   */
  static void table(StringBuilder html, List<String> header, List<List<String>> rows) {
    html.append("<table>\n<tr>");
    header.forEach(cell -> html.append("<th>").append(cell).append("</th>"));
    html.append("</tr>\n");
    for (List<String> row : rows) {
      html.append("<tr>");
      row.forEach(
          cell -> html.append(cell.startsWith("<td") ? cell : "<td>" + cell).append("</td>"));
      html.append("</tr>\n");
    }
    html.append("</table>\n");
  }

  static String escape(String text) {
    if (text == null) {
      return "";
    }
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  static String whole(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  static String money(double value) {
    return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%,.2f", value);
  }

  static String decimal(double value, int digits) {
    return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%,." + digits + "f", value);
  }

  static String percent(double share) {
    return Double.isNaN(share) ? "–" : String.format(Locale.ROOT, "%.1f %%", 100 * share);
  }
}
