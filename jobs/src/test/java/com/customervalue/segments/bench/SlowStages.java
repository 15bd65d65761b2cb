package com.customervalue.segments.bench;

import java.util.Arrays;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.StageInfo;

/**
 * Prints every Spark stage that took a second or more as it completes, named by the first line of
 * its call site that mentions {@code callerHint} (its own name when none does): where a bench
 * tool's time went.
 */
final class SlowStages extends SparkListener {
  private static final long REPORT_MILLIS = 1_000;

  private final String callerHint;

  SlowStages(String callerHint) {
    this.callerHint = callerHint;
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted completed) {
    StageInfo info = completed.stageInfo();
    long took =
        (long) info.completionTime().getOrElse(() -> 0L)
            - (long) info.submissionTime().getOrElse(() -> 0L);
    if (took < REPORT_MILLIS) {
      return;
    }
    String caller =
        Arrays.stream(info.details().split("\n"))
            .filter(line -> line.contains(callerHint))
            .findFirst()
            .orElse(info.name())
            .trim();
    System.out.printf(
        "    stage %d (%d tasks) %.1f s: %s%n",
        info.stageId(), info.numTasks(), took / 1e3, caller);
  }
}
