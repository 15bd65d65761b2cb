package com.customervalue.segments.classify;

import java.util.List;

/** The lifecycle statuses a customer can have. */
public final class Lifecycle {
  public static final String NEW = "new";
  public static final String ACTIVE = "active";
  public static final String AT_RISK = "at_risk";
  public static final String LAPSED = "lapsed";
  public static final String PROSPECT = "prospect";
  public static final List<String> STATUSES = List.of(NEW, ACTIVE, AT_RISK, LAPSED, PROSPECT);

  private Lifecycle() {}
}
