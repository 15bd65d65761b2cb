package com.customervalue.segments.publish;

import com.customervalue.segments.catalog.TableSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes tables under {@code <root>/<table>/snapshot_date=YYYY-MM-DD/} so that readers never see
 * a half-written snapshot: each table is first written aside under {@code _staging} (Spark and Hive
 * skip directories starting with '_'), and only when every table of the run is written are the
 * snapshots moved into place, each replacing the earlier one of the same date whole.
 */
public final class SnapshotPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotPublisher.class);
  private static final String SNAPSHOT_PARTITION = TableSpec.SNAPSHOT_DATE;
  static final String STAGING = "_staging";
  static final String TRASH = "_trash";

  private final FileSystem fileSystem;
  private final Path root;
  private final String runId;

  /** A table written aside, waiting for {@link #commit}. */
  public record StagedTable(String table, LocalDate snapshot, Path stagingPath) {}

  public SnapshotPublisher(Configuration hadoopConf, String root, String runId) {
    try {
      Path rootPath = new Path(root);
      this.fileSystem = rootPath.getFileSystem(hadoopConf);
      this.root = fileSystem.makeQualified(rootPath);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open the output root " + root, e);
    }
    this.runId = runId;
  }

  /** The dates of {@code table}'s published snapshots, oldest first. */
  public List<LocalDate> snapshots(String table) {
    Path directory = new Path(root, table);
    try {
      if (!fileSystem.exists(directory)) {
        return List.of();
      }
      List<LocalDate> dates = new ArrayList<>();
      for (FileStatus status : fileSystem.listStatus(directory)) {
        String name = status.getPath().getName();
        if (status.isDirectory() && name.startsWith(SNAPSHOT_PARTITION + "=")) {
          try {
            dates.add(LocalDate.parse(name.substring(SNAPSHOT_PARTITION.length() + 1)));
          } catch (DateTimeParseException e) {
            LOG.warn("Ignoring {}: not a snapshot directory", status.getPath());
          }
        }
      }
      Collections.sort(dates);
      return dates;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the snapshots of " + directory, e);
    }
  }

  /** Where {@code table}'s snapshot is (or will be) published. */
  public Path snapshotPath(String table, LocalDate snapshot) {
    return new Path(new Path(root, table), SNAPSHOT_PARTITION + "=" + snapshot);
  }

  /** Writes {@code data} as Parquet beside the table, invisible to readers of the table. */
  public StagedTable stage(Dataset<Row> data, String table, LocalDate snapshot) {
    return stage(table, snapshot, path -> data.write().mode(SaveMode.ErrorIfExists).parquet(path));
  }

  /** Lets {@code writer} write to a new staging path (e.g. an ML model's {@code save}). */
  public StagedTable stage(String table, LocalDate snapshot, Consumer<String> writer) {
    StagedTable staged = staging(table, snapshot);
    writer.accept(staged.stagingPath().toString());
    return staged;
  }

  /** Where {@code table}'s snapshot is staged by this run, before anything is written there. */
  public StagedTable staging(String table, LocalDate snapshot) {
    return new StagedTable(table, snapshot, stagingPath(table, snapshot));
  }

  /**
   * Moves a staged snapshot into place. An existing snapshot of the same date is moved to {@code
   * _trash} first and deleted after, so the result is exactly the staged data; between the two
   * moves the snapshot is briefly absent, never partial.
   */
  public Path commit(StagedTable staged) {
    Path target = snapshotPath(staged.table(), staged.snapshot());
    Path trash =
        new Path(new Path(new Path(root, staged.table()), TRASH), target.getName() + "." + runId);
    try {
      boolean replacing = fileSystem.exists(target);
      if (replacing) {
        fileSystem.mkdirs(trash.getParent());
        renameOrFail(target, trash);
      }
      fileSystem.mkdirs(target.getParent());
      try {
        renameOrFail(staged.stagingPath(), target);
      } catch (IOException e) {
        if (replacing) {
          fileSystem.rename(trash, target);
        }
        throw e;
      }
      if (replacing) {
        fileSystem.delete(trash, true);
      }
      deleteIfEmpty(trash.getParent());
      deleteIfEmpty(staged.stagingPath().getParent());
      LOG.info("Published {}", target);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot publish " + target, e);
    }
  }

  /**
   * Puts back snapshots that a crashed run moved to {@code _trash} but did not replace: the crash
   * came between the two moves of {@link #commit}. Trash whose snapshot is in place again is
   * deleted. Returns the snapshots put back.
   */
  public List<Path> recover(String table) {
    Path trashDirectory = new Path(new Path(root, table), TRASH);
    List<Path> restored = new ArrayList<>();
    try {
      if (!fileSystem.exists(trashDirectory)) {
        return restored;
      }
      for (FileStatus entry : fileSystem.listStatus(trashDirectory)) {
        String name = entry.getPath().getName();
        int runSuffix = name.lastIndexOf('.');
        Path snapshot =
            new Path(new Path(root, table), runSuffix > 0 ? name.substring(0, runSuffix) : name);
        if (!fileSystem.exists(snapshot)) {
          renameOrFail(entry.getPath(), snapshot);
          restored.add(snapshot);
          LOG.warn("Restored {}: an earlier run stopped while replacing it", snapshot);
        } else {
          fileSystem.delete(entry.getPath(), true);
        }
      }
      deleteIfEmpty(trashDirectory);
      return restored;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot recover " + trashDirectory, e);
    }
  }

  /**
   * Deletes all but the {@code keep} newest snapshots of {@code table}; returns the dates deleted.
   */
  public List<LocalDate> prune(String table, int keep) {
    List<LocalDate> dates = snapshots(table);
    List<LocalDate> deleted = new ArrayList<>(dates.subList(0, Math.max(0, dates.size() - keep)));
    for (LocalDate date : deleted) {
      try {
        fileSystem.delete(snapshotPath(table, date), true);
        LOG.info("Pruned {}", snapshotPath(table, date));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot prune " + snapshotPath(table, date), e);
      }
    }
    return deleted;
  }

  /** Removes a staged table that will not be published (the run failed). */
  public void discard(StagedTable staged) {
    try {
      fileSystem.delete(staged.stagingPath(), true);
      deleteIfEmpty(staged.stagingPath().getParent());
    } catch (IOException e) {
      LOG.warn("Could not remove staged data {}: {}", staged.stagingPath(), e.getMessage());
    }
  }

  /**
   * Adds a single-row table (a run record) as one file of its own to the snapshot's partition,
   * leaving the other runs' records of that snapshot in place.
   */
  public Path append(Dataset<Row> singleRow, String table, LocalDate snapshot) {
    Path staging = stagingPath(table, snapshot);
    singleRow.coalesce(1).write().mode(SaveMode.ErrorIfExists).parquet(staging.toString());
    Path target = new Path(snapshotPath(table, snapshot), "run-" + runId + ".parquet");
    try {
      Path part =
          onlyDataFile(staging)
              .orElseThrow(() -> new IOException("Spark wrote no data file under " + staging));
      fileSystem.mkdirs(target.getParent());
      renameOrFail(part, target);
      fileSystem.delete(staging, true);
      deleteIfEmpty(staging.getParent());
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot publish " + target, e);
    }
  }

  private Path stagingPath(String table, LocalDate snapshot) {
    return new Path(
        new Path(new Path(root, table), STAGING),
        SNAPSHOT_PARTITION + "=" + snapshot + "." + runId);
  }

  private Optional<Path> onlyDataFile(Path directory) throws IOException {
    return Arrays.stream(fileSystem.listStatus(directory))
        .map(FileStatus::getPath)
        .filter(path -> path.getName().endsWith(".parquet"))
        .findFirst();
  }

  private void renameOrFail(Path from, Path to) throws IOException {
    if (!fileSystem.rename(from, to)) {
      throw new IOException("Could not move " + from + " to " + to);
    }
  }

  /**
   * Removes a table's {@code _staging} or {@code _trash} directory once it is empty. Runs of other
   * snapshots share it and may add to it at this very moment, so emptiness is checked by the
   * removal itself: on a local disk Hadoop's non-recursive delete lists the directory and then
   * deletes it recursively, which could take another run's new staging with it, so there it is an
   * rmdir. Being tidy is not part of publishing: if the directory is gone or in use, it stays as it
   * is.
   */
  private void deleteIfEmpty(Path directory) {
    try {
      if (fileSystem instanceof LocalFileSystem local) {
        Files.deleteIfExists(local.pathToFile(directory).toPath());
      } else if (fileSystem.exists(directory) && fileSystem.listStatus(directory).length == 0) {
        fileSystem.delete(directory, false);
      }
    } catch (DirectoryNotEmptyException e) {
      // another run staged or trashed a snapshot here meanwhile; it removes the directory later
    } catch (IOException e) {
      LOG.debug("Left {} in place: {}", directory, e.getMessage());
    }
  }
}
