package com.customervalue.segments.job;

import java.util.Optional;

/**
 * A run that stopped for a reason the user can act on (too much bad input, no valid rows, an
 * unreadable input); carries the partial result so the summary can still be printed.
 */
public final class JobFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient RunResult result;

  public JobFailedException(String message, RunResult result, Throwable cause) {
    super(message, cause);
    this.result = result;
  }

  public Optional<RunResult> result() {
    return Optional.ofNullable(result);
  }
}
