package com.customervalue.segments.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where each breakdown column comes from, decided once at the edge: the customer master (its
 * columns ride along in customer_segments) or the transactions (carried through validation and
 * reduced to one value per customer). A column in both is the master's: the master describes the
 * customer, a transaction only the moment of one purchase.
 *
 * @param columns every breakdown column, in the configured order
 * @param fromMaster the columns taken from the customer master
 * @param fromTransactions the columns taken from the transactions
 */
public record BreakdownColumns(
    List<String> columns, List<String> fromMaster, List<String> fromTransactions) {
  public static final BreakdownColumns NONE = new BreakdownColumns(List.of(), List.of(), List.of());

  public BreakdownColumns {
    columns = List.copyOf(columns);
    fromMaster = List.copyOf(fromMaster);
    fromTransactions = List.copyOf(fromTransactions);
  }

  /**
   * Resolves {@code settings} against the attribute columns of the keyed master (when there is one)
   * and the transactions' columns; throws {@link InvalidInputException} naming a column found in
   * neither, or one that is the transactions' customer id (it would publish the id unmasked).
   */
  public static BreakdownColumns resolve(
      BreakdownSettings settings,
      Optional<List<String>> masterAttributes,
      List<String> transactionColumns,
      String customerIdColumn,
      String transactionsPath,
      Optional<String> customersPath) {
    List<String> fromMaster = new ArrayList<>();
    List<String> fromTransactions = new ArrayList<>();
    for (String column : settings.columns()) {
      if (masterAttributes.map(attributes -> attributes.contains(column)).orElse(false)) {
        fromMaster.add(column);
      } else if (column.equals(customerIdColumn)) {
        throw new InvalidInputException(
            "The breakdown column '"
                + column
                + "' (segments.breakdowns.columns) is the customer id of "
                + transactionsPath
                + "; a breakdown needs an attribute shared by many customers.");
      } else if (transactionColumns.contains(column) && !column.equals(Transactions.INPUT_FILE)) {
        fromTransactions.add(column);
      } else {
        throw new InvalidInputException(
            "The breakdown column '"
                + column
                + "' (segments.breakdowns.columns) is neither a column of the transactions "
                + transactionsPath
                + customersPath
                    .map(
                        path ->
                            " nor an attribute of the customer master "
                                + path
                                + " (attributes there: "
                                + String.join(", ", masterAttributes.orElse(List.of()))
                                + ")")
                    .orElse(" (and no customer master is configured)")
                + ". Columns of the transactions: "
                + String.join(
                    ", ",
                    transactionColumns.stream()
                        .filter(name -> !name.equals(Transactions.INPUT_FILE))
                        .toList())
                + ".");
      }
    }
    return new BreakdownColumns(settings.columns(), fromMaster, fromTransactions);
  }
}
