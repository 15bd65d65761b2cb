package com.customervalue.segments.ingest;

import java.time.LocalDate;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What validation did with the input, for one as-of date: every row read is accepted, quarantined
 * (by reason) or dated on or after the as-of date, so {@code rowsRead = rowsAccepted +
 * rowsQuarantined + rowsAfterAsOf} always holds. {@code rowsBeforeWindow} is the part of the
 * accepted rows that is older than the window: those still count for first purchase and tenure, not
 * for frequency or money.
 */
public record IngestCounts(
    long rowsRead,
    long rowsAccepted,
    Map<String, Long> quarantinedByReason,
    long rowsAfterAsOf,
    long rowsBeforeWindow) {

  /**
   * One row of the daily profile: how many rows had this reject reason (null: none) on this date.
   */
  public record DailyCount(String rejectReason, LocalDate date, long rows) {}

  public IngestCounts {
    quarantinedByReason = Collections.unmodifiableMap(new TreeMap<>(quarantinedByReason));
  }

  public long rowsQuarantined() {
    return quarantinedByReason.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Share of the rows before as-of (the rows a run considers) that was quarantined. */
  public double quarantinedShare() {
    long considered = rowsAccepted + rowsQuarantined();
    return considered == 0 ? 0.0 : (double) rowsQuarantined() / considered;
  }

  /** The quarantined rows by reason, e.g. "missing_customer_id 135,080", for messages. */
  public String describeReasons() {
    if (quarantinedByReason.isEmpty()) {
      return "no row quarantined";
    }
    return quarantinedByReason.entrySet().stream()
        .map(entry -> String.format("%s %,d", entry.getKey(), entry.getValue()))
        .collect(Collectors.joining(", "));
  }

  /** The default as-of date: the day after the latest valid row, if there is one. */
  public static Optional<LocalDate> dayAfterLatestValid(List<DailyCount> profile) {
    return profile.stream()
        .filter(day -> day.rejectReason() == null)
        .map(DailyCount::date)
        .max(LocalDate::compareTo)
        .map(latest -> latest.plusDays(1));
  }

  /**
   * Counts each row's fate for {@code asOf} with the rule of {@link TransactionValidation#fate};
   * {@code windowStart} (empty: whole history) splits off the accepted rows before the window.
   */
  public static IngestCounts tally(
      List<DailyCount> profile, LocalDate asOf, Optional<LocalDate> windowStart) {
    long read = 0;
    long accepted = 0;
    long afterAsOf = 0;
    long beforeWindow = 0;
    Map<String, Long> quarantined = new TreeMap<>();
    for (DailyCount day : profile) {
      read += day.rows();
      Optional<RejectReason> reason =
          Optional.ofNullable(day.rejectReason()).map(IngestCounts::reasonOf);
      if (reason.isPresent() && reason.get().concernsTimestamp()) {
        quarantined.merge(day.rejectReason(), day.rows(), Long::sum);
      } else if (!day.date().isBefore(asOf)) {
        afterAsOf += day.rows();
      } else if (reason.isPresent()) {
        quarantined.merge(day.rejectReason(), day.rows(), Long::sum);
      } else {
        accepted += day.rows();
        if (windowStart.isPresent() && day.date().isBefore(windowStart.get())) {
          beforeWindow += day.rows();
        }
      }
    }
    return new IngestCounts(read, accepted, quarantined, afterAsOf, beforeWindow);
  }

  private static RejectReason reasonOf(String code) {
    return RejectReason.ofCode(code)
        .orElseThrow(() -> new IllegalStateException("Unknown reject reason " + code));
  }
}
