package com.customervalue.segments.pipeline;

/**
 * The name and type of one result a step leaves in the {@link RunState}, declared by the package
 * whose step produces it, e.g. {@code MetricsStep.CUSTOMERS}.
 */
public record Key<T>(String name, Class<T> type) {
  public static <T> Key<T> of(String name, Class<T> type) {
    return new Key<>(name, type);
  }
}
