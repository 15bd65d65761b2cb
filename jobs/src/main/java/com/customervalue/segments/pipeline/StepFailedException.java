package com.customervalue.segments.pipeline;

/**
 * A step stopped the run for a reason the user can act on (no buyers, too much bad input, a base
 * too uniform to cluster); the message says what and how to fix it.
 */
public final class StepFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StepFailedException(String message) {
    super(message);
  }

  public StepFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
