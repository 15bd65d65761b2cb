package com.customervalue.segments.serve;

/**
 * The PostgreSQL serving copy failed; the copy's previous state is intact (its swap is one
 * transaction).
 */
public final class ServingCopyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ServingCopyException(String message, Throwable cause) {
    super(message, cause);
  }
}
