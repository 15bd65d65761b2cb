package com.customervalue.segments.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.OnlineRetailHistory;
import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.catalog.Catalog;
import com.customervalue.segments.catalog.TableSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * notebooks/DATA-DICTIONARY.md against the catalog and the real output: every declared column is
 * documented, nothing documented is missing from the catalog, and the example queries give the
 * results the dictionary shows, on the two Online Retail snapshots it was written from.
 */
@ResourceLock(SparkTestSession.TABLE_VIEWS)
class DataDictionaryTest extends SparkTestSession {
  private static final Pattern CODE_BLOCK = Pattern.compile("```(sql)?\n(.*?)```", Pattern.DOTALL);
  private static final Pattern COLUMN_CELL = Pattern.compile("`([a-z_]+)`");

  private static String dictionary;

  @BeforeAll
  static void readTheDictionary() throws IOException {
    dictionary = Files.readString(repositoryRoot().resolve("notebooks/DATA-DICTIONARY.md"));
  }

  /** The text of the section {@code ## name}, up to the next section. */
  private static String section(String name) {
    int start = dictionary.indexOf("\n## " + name + "\n");
    assertTrue(start >= 0, "a section for " + name);
    int end = dictionary.indexOf("\n## ", start + 1);
    return dictionary.substring(start, end < 0 ? dictionary.length() : end);
  }

  @Test
  void everyTableOfTheCatalogDocumentsEachOfItsColumns() {
    for (TableSpec table : Catalog.TABLES) {
      String section = section(table.name());
      for (String column : table.columns()) {
        assertTrue(section.contains("`" + column + "`"), table.name() + "." + column);
      }
    }
  }

  @Test
  void everyDocumentedColumnIsInTheCatalog() {
    for (TableSpec table : Catalog.TABLES) {
      String section = section(table.name());
      int header = section.indexOf("| column |");
      if (header < 0) {
        continue; // described in prose
      }
      for (String row : section.substring(header).lines().skip(2).toList()) {
        if (!row.startsWith("|")) {
          break;
        }
        String firstCell = row.substring(1, row.indexOf('|', 1));
        Matcher column = COLUMN_CELL.matcher(firstCell);
        while (column.find()) {
          assertTrue(
              table.columns().contains(column.group(1)),
              table.name() + " documents " + column.group(1) + ", which the catalog lacks");
        }
      }
    }
  }

  @Test
  void theExampleQueriesGiveTheDocumentedResults() {
    SqlViews.register(
        spark,
        OnlineRetailHistory.settings(
                OnlineRetailHistory.root(spark), OnlineRetailHistory.DECEMBER, Map.of())
            .output());
    Matcher blocks = CODE_BLOCK.matcher(dictionary.substring(dictionary.indexOf("## Example")));
    List<String[]> blockList = new ArrayList<>();
    while (blocks.find()) {
      blockList.add(new String[] {blocks.group(1), blocks.group(2)});
    }
    int checked = 0;
    for (int i = 0; i + 1 < blockList.size(); i++) {
      if (!"sql".equals(blockList.get(i)[0]) || "sql".equals(blockList.get(i + 1)[0])) {
        continue; // a query without documented result
      }
      String query = blockList.get(i)[1];
      List<Row> rows = spark.sql(query).collectAsList();
      List<List<String>> documented = new ArrayList<>();
      for (String line : blockList.get(i + 1)[1].lines().toList()) {
        List<String> cells =
            Arrays.stream(line.replaceAll("\\|\\s*--.*$", "|").split("\\|"))
                .map(String::trim)
                .skip(1)
                .toList();
        documented.add(cells);
      }
      if (!documented.isEmpty() && documented.get(0).equals(List.of(spark.sql(query).columns()))) {
        documented.remove(0); // the header
      }
      List<List<String>> actual =
          rows.stream()
              .map(
                  row -> {
                    List<String> cells = new ArrayList<>();
                    for (int c = 0; c < row.length(); c++) {
                      cells.add(String.valueOf(row.get(c)));
                    }
                    return cells;
                  })
              .toList();
      assertEquals(documented, actual, query);
      checked++;
    }
    assertEquals(13, checked, "the example queries with results");
  }
}
