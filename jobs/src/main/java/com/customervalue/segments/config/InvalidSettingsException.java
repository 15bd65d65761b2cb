package com.customervalue.segments.config;

/** A setting that is missing, mistyped or out of range; the message names the key and the fix. */
public final class InvalidSettingsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidSettingsException(String message) {
    super(message);
  }

  public InvalidSettingsException(String message, Throwable cause) {
    super(message, cause);
  }
}
