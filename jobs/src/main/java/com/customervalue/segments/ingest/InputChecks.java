package com.customervalue.segments.ingest;

import com.customervalue.segments.pipeline.CheckResult;
import java.time.LocalDate;

/**
 * Whether the validated input is fit to segment, as checks that return their result: not too much
 * of it quarantined, and something accepted.
 */
public final class InputChecks {
  private InputChecks() {}

  /** At most {@code maxShare} of the rows before {@code asOf} were quarantined. */
  public static CheckResult quarantinedShare(IngestCounts counts, double maxShare, LocalDate asOf) {
    if (counts.quarantinedShare() <= maxShare) {
      return CheckResult.passed();
    }
    return CheckResult.failed(
        String.format(
            "%,d of the %,d rows before %s were quarantined (%.2f %%), more than "
                + "segments.quality.max-quarantined-share allows (%.2f %%): %s. "
                + "Fix the input, or raise the limit if this is how the data is.",
            counts.rowsQuarantined(),
            counts.rowsAccepted() + counts.rowsQuarantined(),
            asOf,
            100 * counts.quarantinedShare(),
            100 * maxShare,
            counts.describeReasons()));
  }

  /** At least one row of {@code inputPath} was accepted before {@code asOf}. */
  public static CheckResult someAccepted(IngestCounts counts, String inputPath, LocalDate asOf) {
    if (counts.rowsAccepted() > 0) {
      return CheckResult.passed();
    }
    return CheckResult.failed(
        "No transaction of "
            + inputPath
            + " was accepted before the as-of date "
            + asOf
            + " ("
            + counts.rowsRead()
            + " rows read, "
            + counts.rowsAfterAsOf()
            + " on or after it; "
            + counts.describeReasons()
            + ").");
  }
}
