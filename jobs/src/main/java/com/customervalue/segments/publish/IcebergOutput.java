package com.customervalue.segments.publish;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.customervalue.segments.catalog.Catalog;
import com.customervalue.segments.catalog.TableSpec;
import com.customervalue.segments.pipeline.TableOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Date;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.spark.SparkCatalog;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's {@link TableOutput} as Apache Iceberg tables, one per catalog table, partitioned by
 * {@code snapshot_date}: tables are staged as Parquet under the output root, then each replaces its
 * snapshot's partition with one Iceberg commit, which readers see whole or not at all on any
 * storage. Once the run is recorded in job_runs, each table's state is tagged {@code
 * snapshot-YYYY-MM-DD}. The tier model and the report are directories under the output root that
 * each run writes to a path of its own, {@code <directory>/snapshot_date=.../run-<run id>/}, never
 * moved or replaced (on an object store a move is a copy that a killed run leaves half done);
 * job_runs names the path of the complete run's.
 */
public final class IcebergOutput implements TableOutput {
  /** The name of the Iceberg catalog in the Spark session: tables are segments.namespace.table. */
  public static final String CATALOG = "segments";

  /** The snapshot summary property naming the run that committed it. */
  static final String RUN_ID_PROPERTY = "segments.run-id";

  /** Where tables wait as Parquet, under the output root, until the run commits them. */
  static final String STAGING = "_staging";

  private static final Pattern TAG = Pattern.compile("snapshot-(\\d{4}-\\d{2}-\\d{2})");

  private static final Logger LOG = LoggerFactory.getLogger(IcebergOutput.class);

  private final SparkSession spark;
  private final IcebergSettings settings;
  private final SnapshotPublisher files;
  private final SnapshotPublisher staging;
  private final String runId;
  private final long openedAt = System.currentTimeMillis();
  private final Map<SnapshotPublisher.StagedTable, TableSpec> stagedTables = new LinkedHashMap<>();
  private final Map<String, Path> stagedDirectories = new LinkedHashMap<>();

  /** Opens the catalog for a run, or for reading only ({@code segments sql}). */
  public IcebergOutput(SparkSession spark, String root, IcebergSettings settings, String runId) {
    this.spark = spark;
    this.settings = settings;
    this.runId = runId;
    register(spark, settings);
    this.files = new SnapshotPublisher(spark.sparkContext().hadoopConfiguration(), root, runId);
    this.staging =
        new SnapshotPublisher(
            spark.sparkContext().hadoopConfiguration(), new Path(root, STAGING).toString(), runId);
  }

  /** Configures the {@code segments} catalog in the session, replacing another configuration. */
  public static void register(SparkSession spark, IcebergSettings settings) {
    String prefix = "spark.sql.catalog." + CATALOG;
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put(prefix, SparkCatalog.class.getName());
    properties.put(prefix + ".type", settings.catalogType());
    properties.put(prefix + ".warehouse", settings.warehouse());
    properties.put(prefix + ".cache-enabled", "false");
    settings.uri().ifPresent(uri -> properties.put(prefix + ".uri", uri));
    settings.user().ifPresent(user -> properties.put(prefix + ".jdbc.user", user));
    settings.password().ifPresent(password -> properties.put(prefix + ".jdbc.password", password));
    boolean changed = false;
    for (Map.Entry<String, String> property : properties.entrySet()) {
      if (!property.getValue().equals(spark.conf().get(property.getKey(), null))) {
        spark.conf().set(property.getKey(), property.getValue());
        changed = true;
      }
    }
    if (changed) {
      // Spark loads a catalog once per session: forget one loaded with other settings.
      spark.sessionState().catalogManager().reset();
    }
  }

  /** The table's name in Spark SQL: {@code segments.<namespace>.<table>}. */
  public String tableName(TableSpec table) {
    return CATALOG + "." + settings.namespace() + "." + table.name();
  }

  @Override
  public void stage(TableSpec table, LocalDate snapshot, Dataset<Row> rows) {
    table.requireSchema(rows.schema());
    SnapshotPublisher.StagedTable staged = staging.staging(table.name(), snapshot);
    stagedTables.put(staged, table); // before writing, so that a failed write is discarded too
    rows.write().mode(SaveMode.ErrorIfExists).parquet(staged.stagingPath().toString());
  }

  @Override
  public void stage(String directory, LocalDate snapshot, Consumer<String> writer) {
    Path path = new Path(files.snapshotPath(directory, snapshot), "run-" + runId);
    stagedDirectories.put(directory, path); // before writing, so that a failed write is deleted
    writer.accept(path.toString());
  }

  @Override
  public Dataset<Row> staged(TableSpec table) {
    return stagedTables.entrySet().stream()
        .filter(entry -> entry.getValue().equals(table))
        .findFirst()
        .map(entry -> spark.read().parquet(entry.getKey().stagingPath().toString()))
        .orElseThrow(
            () -> new IllegalStateException(table.name() + " is needed before it was staged"));
  }

  /**
   * The dates a complete run published {@code table} for (from job_runs) and not pruned since; for
   * job_runs itself, the dates it has rows for. A date whose run was killed after committing some
   * tables is not among them, although its partition may be in the table's current state.
   */
  @Override
  public List<LocalDate> snapshots(TableSpec table) {
    SortedSet<LocalDate> dates = partitionDates(table);
    if (table.kind() != TableSpec.Kind.RUN_LOG) {
      Map<LocalDate, Map<String, String>> complete = completeRuns();
      dates.removeIf(date -> !complete.getOrDefault(date, Map.of()).containsKey(table.name()));
    }
    return List.copyOf(dates);
  }

  /** The dates of the table's partitions in its current state, and of its tags. */
  private SortedSet<LocalDate> partitionDates(TableSpec table) {
    SortedSet<LocalDate> dates = new TreeSet<>();
    if (!catalog().tableExists(identifier(table))) {
      return dates;
    }
    spark
        .table(tableName(table) + ".partitions")
        .select(col("partition." + TableSpec.SNAPSHOT_DATE))
        .collectAsList()
        .forEach(row -> dates.add(row.getDate(0).toLocalDate()));
    for (String ref : catalog().loadTable(identifier(table)).refs().keySet()) {
      Matcher tag = TAG.matcher(ref);
      if (tag.matches()) {
        dates.add(LocalDate.parse(tag.group(1)));
      }
    }
    return dates;
  }

  @Override
  public List<LocalDate> snapshots(String directory) {
    return List.copyOf(publishedDirectories(directory).keySet());
  }

  @Override
  public String publishedPath(String directory, LocalDate snapshot) {
    String path = publishedDirectories(directory).get(snapshot);
    if (path == null) {
      throw new IllegalArgumentException(
          "No complete run published " + directory + " for " + snapshot);
    }
    return path;
  }

  /**
   * Per date not pruned, where the latest complete run of that date published {@code directory}.
   */
  private SortedMap<LocalDate, String> publishedDirectories(String directory) {
    SortedMap<LocalDate, String> paths = new TreeMap<>();
    List<LocalDate> kept = files.snapshots(directory);
    completeRuns()
        .forEach(
            (date, published) -> {
              if (published.containsKey(directory) && kept.contains(date)) {
                paths.put(date, published.get(directory));
              }
            });
    return paths;
  }

  /**
   * What the latest succeeded run of each snapshot date published, from job_runs: the rows a reader
   * of that date's complete run reads.
   */
  private SortedMap<LocalDate, Map<String, String>> completeRuns() {
    SortedMap<LocalDate, Map<String, String>> runs = new TreeMap<>();
    if (!catalog().tableExists(identifier(Catalog.JOB_RUNS))) {
      return runs;
    }
    spark
        .table(tableName(Catalog.JOB_RUNS))
        .filter(col("status").equalTo(RunRecord.SUCCEEDED).and(col("published").isNotNull()))
        .orderBy(col("finished_at"))
        .select(col(TableSpec.SNAPSHOT_DATE), col("published"))
        .collectAsList()
        .forEach(row -> runs.put(row.getDate(0).toLocalDate(), row.getJavaMap(1)));
    return runs;
  }

  /** The table as the latest complete run of {@code snapshot} published it. */
  @Override
  public Dataset<Row> published(TableSpec table, LocalDate snapshot) {
    String snapshotId = completeRuns().getOrDefault(snapshot, Map.of()).get(table.name());
    if (snapshotId == null) {
      throw new IllegalArgumentException(
          "No complete run published " + tableName(table) + " for " + snapshot);
    }
    return published(table, snapshot, snapshotId);
  }

  @Override
  public Dataset<Row> published(TableSpec table, LocalDate snapshot, String publishedAs) {
    return spark
        .sql("SELECT * FROM " + tableName(table) + " VERSION AS OF " + Long.parseLong(publishedAs))
        .filter(col(TableSpec.SNAPSHOT_DATE).equalTo(lit(Date.valueOf(snapshot))))
        .drop(TableSpec.SNAPSHOT_DATE);
  }

  @Override
  public Dataset<Row> history(TableSpec table) {
    return spark.table(tableName(table));
  }

  @Override
  public Map<String, String> publish() {
    Map<String, String> published = new LinkedHashMap<>();
    for (Map.Entry<SnapshotPublisher.StagedTable, TableSpec> entry : stagedTables.entrySet()) {
      SnapshotPublisher.StagedTable staged = entry.getKey();
      TableSpec table = entry.getValue();
      Date snapshot = Date.valueOf(staged.snapshot());
      Dataset<Row> rows =
          spark
              .read()
              .parquet(staged.stagingPath().toString())
              .withColumn(TableSpec.SNAPSHOT_DATE, lit(snapshot));
      createIfMissing(table, rows.schema());
      try {
        rows.writeTo(tableName(table))
            .option("mergeSchema", "true")
            .option("snapshot-property." + RUN_ID_PROPERTY, runId)
            .overwrite(col(TableSpec.SNAPSHOT_DATE).equalTo(lit(snapshot)));
      } catch (Exception e) { // Spark throws its checked exceptions undeclared from Scala
        throw new IllegalStateException("Cannot publish " + tableName(table), e);
      }
      long snapshotId = committedSnapshot(catalog().loadTable(identifier(table)));
      published.put(table.name(), Long.toString(snapshotId));
      staging.discard(staged);
      LOG.info("Published {} as Iceberg snapshot {}", tableName(table), snapshotId);
    }
    stagedTables.clear();
    stagedDirectories.forEach((directory, path) -> published.put(directory, path.toString()));
    stagedDirectories.clear();
    return published;
  }

  /**
   * Tags every table's state as each date's complete run (from job_runs) published it: this run's
   * commits, and those of a run killed after it was recorded but before it tagged. With {@code
   * keep} positive, keeps the {@code keep} newest complete runs' dates and deletes older
   * partitions, tags and directories; dates newer than the oldest kept one stay even without a
   * complete run (a concurrent run may be publishing them). Then Iceberg snapshots committed before
   * this run started that no tag names are expired.
   */
  @Override
  public void complete(int keep) {
    SortedMap<LocalDate, Map<String, String>> complete = completeRuns();
    Optional<LocalDate> oldestKept =
        keep > 0 && complete.size() > keep
            ? Optional.of(List.copyOf(complete.keySet()).get(complete.size() - keep))
            : Optional.empty();
    for (TableSpec table : Catalog.TABLES) {
      if (table.kind() != TableSpec.Kind.SNAPSHOT || !catalog().tableExists(identifier(table))) {
        continue;
      }
      oldestKept.ifPresent(date -> deleteSnapshotsBefore(table, date));
      Table iceberg = catalog().loadTable(identifier(table));
      oldestKept
          .map(complete::tailMap)
          .orElse(complete)
          .forEach(
              (date, published) ->
                  Optional.ofNullable(published.get(table.name()))
                      .map(Long::parseLong)
                      .filter(snapshotId -> iceberg.snapshot(snapshotId) != null)
                      .ifPresent(snapshotId -> tag(table, date, snapshotId)));
    }
    if (oldestKept.isPresent()) {
      for (TableSpec table : Catalog.TABLES) {
        if (catalog().tableExists(identifier(table))) {
          catalog()
              .loadTable(identifier(table))
              .expireSnapshots()
              .expireOlderThan(openedAt)
              .retainLast(1)
              .commit();
        }
      }
      for (String directory : List.of(Catalog.TIER_MODEL, Catalog.REPORT)) {
        files.snapshots(directory).stream()
            .filter(date -> date.isBefore(oldestKept.get()))
            .forEach(date -> delete(files.snapshotPath(directory, date)));
      }
    }
  }

  private void deleteSnapshotsBefore(TableSpec table, LocalDate oldestKept) {
    List<LocalDate> old =
        partitionDates(table).stream().filter(d -> d.isBefore(oldestKept)).toList();
    if (old.isEmpty()) {
      return;
    }
    Table iceberg = catalog().loadTable(identifier(table));
    iceberg
        .newDelete()
        .deleteFromRowFilter(
            Expressions.in(
                TableSpec.SNAPSHOT_DATE, old.stream().map(LocalDate::toString).toArray()))
        .set(RUN_ID_PROPERTY, runId)
        .commit();
    for (LocalDate date : old) {
      if (iceberg.refs().containsKey(tagName(date))) {
        iceberg.manageSnapshots().removeTag(tagName(date)).commit();
      }
    }
    LOG.info("Pruned {} snapshots {}", tableName(table), old);
  }

  private void delete(Path path) {
    try {
      path.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(path, true);
      LOG.info("Pruned {}", path);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prune " + path, e);
    }
  }

  @Override
  public void discard() {
    stagedTables.keySet().forEach(staging::discard);
    stagedTables.clear();
    for (Path path : stagedDirectories.values()) {
      try {
        path.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(path, true);
      } catch (IOException e) {
        LOG.warn("Could not remove {}: {}", path, e.getMessage());
      }
    }
    stagedDirectories.clear();
  }

  @Override
  public String append(TableSpec table, LocalDate snapshot, Dataset<Row> row) {
    table.requireSchema(row.schema());
    Dataset<Row> rows = row.withColumn(TableSpec.SNAPSHOT_DATE, lit(Date.valueOf(snapshot)));
    createIfMissing(table, rows.schema());
    try {
      rows.writeTo(tableName(table))
          .option("mergeSchema", "true")
          .option("snapshot-property." + RUN_ID_PROPERTY, runId)
          .append();
    } catch (Exception e) { // Spark throws its checked exceptions undeclared from Scala
      throw new IllegalStateException("Cannot append to " + tableName(table), e);
    }
    return Long.toString(committedSnapshot(catalog().loadTable(identifier(table))));
  }

  /** The tag of a snapshot date's table state: {@code snapshot-YYYY-MM-DD}. */
  public static String tagName(LocalDate snapshot) {
    return "snapshot-" + snapshot;
  }

  private void tag(TableSpec table, LocalDate snapshot, long snapshotId) {
    Table iceberg = catalog().loadTable(identifier(table));
    String tag = tagName(snapshot);
    if (!iceberg.refs().containsKey(tag)) {
      iceberg.manageSnapshots().createTag(tag, snapshotId).commit();
    } else if (iceberg.refs().get(tag).snapshotId() != snapshotId) {
      iceberg.manageSnapshots().replaceTag(tag, snapshotId).commit();
    }
  }

  /** This run's latest commit to the table (another run may have committed after it). */
  private long committedSnapshot(Table iceberg) {
    for (Snapshot snapshot = iceberg.currentSnapshot();
        snapshot != null;
        snapshot = snapshot.parentId() == null ? null : iceberg.snapshot(snapshot.parentId())) {
      if (runId.equals(snapshot.summary().get(RUN_ID_PROPERTY))) {
        return snapshot.snapshotId();
      }
    }
    throw new IllegalStateException(
        "No commit of run " + runId + " in " + iceberg.name() + " after it committed");
  }

  private void createIfMissing(TableSpec table, StructType schema) {
    org.apache.iceberg.catalog.Catalog catalog = catalog();
    TableIdentifier identifier = identifier(table);
    if (catalog.tableExists(identifier)) {
      return;
    }
    if (catalog instanceof SupportsNamespaces namespaces
        && !namespaces.namespaceExists(identifier.namespace())) {
      try {
        namespaces.createNamespace(identifier.namespace());
      } catch (RuntimeException e) {
        // Another run may have created it first: catalogs say so with AlreadyExistsException, but
        // the JDBC catalog's check-then-insert can fail on the database's unique key instead.
        if (!namespaces.namespaceExists(identifier.namespace())) {
          throw e;
        }
      }
    }
    // Every column optional, as in Parquet files written by Spark.
    StructType nullable = new StructType();
    for (StructField field : schema.fields()) {
      nullable = nullable.add(field.name(), field.dataType(), true, field.metadata());
    }
    Schema icebergSchema = SparkSchemaUtil.convert(nullable);
    try {
      catalog.createTable(
          identifier,
          icebergSchema,
          PartitionSpec.builderFor(icebergSchema).identity(TableSpec.SNAPSHOT_DATE).build(),
          Map.of(
              TableProperties.FORMAT_VERSION,
              "2",
              TableProperties.SPARK_WRITE_ACCEPT_ANY_SCHEMA,
              "true"));
      LOG.info("Created the Iceberg table {}", tableName(table));
    } catch (AlreadyExistsException e) {
      // another run created it first
    }
  }

  private TableIdentifier identifier(TableSpec table) {
    return TableIdentifier.of(Namespace.of(settings.namespace()), table.name());
  }

  private org.apache.iceberg.catalog.Catalog catalog() {
    return ((SparkCatalog)
            Objects.requireNonNull(spark.sessionState().catalogManager().catalog(CATALOG)))
        .icebergCatalog();
  }
}
