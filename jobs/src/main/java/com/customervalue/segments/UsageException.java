package com.customervalue.segments;

/** A command line that cannot be run as given: unknown flag, missing or malformed value. */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
