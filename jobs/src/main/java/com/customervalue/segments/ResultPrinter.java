package com.customervalue.segments;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Prints a query result for {@code segments sql}: an aligned table for people, CSV or JSON lines
 * for scripts.
 */
final class ResultPrinter {
  enum Format {
    TABLE,
    CSV,
    JSON
  }

  private ResultPrinter() {}

  /** Prints at most {@code limit} rows; returns whether there were more. */
  static boolean print(Dataset<Row> result, Format format, int limit, PrintStream out) {
    String[] columns = result.columns();
    if (format == Format.JSON) {
      List<String> lines = result.toJSON().limit(limit + 1).collectAsList();
      lines.stream().limit(limit).forEach(out::println);
      return lines.size() > limit;
    }
    List<Row> rows = result.limit(limit + 1).collectAsList();
    List<String[]> cells = new ArrayList<>();
    for (Row row : rows.subList(0, Math.min(limit, rows.size()))) {
      String[] values = new String[columns.length];
      for (int i = 0; i < columns.length; i++) {
        values[i] =
            row.isNullAt(i) ? (format == Format.CSV ? "" : "NULL") : String.valueOf(row.get(i));
      }
      cells.add(values);
    }
    if (format == Format.CSV) {
      out.println(String.join(",", Arrays.stream(columns).map(ResultPrinter::csv).toList()));
      cells.forEach(
          values ->
              out.println(
                  String.join(",", Arrays.stream(values).map(ResultPrinter::csv).toList())));
    } else {
      printTable(columns, cells, out);
    }
    return rows.size() > limit;
  }

  private static void printTable(String[] columns, List<String[]> cells, PrintStream out) {
    int[] widths = new int[columns.length];
    for (int i = 0; i < columns.length; i++) {
      widths[i] = displayWidth(columns[i]);
      for (String[] values : cells) {
        widths[i] = Math.max(widths[i], displayWidth(values[i]));
      }
    }
    StringBuilder rule = new StringBuilder("+");
    for (int width : widths) {
      rule.append("-".repeat(width + 2)).append('+');
    }
    out.println(rule);
    out.println(line(columns, widths));
    out.println(rule);
    cells.forEach(values -> out.println(line(values, widths)));
    out.println(rule);
    out.println(cells.size() + (cells.size() == 1 ? " row" : " rows"));
  }

  private static String line(String[] values, int[] widths) {
    StringBuilder line = new StringBuilder("|");
    for (int i = 0; i < values.length; i++) {
      line.append(' ')
          .append(values[i])
          .append(" ".repeat(widths[i] - displayWidth(values[i])))
          .append(" |");
    }
    return line.toString();
  }

  /** Columns a terminal gives the text: CJK characters take two. */
  private static int displayWidth(String text) {
    return text.codePoints()
        .map(c -> Character.isIdeographic(c) || (c >= 0xFF00 && c <= 0xFFEF) ? 2 : 1)
        .sum();
  }

  private static String csv(String value) {
    return value.contains(",") || value.contains("\"") || value.contains("\n")
        ? "\"" + value.replace("\"", "\"\"") + "\""
        : value;
  }
}
