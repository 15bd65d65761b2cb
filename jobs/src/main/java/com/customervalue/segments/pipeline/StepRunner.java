package com.customervalue.segments.pipeline;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a list of steps in order, each labelled in the Spark UI (the run's job group, the step's
 * description) and logged as "[n/N] name: what it does" when it starts and ends, keeping the
 * seconds each took for the run record. The labels a caller had set are put back afterwards, as
 * Apache Iceberg's Spark actions do.
 */
public final class StepRunner {
  private static final Logger LOG = LoggerFactory.getLogger(StepRunner.class);
  private static final String JOB_GROUP = "spark.jobGroup.id";
  private static final String JOB_DESCRIPTION = "spark.job.description";

  private final SparkContext sparkContext;
  private final Map<String, Double> seconds = new LinkedHashMap<>();

  public StepRunner(SparkContext sparkContext) {
    this.sparkContext = sparkContext;
  }

  /** Runs every step of {@code steps} against {@code state}; the first failure ends the run. */
  public void run(List<Step> steps, RunState state) {
    for (int i = 0; i < steps.size(); i++) {
      run(steps.get(i), i + 1, steps.size(), state);
    }
  }

  private void run(Step step, int number, int count, RunState state) {
    String description = step.description(state);
    LOG.info("[{}/{}] {}: {}", number, count, step.name(), description);
    String callersGroup = sparkContext.getLocalProperty(JOB_GROUP);
    String callersDescription = sparkContext.getLocalProperty(JOB_DESCRIPTION);
    sparkContext.setLocalProperty(JOB_GROUP, "segments-" + state.runId());
    sparkContext.setLocalProperty(JOB_DESCRIPTION, step.name() + ": " + description);
    long start = System.nanoTime();
    try {
      step.run(state);
    } finally {
      double elapsed = (System.nanoTime() - start) / 1e9;
      seconds.put(step.name(), elapsed);
      sparkContext.setLocalProperty(JOB_GROUP, callersGroup);
      sparkContext.setLocalProperty(JOB_DESCRIPTION, callersDescription);
      LOG.info(
          "[{}/{}] {} done in {}", number, count, step.name(), String.format("%.1f s", elapsed));
    }
  }

  /** The seconds of every step run so far, in the order they ran. */
  public Map<String, Double> stageSeconds() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(seconds));
  }
}
