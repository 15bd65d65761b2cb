package com.customervalue.segments.pipeline;

/**
 * One named step of a pipeline, owned by the package whose stage it runs. A step reads what earlier
 * steps left in the {@link RunState} and adds its own results there; the {@link StepRunner}
 * numbers, times and labels it.
 */
public interface Step {
  /**
   * The step's name, as the log, the Spark UI and the run record's {@code stage_seconds} show it.
   */
  String name();

  /** What this run of the step does, e.g. "per-customer RFM metrics as of 2011-12-10". */
  String description(RunState state);

  /** Does the work. A failure the user can act on is a {@link StepFailedException}. */
  void run(RunState state);
}
