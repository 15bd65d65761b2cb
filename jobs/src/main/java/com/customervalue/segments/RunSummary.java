package com.customervalue.segments;

import com.customervalue.segments.ingest.IngestCounts;
import com.customervalue.segments.job.RunResult;
import java.io.PrintStream;
import java.util.stream.Collectors;

/** Prints the summary of a run at its end: the row counts, customers, tables and stage times. */
final class RunSummary {
  private RunSummary() {}

  static void print(RunResult result, PrintStream out) {
    out.printf(
        "%nRun %s %s in %.1f s%s%n",
        result.runId(),
        result.status(),
        result.elapsed().toMillis() / 1000.0,
        result.snapshot().map(date -> ", snapshot " + date).orElse(""));
    result.counts().ifPresent(counts -> printCounts(counts, out));
    result.customers().ifPresent(customers -> line(out, "customers", customers));
    result.buyers().ifPresent(buyers -> line(out, "buyers (frequency >= 1)", buyers));
    if (!result.publishedTables().isEmpty()) {
      out.println("  tables:");
      result.publishedTables().forEach((table, path) -> out.printf("    %-20s %s%n", table, path));
    }
    out.println(
        "  seconds by stage: "
            + result.stageSeconds().entrySet().stream()
                .map(entry -> String.format("%s %.1f", entry.getKey(), entry.getValue()))
                .collect(Collectors.joining(", ")));
  }

  private static void printCounts(IngestCounts counts, PrintStream out) {
    line(out, "rows read", counts.rowsRead());
    line(out, "accepted", counts.rowsAccepted());
    if (counts.rowsBeforeWindow() > 0) {
      line(out, "  of which before the window", counts.rowsBeforeWindow());
    }
    line(out, "quarantined", counts.rowsQuarantined());
    counts.quarantinedByReason().forEach((reason, rows) -> line(out, "  " + reason, rows));
    line(out, "on or after the as-of date", counts.rowsAfterAsOf());
  }

  private static void line(PrintStream out, String label, long value) {
    out.printf("  %-30s %,13d%n", label, value);
  }
}
