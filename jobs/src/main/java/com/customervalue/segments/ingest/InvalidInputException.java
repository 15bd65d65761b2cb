package com.customervalue.segments.ingest;

/**
 * Input that cannot be used as configured: a path that cannot be read, a column missing or of the
 * wrong type, an ambiguous customer master. The message names the file, column or key.
 */
public final class InvalidInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidInputException(String message) {
    super(message);
  }

  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
