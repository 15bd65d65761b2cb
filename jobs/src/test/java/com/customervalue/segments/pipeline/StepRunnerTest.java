package com.customervalue.segments.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.SparkTestSession;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The runner: steps in order, each labelled in the Spark UI and timed, the caller's labels kept.
 */
class StepRunnerTest extends SparkTestSession {
  private static final Key<Long> COUNTED = Key.of("rows counted", Long.class);

  /** A step that does {@code work} and notes the Spark labels it ran under. */
  private static Step step(String name, List<String> labels, Consumer<RunState> work) {
    return new Step() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String description(RunState state) {
        return "doing " + name;
      }

      @Override
      public void run(RunState state) {
        labels.add(
            state.spark().sparkContext().getLocalProperty("spark.jobGroup.id")
                + " / "
                + state.spark().sparkContext().getLocalProperty("spark.job.description"));
        work.accept(state);
      }
    };
  }

  @Test
  void stepsRunInOrderLabelledAndTimedAndShareTheirResults() {
    List<String> labels = new ArrayList<>();
    RunState state = new RunState(spark, "run-1", null);
    StepRunner runner = new StepRunner(spark.sparkContext());
    spark.sparkContext().setJobGroup("callers-group", "the caller's job", false);

    runner.run(
        List.of(
            step("count", labels, s -> s.put(COUNTED, s.spark().range(10).count())),
            step("double", labels, s -> s.put(Key.of("doubled", Long.class), 2 * s.get(COUNTED)))),
        state);

    assertEquals(
        List.of("segments-run-1 / count: doing count", "segments-run-1 / double: doing double"),
        labels);
    assertEquals(List.of("count", "double"), List.copyOf(runner.stageSeconds().keySet()));
    assertTrue(runner.stageSeconds().values().stream().allMatch(seconds -> seconds >= 0));
    assertEquals(20L, state.get(Key.of("doubled", Long.class)));
    assertEquals("callers-group", spark.sparkContext().getLocalProperty("spark.jobGroup.id"));
    assertEquals(
        "the caller's job", spark.sparkContext().getLocalProperty("spark.job.description"));
    spark.sparkContext().clearJobGroup();
  }

  @Test
  void aFailingStepIsTimedAndEndsTheRun() {
    List<String> labels = new ArrayList<>();
    RunState state = new RunState(spark, "run-2", null);
    StepRunner runner = new StepRunner(spark.sparkContext());
    StepFailedException stop = new StepFailedException("nobody bought anything");

    StepFailedException thrown =
        assertThrows(
            StepFailedException.class,
            () ->
                runner.run(
                    List.of(
                        step(
                            "fails",
                            labels,
                            s -> {
                              throw stop;
                            }),
                        step("never", labels, s -> {})),
                    state));

    assertSame(stop, thrown);
    assertEquals(List.of("fails"), List.copyOf(runner.stageSeconds().keySet()));
    assertEquals(1, labels.size(), "the second step never ran");
    assertNull(spark.sparkContext().getLocalProperty("spark.job.description"));
  }

  @Test
  void aResultIsSetOnceAndAMissingOneIsAStepOrderBug() {
    RunState state = new RunState(spark, "run-3", null);
    state.put(COUNTED, 1L);
    assertEquals(
        "rows counted was already produced by an earlier step",
        assertThrows(IllegalStateException.class, () -> state.put(COUNTED, 2L)).getMessage());
    assertEquals(
        "No step before this one produced the nothing; check the step order",
        assertThrows(
                IllegalStateException.class, () -> state.get(Key.of("the nothing", String.class)))
            .getMessage());
  }

  @Test
  void aCheckResultStopsTheRunOnlyWhenItFailed() {
    CheckResult.passed().orStop();
    assertEquals(
        "too few rows",
        assertThrows(StepFailedException.class, () -> CheckResult.failed("too few rows").orStop())
            .getMessage());
    assertEquals(
        "bad file",
        assertThrows(
                IllegalArgumentException.class,
                () -> CheckResult.failed("bad file").orThrow(IllegalArgumentException::new))
            .getMessage());
  }
}
