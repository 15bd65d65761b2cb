package com.customervalue.segments.job;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the stages of a job one after another, logging a line as each starts and ends, labelling its
 * Spark jobs in the Spark UI, and keeping the seconds each took for the run record.
 */
final class StageTimer {
  private static final Logger LOG = LoggerFactory.getLogger(StageTimer.class);

  private final SparkContext sparkContext;
  private final int stageCount;
  private final Map<String, Double> seconds = new LinkedHashMap<>();

  StageTimer(SparkContext sparkContext, int stageCount) {
    this.sparkContext = sparkContext;
    this.stageCount = stageCount;
  }

  <T> T time(String stage, String whatItDoes, Supplier<T> work) {
    int number = seconds.size() + 1;
    LOG.info("[{}/{}] {}: {}", number, stageCount, stage, whatItDoes);
    sparkContext.setJobDescription(stage + ": " + whatItDoes);
    long start = System.nanoTime();
    try {
      return work.get();
    } finally {
      double elapsed = (System.nanoTime() - start) / 1e9;
      seconds.put(stage, elapsed);
      sparkContext.setJobDescription(null);
      LOG.info(
          "[{}/{}] {} done in {}", number, stageCount, stage, String.format("%.1f s", elapsed));
    }
  }

  Map<String, Double> stageSeconds() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(seconds));
  }
}
