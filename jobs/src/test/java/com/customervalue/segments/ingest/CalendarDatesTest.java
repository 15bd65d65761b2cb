package com.customervalue.segments.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.unix_date;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.customervalue.segments.SparkTestSession;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CalendarDatesTest extends SparkTestSession {
  private static final long MICROS_PER_DAY = 86_400_000_000L;

  /**
   * Instants where a floor can go wrong: either side of midnight in the zone and in UTC, before
   * 1970, at the ends of the calendar Spark writes, beyond the range the long arithmetic takes, and
   * a thousand at random between 1800 and 2200.
   */
  private static List<Long> instants(ZoneId zone) {
    List<Long> micros = new ArrayList<>();
    for (String day :
        List.of("1970-01-01", "1969-12-31", "2024-02-29", "1900-03-01", "0001-01-01")) {
      long midnight = micros(LocalDate.parse(day).atStartOfDay(zone).toInstant());
      long utcMidnight = LocalDate.parse(day).toEpochDay() * MICROS_PER_DAY;
      for (long at : new long[] {midnight, utcMidnight}) {
        micros.addAll(List.of(at - 1, at, at + 1, at + MICROS_PER_DAY / 2));
      }
    }
    micros.add(micros(Instant.parse("9999-12-31T23:59:59.999999Z")));
    micros.add(-1L);
    micros.add(0L);
    micros.add(Long.MAX_VALUE / 2 + 12345);
    micros.add(Long.MIN_VALUE / 2 - 12345);
    SplittableRandom random = new SplittableRandom(7);
    long from = micros(Instant.parse("1800-01-01T00:00:00Z"));
    long to = micros(Instant.parse("2200-01-01T00:00:00Z"));
    random.longs(1000, from, to).forEach(micros::add);
    return micros;
  }

  private static long micros(Instant instant) {
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
  }

  @ParameterizedTest
  @ValueSource(strings = {"UTC", "+05:30", "-09:30", "Etc/GMT+12", "Europe/London"})
  void datesAreThoseOfTheInstantInTheZone(String zoneId) {
    ZoneId zone = ZoneId.of(zoneId);
    // A session of its own: the tests' shared session stays in UTC for the classes running beside.
    SparkSession inZone = spark.newSession();
    inZone.conf().set("spark.sql.session.timeZone", zoneId);
    List<Long> instants = instants(zone);
    Dataset<Row> dated =
        inZone
            .createDataset(instants, Encoders.LONG())
            .select(
                col("value"),
                unix_date(CalendarDates.of(timestamp_micros(col("value")), zone)).as("day"));

    List<Row> rows = dated.collectAsList();
    assertEquals(instants.size(), rows.size());
    for (Row row : rows) {
      long at = row.getLong(0);
      Instant instant =
          Instant.ofEpochSecond(
              Math.floorDiv(at, 1_000_000L), Math.floorMod(at, 1_000_000L) * 1000);
      long expected = instant.atZone(zone).toLocalDate().toEpochDay();
      assertEquals(expected, row.getInt(1), () -> "the date of " + at + " µs in " + zoneId);
    }
  }
}
