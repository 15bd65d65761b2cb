package com.customervalue.segments.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.PostgresTestServer;
import com.customervalue.segments.S3ProxyServer;
import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.publish.IcebergOutput;
import com.customervalue.segments.publish.IcebergSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spark-submit jar on a real standalone cluster (a Master and two Workers as separate JVMs): it
 * must publish the same customer_segments as a local run, row for row, also when an executor is
 * killed in the middle of the job, and as Iceberg tables on an object store (s3proxy, JDBC catalog
 * in PostgreSQL) written by the executors.
 */
class StandaloneClusterIT extends SparkTestSession {
  @TempDir static Path directory;
  private static StandaloneCluster cluster;
  private static Path localOutput;
  private static PostgresTestServer postgres;
  private static S3ProxyServer s3;

  @BeforeAll
  static void startClusterAndRunLocally() throws Exception {
    postgres = PostgresTestServer.start();
    s3 = S3ProxyServer.start(directory.resolve("s3"));
    s3.configure(spark.sparkContext().hadoopConfiguration());
    cluster = StandaloneCluster.start(directory);
    localOutput = directory.resolve("local");
    assertEquals(
        0, runJob("local[2]", localOutput, directory.resolve("local.log")), "the local run");
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
      assertTrue(cluster.executors().isEmpty(), "no executor outlives the cluster");
    }
    if (s3 != null) {
      s3.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  private static String[] job(Path output) {
    return job(
        StandaloneCluster.repositoryRoot().resolve("conf/online-retail.conf"), output.toString());
  }

  private static String[] job(Path config, String output) {
    Path root = StandaloneCluster.repositoryRoot();
    return new String[] {
      "run",
      "--config",
      config.toString(),
      "--input",
      root.resolve("data-samples/online_retail.parquet").toString(),
      "--output",
      output,
      "--as-of",
      "2011-12-10"
    };
  }

  private static int runJob(String master, Path output, Path log) throws Exception {
    Process submit = cluster.submit(master, log, job(output));
    if (!submit.waitFor(10, TimeUnit.MINUTES)) {
      submit.destroyForcibly();
      throw new IllegalStateException(
          "The job did not finish in 10 minutes:\n" + StandaloneCluster.tail(log).orElse(""));
    }
    return submit.exitValue();
  }

  private static void assertSameRows(Path output) {
    assertSameRows(spark.read().parquet(output.resolve("customer_segments").toString()));
  }

  private static void assertSameRows(Dataset<Row> onCluster) {
    Dataset<Row> local = spark.read().parquet(localOutput.resolve("customer_segments").toString());
    assertEquals(4_372, local.count());
    assertEquals(local.count(), onCluster.count());
    assertEquals(
        0,
        onCluster.exceptAll(local).count(),
        "rows the cluster published that the local run did not");
    assertEquals(
        0,
        local.exceptAll(onCluster).count(),
        "rows the local run published that the cluster did not");
  }

  /**
   * One cluster run does both: it publishes what the local run did although one of its executors is
   * killed in the middle, which is the harder case of the two.
   */
  @Test
  void theClusterPublishesWhatALocalRunDoesEvenWhenAnExecutorIsKilled() throws Exception {
    Path output = directory.resolve("killed");
    Path log = directory.resolve("killed.log");
    Process submit = cluster.submit(cluster.masterUrl(), log, job(output));
    // The tier stage iterates k-means over cached data on both executors: kill one of them there.
    StandaloneCluster.awaitLog(log, text -> text.contains("] tier: "), Duration.ofMinutes(5));
    List<ProcessHandle> executors = cluster.executors();
    assertFalse(executors.isEmpty(), "executors are running");
    executors.get(0).destroyForcibly();

    assertTrue(submit.waitFor(10, TimeUnit.MINUTES), "the job finished");
    String driverLog = Files.readString(log);
    assertEquals(0, submit.exitValue(), StandaloneCluster.tail(log).orElse(""));
    assertTrue(driverLog.contains("Lost executor"), "Spark noticed the lost executor");
    assertTrue(driverLog.contains("succeeded in"), "and the run succeeded");
    for (int worker = 1; worker <= StandaloneCluster.WORKERS; worker++) {
      // A worker keeps <work-dir>/<app-id>/<executor-id>/stderr for every executor it ran.
      try (var executorLogs =
          Files.find(
              directory.resolve("work-" + worker),
              3,
              (path, attributes) -> path.getFileName().toString().equals("stderr"))) {
        assertTrue(executorLogs.findAny().isPresent(), "worker " + worker + " ran an executor");
      }
    }
    assertSameRows(output);
  }

  @Test
  void theClusterPublishesIcebergTablesOnAnObjectStore() throws Exception {
    String warehouse = "s3a://" + S3ProxyServer.BUCKET + "/warehouse";
    Path config = directory.resolve("iceberg.conf");
    Files.writeString(
        config,
        String.join(
            "\n",
            "include file(\""
                + StandaloneCluster.repositoryRoot().resolve("conf/online-retail.conf")
                + "\")",
            "segments.output.format = iceberg",
            "segments.output.iceberg.catalog-type = jdbc",
            "segments.output.iceberg.uri = \"" + postgres.jdbcUrl() + "\"",
            "segments.output.iceberg.warehouse = \"" + warehouse + "\"",
            ""));
    Path log = directory.resolve("iceberg.log");
    Process submit =
        cluster.submit(
            cluster.masterUrl(),
            log,
            s3.sparkSettings(),
            PostgresTestServer.icebergCatalogEnvironment(),
            job(config, "s3a://" + S3ProxyServer.BUCKET + "/output"));
    assertTrue(submit.waitFor(10, TimeUnit.MINUTES), "the job finished");
    assertEquals(0, submit.exitValue(), StandaloneCluster.tail(log).orElse(""));

    IcebergOutput.register(
        spark,
        new IcebergSettings(
            "jdbc",
            warehouse,
            Optional.of(postgres.jdbcUrl()),
            "customer_segments",
            Optional.of(PostgresTestServer.USER),
            Optional.of(PostgresTestServer.PASSWORD)));
    assertSameRows(spark.table(IcebergOutput.CATALOG + ".customer_segments.customer_segments"));
  }
}
