package com.customervalue.segments.pipeline;

import java.util.Optional;
import java.util.function.Function;

/**
 * The outcome of a data-quality check, as a value: passed, or the problem found. The step that ran
 * the check decides what a failure means (stop the run, refuse the input).
 */
public record CheckResult(Optional<String> problem) {
  private static final CheckResult PASSED = new CheckResult(Optional.empty());

  public static CheckResult passed() {
    return PASSED;
  }

  public static CheckResult failed(String problem) {
    return new CheckResult(Optional.of(problem));
  }

  public boolean hasPassed() {
    return problem.isEmpty();
  }

  /** Throws the exception {@code failure} makes of the problem, if there is one. */
  public void orThrow(Function<String, ? extends RuntimeException> failure) {
    if (problem.isPresent()) {
      throw failure.apply(problem.get());
    }
  }

  /** Stops the run with the problem, if there is one. */
  public void orStop() {
    orThrow(StepFailedException::new);
  }
}
