package com.customervalue.segments.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * What the steps of one run share: the session, the run id, the output, and each step's results
 * under its {@link Key}. Every result is set once; asking for one that no earlier step produced is
 * a bug in the step order, reported as such.
 */
public final class RunState {
  private final SparkSession spark;
  private final String runId;
  private final TableOutput output;
  private final Map<Key<?>, Object> results = new LinkedHashMap<>();
  private final List<Dataset<Row>> cached = new ArrayList<>();

  public RunState(SparkSession spark, String runId, TableOutput output) {
    this.spark = spark;
    this.runId = runId;
    this.output = output;
  }

  public SparkSession spark() {
    return spark;
  }

  public String runId() {
    return runId;
  }

  public TableOutput output() {
    return output;
  }

  public <T> void put(Key<T> key, T value) {
    if (results.putIfAbsent(key, value) != null) {
      throw new IllegalStateException(key.name() + " was already produced by an earlier step");
    }
  }

  public <T> T get(Key<T> key) {
    return find(key)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "No step before this one produced " + key.name() + "; check the step order"));
  }

  public <T> Optional<T> find(Key<T> key) {
    return Optional.ofNullable(results.get(key)).map(key.type()::cast);
  }

  /**
   * Persists {@code data} (memory, spilling to disk) for the rest of the run: for data that later
   * steps scan many times.
   */
  public Dataset<Row> cache(Dataset<Row> data) {
    Dataset<Row> persisted = data.persist(StorageLevel.MEMORY_AND_DISK());
    cached.add(persisted);
    return persisted;
  }

  /** Unpersists everything {@link #cache} kept; the run calls it once it is over. */
  public void releaseCaches() {
    cached.forEach(Dataset::unpersist);
    cached.clear();
  }
}
