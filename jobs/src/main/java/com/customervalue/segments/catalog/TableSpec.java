package com.customervalue.segments.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The declaration of one published table: its name, what one row is, the columns that identify a
 * row within a snapshot, its columns in order (without {@code snapshot_date}, which the directory
 * layout adds) and the indexes of its PostgreSQL copy. The publisher, {@code segments sql}, the
 * serving copy and the tests all read it from here.
 *
 * @param name the table's name: its directory under the output root and its view and SQL name
 * @param grain what one row is, e.g. "customer"
 * @param key the columns that identify a row within a snapshot; empty when duplicates are real
 * @param schema the columns, in order, without {@code snapshot_date}
 * @param servingIndexes the indexes of the PostgreSQL copy beside its primary key
 * @param kind whether a run replaces its snapshot of the table or adds a row to the run log
 * @param attributesFollow whether the customer master's columns may follow the declared ones
 */
public record TableSpec(
    String name,
    String grain,
    List<String> key,
    StructType schema,
    List<List<String>> servingIndexes,
    Kind kind,
    boolean attributesFollow) {

  /** The date column every table is partitioned by: {@code <table>/snapshot_date=YYYY-MM-DD/}. */
  public static final String SNAPSHOT_DATE = "snapshot_date";

  /** How a run writes the table. */
  public enum Kind {
    /** Each run replaces the whole snapshot of its as-of date. */
    SNAPSHOT,
    /** Each run adds its own row to its as-of date's partition ({@code job_runs}). */
    RUN_LOG
  }

  /**
   * A table each run replaces the snapshot of, with no index beside its primary key and no columns
   * beyond the declared ones: most tables.
   */
  public static TableSpec snapshot(String name, String grain, List<String> key, StructType schema) {
    return new TableSpec(name, grain, key, schema, List.of(), Kind.SNAPSHOT, false);
  }

  /** The primary key of the PostgreSQL copy, which holds every snapshot; empty for none. */
  public List<String> servingPrimaryKey() {
    if (key.isEmpty() || kind == Kind.RUN_LOG) {
      return key;
    }
    return Stream.concat(Stream.of(SNAPSHOT_DATE), key.stream()).toList();
  }

  /** The declared column names, in order. */
  public List<String> columns() {
    return List.of(schema.fieldNames());
  }

  /**
   * Throws {@link IllegalStateException} when {@code actual} is not the declared schema: the same
   * names and types (nullability aside) in the same order, plus attributes where they may follow.
   */
  public void requireSchema(StructType actual) {
    List<String> problems = new ArrayList<>();
    StructField[] declared = schema.fields();
    StructField[] found = actual.fields();
    for (int i = 0; i < declared.length; i++) {
      String expected = declared[i].name() + " " + declared[i].dataType().sql();
      String got = i < found.length ? found[i].name() + " " + found[i].dataType().sql() : "nothing";
      if (!expected.equals(got)) {
        problems.add("column " + (i + 1) + " should be " + expected + ", is " + got);
      }
    }
    if (found.length > declared.length && !attributesFollow) {
      problems.add(
          "undeclared columns "
              + Stream.of(found)
                  .skip(declared.length)
                  .map(StructField::name)
                  .collect(Collectors.joining(", ")));
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "The "
              + name
              + " table does not match its declaration in the catalog: "
              + String.join("; ", problems));
    }
  }
}
