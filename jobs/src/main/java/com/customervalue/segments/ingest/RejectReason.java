package com.customervalue.segments.ingest;

import java.util.Arrays;
import java.util.Optional;

/**
 * Why a transaction row was quarantined. A row gets the first reason that applies, in this order;
 * the timestamp reasons come first because a row without a usable date cannot be placed before or
 * after the as-of date.
 */
public enum RejectReason {
  MISSING_TIMESTAMP("missing_timestamp", "no timestamp"),
  TIMESTAMP_BEFORE_EARLIEST_DATE("timestamp_before_earliest_date", "dated before segments.quality.earliest-date"),
  MISSING_CUSTOMER_ID("missing_customer_id", "no customer id"),
  BLANK_CUSTOMER_ID("blank_customer_id", "customer id is an empty or blank string"),
  MISSING_ORDER_ID("missing_order_id", "order id is null or blank"),
  MISSING_AMOUNT("missing_amount", "amount is null (or a column of its expression is)"),
  NAN_AMOUNT("nan_amount", "amount is NaN"),
  INFINITE_AMOUNT("infinite_amount", "amount is infinite"),
  AMOUNT_OUT_OF_RANGE("amount_out_of_range", "amount does not fit DECIMAL(18,4): |amount| >= 10^14");

  private final String code;
  private final String description;

  RejectReason(String code, String description) {
    this.code = code;
    this.description = description;
  }

  /** The value stored in the quarantine table and the run record. */
  public String code() {
    return code;
  }

  public String description() {
    return description;
  }

  /** True for the reasons that make a row's date unknown or unusable. */
  public boolean concernsTimestamp() {
    return this == MISSING_TIMESTAMP || this == TIMESTAMP_BEFORE_EARLIEST_DATE;
  }

  public static Optional<RejectReason> ofCode(String code) {
    return Arrays.stream(values()).filter(reason -> reason.code.equals(code)).findFirst();
  }
}
