package com.customervalue.segments.publish;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotPublisherTest extends SparkTestSession {
  private static final LocalDate DAY_ONE = LocalDate.of(2024, 1, 1);
  private static final LocalDate DAY_TWO = LocalDate.of(2024, 2, 1);

  @TempDir Path root;

  private Dataset<Row> ids(long from, long to) {
    return spark.range(from, to).toDF("id");
  }

  private List<Long> publishedIds(String table, LocalDate snapshot) {
    return spark
        .read()
        .parquet(root.resolve(table).toString())
        .filter(col("snapshot_date").equalTo(java.sql.Date.valueOf(snapshot)))
        .orderBy("id")
        .collectAsList()
        .stream()
        .map(row -> row.getLong(0))
        .toList();
  }

  private static List<String> entries(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(path -> path.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void stagedTablesAreInvisibleUntilCommitted() throws IOException {
    SnapshotPublisher publisher =
        new SnapshotPublisher(spark.sparkContext().hadoopConfiguration(), root.toString(), "run1");
    publisher.commit(publisher.stage(ids(100, 101), "t", DAY_TWO));
    SnapshotPublisher.StagedTable staged = publisher.stage(ids(0, 3), "t", DAY_ONE);

    assertEquals(List.of("_staging", "snapshot_date=2024-02-01"), entries(root.resolve("t")));
    assertEquals(
        List.of(100L),
        spark.read().parquet(root.resolve("t").toString()).collectAsList().stream()
            .map(row -> row.getLong(0))
            .toList(),
        "a reader of the table sees nothing staged");

    publisher.commit(staged);
    assertEquals(
        List.of("snapshot_date=2024-01-01", "snapshot_date=2024-02-01"),
        entries(root.resolve("t")));
    assertEquals(List.of(0L, 1L, 2L), publishedIds("t", DAY_ONE));
  }

  @Test
  void republishingASnapshotReplacesItExactlyAndLeavesOthersAlone() throws IOException {
    SnapshotPublisher first =
        new SnapshotPublisher(spark.sparkContext().hadoopConfiguration(), root.toString(), "run1");
    first.commit(first.stage(ids(0, 5).repartition(3), "t", DAY_ONE));
    first.commit(first.stage(ids(100, 102), "t", DAY_TWO));
    List<String> filesBefore = entries(root.resolve("t/snapshot_date=2024-01-01"));

    SnapshotPublisher second =
        new SnapshotPublisher(spark.sparkContext().hadoopConfiguration(), root.toString(), "run2");
    second.commit(second.stage(ids(10, 12), "t", DAY_ONE));

    assertEquals(List.of(10L, 11L), publishedIds("t", DAY_ONE));
    assertEquals(List.of(100L, 101L), publishedIds("t", DAY_TWO));
    List<String> filesAfter = entries(root.resolve("t/snapshot_date=2024-01-01"));
    assertTrue(
        filesBefore.stream()
            .filter(name -> name.startsWith("part-"))
            .noneMatch(filesAfter::contains),
        "no file of the replaced snapshot is left: " + filesAfter);
    assertEquals(
        List.of("snapshot_date=2024-01-01", "snapshot_date=2024-02-01"),
        entries(root.resolve("t")),
        "no staging or trash directory is left behind");
  }

  @Test
  void aCommitLeavesAnotherRunsStagingInPlace() throws IOException {
    SnapshotPublisher january =
        new SnapshotPublisher(spark.sparkContext().hadoopConfiguration(), root.toString(), "run1");
    SnapshotPublisher february =
        new SnapshotPublisher(spark.sparkContext().hadoopConfiguration(), root.toString(), "run2");
    SnapshotPublisher.StagedTable stagedByFebruary = february.stage(ids(100, 102), "t", DAY_TWO);

    january.commit(january.stage(ids(0, 2), "t", DAY_ONE));
    assertEquals(List.of("snapshot_date=2024-02-01.run2"), entries(root.resolve("t/_staging")));

    february.commit(stagedByFebruary);
    assertEquals(List.of(0L, 1L), publishedIds("t", DAY_ONE));
    assertEquals(List.of(100L, 101L), publishedIds("t", DAY_TWO));
    assertEquals(
        List.of("snapshot_date=2024-01-01", "snapshot_date=2024-02-01"),
        entries(root.resolve("t")),
        "the last commit removes the shared staging directory");
  }

  @Test
  void discardedStagingLeavesThePublishedSnapshotAsItWas() throws IOException {
    SnapshotPublisher first =
        new SnapshotPublisher(spark.sparkContext().hadoopConfiguration(), root.toString(), "run1");
    first.commit(first.stage(ids(0, 2), "t", DAY_ONE));
    SnapshotPublisher failing =
        new SnapshotPublisher(spark.sparkContext().hadoopConfiguration(), root.toString(), "run2");
    failing.discard(failing.stage(ids(50, 60), "t", DAY_ONE));

    assertEquals(List.of(0L, 1L), publishedIds("t", DAY_ONE));
    assertFalse(Files.exists(root.resolve("t/_staging")));
  }

  @Test
  void recoveryPutsBackWhatACrashedCommitLeftInTrash() throws IOException {
    SnapshotPublisher first =
        new SnapshotPublisher(spark.sparkContext().hadoopConfiguration(), root.toString(), "run1");
    first.commit(first.stage(ids(0, 2), "t", DAY_ONE));
    first.commit(first.stage(ids(100, 101), "t", DAY_TWO));
    Path trash = Files.createDirectories(root.resolve("t/_trash"));
    // run2 was killed between the two moves of replacing day one: the old snapshot is in the trash
    Files.move(
        root.resolve("t/snapshot_date=2024-01-01"), trash.resolve("snapshot_date=2024-01-01.run2"));
    // run3 was killed after both moves of replacing day two, before deleting what it replaced
    Files.createDirectories(trash.resolve("snapshot_date=2024-02-01.run3"))
        .resolve("part-00000.parquet")
        .toFile()
        .createNewFile();
    assertEquals(List.of(), publishedIds("t", DAY_ONE), "until recovery, day one is absent");

    SnapshotPublisher next =
        new SnapshotPublisher(spark.sparkContext().hadoopConfiguration(), root.toString(), "run4");
    assertEquals(
        List.of("snapshot_date=2024-01-01"),
        next.recover("t").stream().map(org.apache.hadoop.fs.Path::getName).toList());

    assertEquals(List.of(0L, 1L), publishedIds("t", DAY_ONE));
    assertEquals(List.of(100L), publishedIds("t", DAY_TWO));
    assertEquals(
        List.of("snapshot_date=2024-01-01", "snapshot_date=2024-02-01"),
        entries(root.resolve("t")),
        "the trash is gone, with what was already replaced");
  }

  @Test
  void appendedRunRecordsAccumulateInTheSnapshot() throws IOException {
    new SnapshotPublisher(spark.sparkContext().hadoopConfiguration(), root.toString(), "run1")
        .append(ids(1, 2), "runs", DAY_ONE);
    new SnapshotPublisher(spark.sparkContext().hadoopConfiguration(), root.toString(), "run2")
        .append(ids(2, 3), "runs", DAY_ONE);

    assertEquals(
        List.of("run-run1.parquet", "run-run2.parquet"),
        entries(root.resolve("runs/snapshot_date=2024-01-01")).stream()
            .filter(name -> !name.startsWith("."))
            .toList());
    assertEquals(List.of(1L, 2L), publishedIds("runs", DAY_ONE));
  }
}
