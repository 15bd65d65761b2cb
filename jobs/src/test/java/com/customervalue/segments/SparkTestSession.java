package com.customervalue.segments;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;

/**
 * The test JVM's one small local SparkSession (2 cores, no UI, 2 shuffle partitions, UTC), shared
 * by the test classes, which Surefire runs three at a time (the pom's JUnit configuration).
 *
 * <p>Sharing saves a context start per class, and several classes at once keep both cores busy: a
 * run on a small fixture is mostly the driver planning one small job after another. A class that
 * changes what the session holds for everyone (its SQL settings, its catalogs, its temporary views)
 * uses a {@link SparkSession#newSession()} of its own or takes a {@code @ResourceLock}; one that
 * stops the session is {@code @Isolated}, and the next class starts a new one.
 */
public abstract class SparkTestSession {
  /**
   * The lock of the classes that register the tables as temporary views ({@code SqlViews}), whose
   * names are the same whichever output they show.
   */
  public static final String TABLE_VIEWS = "the session's temporary views of the tables";

  /**
   * The class order ({@code @Order}) of the longest classes: they start first, so that the suite
   * does not end waiting on one of them while the others are done.
   */
  public static final int LONGEST_FIRST = 1;

  protected static SparkSession spark;

  private static SparkSession shared;

  @BeforeAll
  static void startSpark() {
    spark = shared();
    // The class's thread needs it as its active session, as getOrCreate makes it for the thread
    // that builds it: code outside a Dataset operation, such as the session's catalogs, reads the
    // settings of the thread's active session.
    SparkSession.setActiveSession(spark);
  }

  private static synchronized SparkSession shared() {
    if (shared == null || shared.sparkContext().isStopped()) {
      shared =
          SparkSession.builder()
              .master("local[2]")
              .appName("segments-tests")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.shuffle.partitions", "2")
              .config("spark.sql.session.timeZone", "UTC")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.driver.host", "127.0.0.1")
              // Spark keeps 100 compiled classes by default, fewer than one run generates
              // (about 400), so every run compiled all of them again: 7.4 s against 5.4 s for a
              // 12-line run after the first.
              .config("spark.sql.codegen.cache.maxEntries", "10000")
              .getOrCreate();
    }
    return shared;
  }

  /** The repository root (Surefire sets segments.home). */
  public static Path repositoryRoot() {
    return Path.of(System.getProperty("segments.home", "..")).toAbsolutePath().normalize();
  }
}
