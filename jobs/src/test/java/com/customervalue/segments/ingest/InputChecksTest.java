package com.customervalue.segments.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.pipeline.CheckResult;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The input checks as values: what passes, and the words of what fails. */
class InputChecksTest {
  private static final LocalDate AS_OF = LocalDate.of(2024, 6, 1);

  @Test
  void theQuarantinedShareMayReachTheLimitButNotPassIt() {
    IngestCounts counts = new IngestCounts(100, 90, Map.of("missing_amount", 10L), 0, 0);
    assertTrue(InputChecks.quarantinedShare(counts, 0.10, AS_OF).hasPassed());
    assertEquals(
        Optional.of(
            "10 of the 100 rows before 2024-06-01 were quarantined (10.00 %), more than"
                + " segments.quality.max-quarantined-share allows (5.00 %): missing_amount 10."
                + " Fix the input, or raise the limit if this is how the data is."),
        InputChecks.quarantinedShare(counts, 0.05, AS_OF).problem());
  }

  @Test
  void aRunNeedsAtLeastOneAcceptedRow() {
    assertEquals(
        CheckResult.passed(),
        InputChecks.someAccepted(new IngestCounts(1, 1, Map.of(), 0, 0), "in", AS_OF));
    assertEquals(
        Optional.of(
            "No transaction of in was accepted before the as-of date 2024-06-01 (3 rows read, 2 on"
                + " or after it; nan_amount 1)."),
        InputChecks.someAccepted(
                new IngestCounts(3, 0, Map.of("nan_amount", 1L), 2, 0), "in", AS_OF)
            .problem());
  }
}
