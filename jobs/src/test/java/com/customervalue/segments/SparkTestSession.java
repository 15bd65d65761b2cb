package com.customervalue.segments;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;

/** One small local SparkSession per test class: 2 cores, no UI, 2 shuffle partitions, UTC. */
public abstract class SparkTestSession {
  protected static SparkSession spark;

  @BeforeAll
  static void startSpark(TestInfo testInfo) {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName(testInfo.getTestClass().map(Class::getSimpleName).orElse("test"))
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.driver.host", "127.0.0.1")
            .getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) {
      spark.stop();
      spark = null;
    }
  }

  /** The repository root (Surefire sets segments.home). */
  public static Path repositoryRoot() {
    return Path.of(System.getProperty("segments.home", "..")).toAbsolutePath().normalize();
  }
}
