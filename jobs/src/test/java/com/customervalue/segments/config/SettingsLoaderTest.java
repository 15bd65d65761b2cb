package com.customervalue.segments.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsLoaderTest {
  @TempDir Path dir;

  private static final Map<String, String> INPUT = Map.of("segments.input.path", "/data/tx");

  @Test
  void referenceDefaultsApplyWhenNothingOverridesThem() {
    JobSettings settings = SettingsLoader.load(SettingsLoader.layered(Optional.empty(), INPUT));

    assertEquals("/data/tx", settings.input().transactionsPath());
    assertEquals(Optional.empty(), settings.input().customersPath());
    assertEquals(new ColumnMapping("customer_id", Optional.of("order_id"), "order_ts", "amount"), settings.input().columns());
    assertEquals(ZoneId.of("UTC"), settings.input().timeZone());
    assertEquals(new SnapshotSettings(Optional.empty(), 0), settings.snapshot());
    assertEquals(new QualitySettings(0.05, LocalDate.of(1970, 1, 1)), settings.quality());
    assertEquals("output", settings.output().root());
    assertEquals(64, settings.configDigest().length());
  }

  @Test
  void flagsOverrideTheFileWhichOverridesTheReference() throws IOException {
    File file = write("""
        segments.snapshot.window-days = 30
        segments.snapshot.as-of = "2020-01-01"
        segments.input.columns { order-id = "", amount = "quantity * unit_price" }
        """);
    JobSettings settings = SettingsLoader.load(SettingsLoader.layered(Optional.of(file),
        Map.of("segments.input.path", "/data/tx", "segments.snapshot.window-days", "7")));

    assertEquals(7, settings.snapshot().windowDays());
    assertEquals(Optional.of(LocalDate.of(2020, 1, 1)), settings.snapshot().asOf());
    assertEquals(new ColumnMapping("customer_id", Optional.empty(), "order_ts", "quantity * unit_price"), settings.input().columns());
  }

  @Test
  void digestChangesWithTheSettingsAndOnlyThen() {
    String one = SettingsLoader.load(SettingsLoader.layered(Optional.empty(), INPUT)).configDigest();
    String same = SettingsLoader.load(SettingsLoader.layered(Optional.empty(), INPUT)).configDigest();
    String other = SettingsLoader.load(SettingsLoader.layered(Optional.empty(),
        Map.of("segments.input.path", "/data/tx", "segments.snapshot.window-days", "7"))).configDigest();
    assertEquals(one, same);
    assertNotEquals(one, other);
  }

  @Test
  void unknownKeyIsNamedWithTheKnownOnes() throws IOException {
    File file = write("segments.input.colums.amount = \"price\"\n");
    String message = failure(file, INPUT);
    assertTrue(message.startsWith("Unknown setting segments.input.colums.amount ("), message);
    assertTrue(message.contains(file.getName() + ": 1"), message);
    assertTrue(message.contains("segments.input.columns"), message);
  }

  @Test
  void wrongTypeNamesTheKey() throws IOException {
    String message = failure(write("segments.snapshot.window-days = \"thirty\"\n"), INPUT);
    assertTrue(message.contains("segments.snapshot.window-days"), message);
    assertTrue(message.contains("NUMBER"), message);
  }

  @Test
  void objectWhereAValueBelongsIsRejected() throws IOException {
    String message = failure(write("segments.output.root { path = \"x\" }\n"), INPUT);
    assertTrue(message.contains("segments.output.root"), message);
  }

  @Test
  void negativeWindowIsRejected() throws IOException {
    String message = failure(write("segments.snapshot.window-days = -5\n"), INPUT);
    assertTrue(message.startsWith("Invalid setting segments.snapshot.window-days ("), message);
    assertTrue(message.endsWith("must be 0 (whole history) or a positive number of days."), message);
  }

  @Test
  void malformedDatesAreRejectedWithTheValue() throws IOException {
    String asOf = failure(write("segments.snapshot.as-of = \"2011-02-30\"\n"), INPUT);
    assertTrue(asOf.contains("segments.snapshot.as-of") && asOf.contains("must be a date YYYY-MM-DD, got '2011-02-30'"), asOf);
    String earliest = failure(write("segments.quality.earliest-date = \"yesterday\"\n"), INPUT);
    assertTrue(earliest.contains("segments.quality.earliest-date") && earliest.contains("'yesterday'"), earliest);
  }

  @Test
  void shareOutsideZeroToOneIsRejected() throws IOException {
    String message = failure(write("segments.quality.max-quarantined-share = 25\n"), INPUT);
    assertTrue(message.contains("segments.quality.max-quarantined-share") && message.contains("between 0 and 1"), message);
  }

  @Test
  void unknownTimeZoneIsRejected() throws IOException {
    String message = failure(write("segments.input.time-zone = \"Mars/Olympus\"\n"), INPUT);
    assertTrue(message.contains("segments.input.time-zone") && message.contains("'Mars/Olympus'"), message);
  }

  @Test
  void missingInputPathTellsWhereToSetIt() {
    String message = assertThrows(InvalidSettingsException.class,
        () -> SettingsLoader.load(SettingsLoader.layered(Optional.empty(), Map.of()))).getMessage();
    assertEquals("Invalid setting segments.input.path (reference.conf @ "
        + message.substring(message.indexOf('@') + 2, message.indexOf(')'))
        + "): is empty; set it in the config file or pass --input.", message);
  }

  @Test
  void emptyColumnMappingIsRejected() throws IOException {
    String message = failure(write("segments.input.columns.customer-id = \" \"\n"), INPUT);
    assertTrue(message.contains("segments.input.columns.customer-id") && message.contains("is empty"), message);
  }

  @Test
  void missingOrUnparsableConfigFileIsNamed() throws IOException {
    File missing = dir.resolve("nope.conf").toFile();
    assertEquals("Config file " + missing + " does not exist.", failure(missing, INPUT));
    File broken = write("segments { input = \n");
    assertTrue(failure(broken, INPUT).startsWith("Config file " + broken + " cannot be parsed"));
  }

  @Test
  void unresolvedEnvironmentSubstitutionIsReported() throws IOException {
    String message = failure(write("segments.output.root = ${SEGMENTS_TEST_UNSET_VARIABLE}\n"), INPUT);
    assertTrue(message.contains("SEGMENTS_TEST_UNSET_VARIABLE"), message);
  }

  @Test
  void everyExampleConfigOfTheRepositoryIsValid() {
    Path conf = Path.of(System.getProperty("segments.home", "..")).resolve("conf");
    for (String name : new String[] {"online-retail.conf", "rfm-data-orders.conf", "cdnow.conf", "synthetic.conf"}) {
      JobSettings settings = SettingsLoader.load(SettingsLoader.layered(Optional.of(conf.resolve(name).toFile()), INPUT));
      assertEquals("/data/tx", settings.input().transactionsPath(), name);
    }
  }

  private String failure(File file, Map<String, String> overrides) {
    return assertThrows(InvalidSettingsException.class,
        () -> SettingsLoader.load(SettingsLoader.layered(Optional.of(file), overrides))).getMessage();
  }

  private File write(String content) throws IOException {
    Path file = Files.createTempFile(dir, "settings", ".conf");
    Files.writeString(file, content);
    return file.toFile();
  }
}
