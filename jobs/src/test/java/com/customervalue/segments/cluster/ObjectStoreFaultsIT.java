package com.customervalue.segments.cluster;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.PostgresTestServer;
import com.customervalue.segments.S3ProxyServer;
import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.catalog.Catalog;
import com.customervalue.segments.catalog.TableSpec;
import com.customervalue.segments.config.ConfigLayers;
import com.customervalue.segments.job.JobSettings;
import com.customervalue.segments.job.SqlViews;
import com.customervalue.segments.pipeline.TableOutput;
import com.customervalue.segments.publish.OutputSettings;
import com.customervalue.segments.publish.TableOutputs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs of the spark-submit jar (local mode, separate JVMs) that publish Iceberg tables to an object
 * store (s3proxy) through a JDBC catalog (PostgreSQL) and are killed with SIGKILL while publishing,
 * or publish at the same time: a reader of the latest complete run sees the previous complete run
 * whole or the new one whole, never a mix; the next run succeeds and leaves no extra rows; two runs
 * of different snapshots both land.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ObjectStoreFaultsIT extends SparkTestSession {
  private static final String OCTOBER = "1997-10-01";
  private static final String JANUARY = "1998-01-01";
  private static final String JULY = "1998-07-01";

  @TempDir static Path directory;
  private static StandaloneCluster submitter;
  private static PostgresTestServer postgres;
  private static S3ProxyServer s3;

  /** What readers saw of each complete run of the killed-runs test, by snapshot date. */
  private static final Map<String, Map<String, List<String>>> COMPLETE = new TreeMap<>();

  @BeforeAll
  static void startServers() throws Exception {
    postgres = PostgresTestServer.start();
    s3 = S3ProxyServer.start(directory.resolve("s3"));
    s3.configure(spark.sparkContext().hadoopConfiguration());
    submitter = StandaloneCluster.withoutDaemons(directory);
  }

  @AfterAll
  static void stopServers() throws Exception {
    if (submitter != null) {
      submitter.close();
    }
    if (s3 != null) {
      s3.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  /**
   * CDNOW through an Iceberg catalog of its own (namespace and bucket prefix {@code name}). Tier
   * models are not reused, so that a snapshot's tables depend on its date only, whichever runs came
   * before.
   */
  private static Path config(String name) throws Exception {
    Path root = StandaloneCluster.repositoryRoot();
    Path config = directory.resolve(name + ".conf");
    Files.writeString(
        config,
        String.join(
            "\n",
            "include file(\"" + root.resolve("conf/cdnow.conf") + "\")",
            "segments.clv.holdout-days = 0",
            "segments.tiers.model-max-age-days = 0",
            "segments.output {",
            "  format = iceberg",
            "  iceberg {",
            "    catalog-type = jdbc",
            "    uri = \"" + postgres.jdbcUrl() + "\"",
            "    warehouse = \"" + root(name) + "/warehouse\"",
            "    namespace = " + name,
            "  }",
            "}",
            ""));
    return config;
  }

  private static String root(String name) {
    return "s3a://" + S3ProxyServer.BUCKET + "/" + name;
  }

  private static Process start(String name, String asOf, String log, String... more)
      throws Exception {
    List<String> arguments =
        new ArrayList<>(
            List.of(
                "run",
                "--config",
                config(name).toString(),
                "--input",
                StandaloneCluster.repositoryRoot()
                    .resolve("data-samples/cdnow_sample.parquet")
                    .toString(),
                "--output",
                root(name),
                "--as-of",
                asOf,
                "--no-report"));
    arguments.addAll(List.of(more));
    return submitter.submit(
        "local[2]",
        directory.resolve(log + ".log"),
        s3.sparkSettings(),
        PostgresTestServer.icebergCatalogEnvironment(),
        arguments.toArray(String[]::new));
  }

  private static void succeeds(Process run, String log) throws Exception {
    assertTrue(run.waitFor(10, TimeUnit.MINUTES), log + " finished");
    assertEquals(
        0, run.exitValue(), StandaloneCluster.tail(directory.resolve(log + ".log")).orElse(""));
  }

  /** Kills the run with SIGKILL as soon as its log contains {@code moment}. */
  private static String killAt(Process run, String log, String moment) throws Exception {
    String text =
        StandaloneCluster.awaitLog(
            directory.resolve(log + ".log"), t -> t.contains(moment), Duration.ofMinutes(5));
    run.destroyForcibly();
    run.waitFor();
    return text;
  }

  private static OutputSettings output(String name) throws Exception {
    return JobSettings.load(
            ConfigLayers.layered(
                Optional.of(config(name).toFile()),
                Map.of("segments.input.path", "unused", "segments.output.root", root(name))),
            PostgresTestServer.icebergCatalogEnvironment())
        .output();
  }

  /**
   * What {@code segments sql} shows: every table of the latest complete run, as sorted row texts
   * (job_runs, the log of all runs, aside).
   */
  private static Map<String, List<String>> latestCompleteRun(String name) throws Exception {
    List<String> views = SqlViews.register(spark, output(name));
    Map<String, List<String>> tables = new TreeMap<>();
    for (TableSpec table : Catalog.TABLES) {
      if (table.kind() == TableSpec.Kind.SNAPSHOT && views.contains(table.name())) {
        tables.put(table.name(), rows(spark.table(table.name()).collectAsList()));
      }
    }
    return tables;
  }

  private static List<String> rows(List<Row> rows) {
    return rows.stream().map(Row::toString).sorted().toList();
  }

  private static void assertWholeRun(Map<String, List<String>> tables, String asOf) {
    assertEquals(
        Catalog.TABLES.stream().filter(t -> t.kind() == TableSpec.Kind.SNAPSHOT).count(),
        tables.size(),
        "every table is readable: " + tables.keySet());
    String date = Date.valueOf(asOf).toString();
    tables.forEach(
        (table, rows) ->
            assertTrue(
                rows.stream().allMatch(row -> row.contains(date)),
                table + " shows only the snapshot of " + asOf));
  }

  /**
   * Every table's partition of {@code asOf} in the table's current state (the {@code _history}
   * view), as sorted row texts: what a reader who skips job_runs sees.
   */
  private static Map<String, List<String>> history(String name, String asOf) throws Exception {
    TableOutput tables = TableOutputs.open(spark, output(name), "reader", false);
    Map<String, List<String>> partitions = new TreeMap<>();
    if (tables.snapshots(Catalog.JOB_RUNS).isEmpty()) {
      return partitions; // no run has finished: no table to read
    }
    for (TableSpec table : Catalog.TABLES) {
      if (table.kind() == TableSpec.Kind.SNAPSHOT) {
        partitions.put(
            table.name(),
            rows(
                tables
                    .history(table)
                    .filter(col(TableSpec.SNAPSHOT_DATE).equalTo(Date.valueOf(asOf)))
                    .collectAsList()));
      }
    }
    return partitions;
  }

  private static Map<String, List<String>> withoutMigration(Map<String, List<String>> tables) {
    Map<String, List<String>> others = new TreeMap<>(tables);
    others.remove(Catalog.TIER_MIGRATION.name());
    return others;
  }

  private static long nonEmpty(Map<String, List<String>> tables) {
    return tables.values().stream().filter(rows -> !rows.isEmpty()).count();
  }

  private static long succeededRuns(String name, String asOf) throws Exception {
    return TableOutputs.open(spark, output(name), "reader", false)
        .history(Catalog.JOB_RUNS)
        .filter(
            col(TableSpec.SNAPSHOT_DATE)
                .equalTo(Date.valueOf(asOf))
                .and(col("status").equalTo("succeeded")))
        .count();
  }

  @Test
  @Order(1)
  void runsKilledWhilePublishingLeaveThePreviousCompleteRunWhole() throws Exception {
    String name = "killed";
    succeeds(start(name, OCTOBER, "october"), "october");
    Map<String, List<String>> october = latestCompleteRun(name);
    assertWholeRun(october, OCTOBER);
    COMPLETE.put(OCTOBER, october);

    // Between two tables' commits: the first table already shows January in its history.
    killAt(start(name, JANUARY, "between-commits"), "between-commits", "as Iceberg snapshot");
    assertEquals(0, succeededRuns(name, JANUARY));
    long committed = nonEmpty(history(name, JANUARY));
    assertTrue(
        committed > 0 && committed < nonEmpty(october),
        "the kill landed between commits: January in " + committed + " tables");
    assertEquals(october, latestCompleteRun(name), "readers still see October, whole");

    // While the publish step writes the tables' data files, before its first commit.
    String log = killAt(start(name, JANUARY, "writing"), "writing", "] publish:");
    assertTrue(!log.contains("as Iceberg snapshot"), "killed before the first commit");
    assertEquals(october, latestCompleteRun(name), "readers still see October, whole");

    succeeds(start(name, JANUARY, "january"), "january");
    Map<String, List<String>> january = latestCompleteRun(name);
    assertWholeRun(january, JANUARY);
    assertEquals(
        january,
        history(name, JANUARY),
        "January's partitions hold the complete run's rows only, none of the killed runs'");
    assertEquals(1, succeededRuns(name, JANUARY));
    COMPLETE.put(JANUARY, january);

    // While pruning: the run is recorded before it prunes, so readers see July whole, and
    // October's partitions, which it was deleting, are no longer what they read.
    killAt(start(name, JULY, "pruning", "--keep-snapshots", "1"), "pruning", "Pruned segments.");
    Map<String, List<String>> july = latestCompleteRun(name);
    assertWholeRun(july, JULY);
    assertEquals(july, history(name, JULY));

    succeeds(start(name, JULY, "july", "--keep-snapshots", "1"), "july");
    // Every table alike but the migration, which the rerun computes with January pruned.
    assertEquals(
        withoutMigration(july),
        withoutMigration(latestCompleteRun(name)),
        "a rerun of the same inputs publishes the same");
    assertEquals(0, nonEmpty(history(name, OCTOBER)), "October pruned from every table");
    assertEquals(0, nonEmpty(history(name, JANUARY)), "January pruned from every table");
    assertEquals(2, succeededRuns(name, JULY));
  }

  @Test
  @Order(2)
  void twoRunsOfDifferentSnapshotsAtOnceBothLand() throws Exception {
    String name = "concurrent";
    Process october = start(name, OCTOBER, "concurrent-october");
    Process january = start(name, JANUARY, "concurrent-january");
    succeeds(october, "concurrent-october");
    succeeds(january, "concurrent-january");

    assertEquals(1, succeededRuns(name, OCTOBER));
    assertEquals(1, succeededRuns(name, JANUARY));
    for (String asOf : List.of(OCTOBER, JANUARY)) {
      // Migration depends on which snapshot was published first; the rest on the date only.
      assertEquals(
          withoutMigration(COMPLETE.get(asOf)),
          withoutMigration(history(name, asOf)),
          asOf + " as a run alone published it");
    }
    assertWholeRun(latestCompleteRun(name), JANUARY);
  }
}
