package com.customervalue.segments.ingest;

import java.util.Arrays;
import java.util.Optional;

/**
 * Why a transaction row was quarantined. A row gets the first reason that applies, in this order;
 * the timestamp reasons come first because a row without a usable date cannot be placed before or
 * after the as-of date.
 */
public enum RejectReason {
  MISSING_TIMESTAMP("missing_timestamp"),
  TIMESTAMP_BEFORE_EARLIEST_DATE("timestamp_before_earliest_date"),
  MISSING_CUSTOMER_ID("missing_customer_id"),
  BLANK_CUSTOMER_ID("blank_customer_id"),
  MISSING_ORDER_ID("missing_order_id"),
  MISSING_AMOUNT("missing_amount"),
  NAN_AMOUNT("nan_amount"),
  INFINITE_AMOUNT("infinite_amount"),
  AMOUNT_OUT_OF_RANGE("amount_out_of_range");

  private final String code;

  RejectReason(String code) {
    this.code = code;
  }

  /** The value stored in the quarantine table and the run record. */
  public String code() {
    return code;
  }

  /** True for the reasons that make a row's date unknown or unusable. */
  public boolean concernsTimestamp() {
    return this == MISSING_TIMESTAMP || this == TIMESTAMP_BEFORE_EARLIEST_DATE;
  }

  public static Optional<RejectReason> ofCode(String code) {
    return Arrays.stream(values()).filter(reason -> reason.code.equals(code)).findFirst();
  }
}
