package com.customervalue.segments.ingest;

import com.customervalue.segments.catalog.Catalog;
import org.apache.spark.sql.types.DecimalType;

/** Names and types of the canonical transaction columns that validation hands to later stages. */
public final class Transactions {
  /** Customer id as found in the input (integer or trimmed string). */
  public static final String CUSTOMER_ID = "customer_id";

  /** Order id as found in the input; null when no order-id column is configured. */
  public static final String ORDER_ID = "order_id";

  /** Calendar date of the transaction, in the configured time zone. */
  public static final String TRANSACTION_DATE = "transaction_date";

  /** Line amount in money, exact. */
  public static final String AMOUNT = "amount";

  /** Why a row was rejected (a {@link RejectReason} code); null for a valid row. */
  public static final String REJECT_REASON = "reject_reason";

  /** The file a row came from. */
  public static final String SOURCE_FILE = "source_file";

  /**
   * The file each input row came from, added by the reader; an internal column, left out of the raw
   * record and of the columns messages list.
   */
  public static final String INPUT_FILE = "_segments_input_file";

  /** The whole input row as JSON, kept for quarantined rows so nothing is lost. */
  public static final String RAW_RECORD = "raw_record";

  /**
   * The raw transaction columns breakdowns are asked for, as a struct of those columns; present
   * only when a breakdown names a transaction column.
   */
  public static final String ATTRIBUTES = "attributes";

  /**
   * Money per line: 4 decimals hold prices quoted to a tenth of a cent times whole quantities
   * exactly; 14 integer digits are far beyond any real order line.
   */
  public static final DecimalType AMOUNT_TYPE = Catalog.LINE_AMOUNT;

  private Transactions() {}
}
