package com.customervalue.segments.clv;

/** The time unit the purchase models count recency, age and horizons in. */
public enum TimeUnit {
  /** 7 days, the unit of the CDNOW literature (BG/NBD, Pareto/NBD papers, BTYD, lifetimes). */
  WEEK(7),
  /** One calendar day. */
  DAY(1);

  private final int days;

  TimeUnit(int days) {
    this.days = days;
  }

  /** Days per unit. */
  public int days() {
    return days;
  }

  /** A number of days in this unit, fractional (10 days = 1.428... weeks). */
  public double of(double days) {
    return days / this.days;
  }

  /** The unit named by a setting: {@code week} or {@code day}. */
  public static TimeUnit named(String name) {
    for (TimeUnit unit : values()) {
      if (unit.name().equalsIgnoreCase(name)) {
        return unit;
      }
    }
    throw new IllegalArgumentException("time unit must be week or day, not " + name);
  }
}
