package com.customervalue.segments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.job.JobSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command lines that must be refused before any Spark work, with exit code 2 and a clear line. */
class SegmentsCliTest {
  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int execute(String... args) {
    return new SegmentsCli(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8))
        .execute(args);
  }

  private String firstErrorLine() {
    return err.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("");
  }

  @Test
  void helpPrintsUsageAndSucceeds() {
    assertEquals(0, execute("help"));
    assertTrue(
        out.toString(StandardCharsets.UTF_8).startsWith("Usage: segments <command> [flags]"));
  }

  @Test
  void unknownFlagIsRefusedWithUsage() {
    assertEquals(2, execute("run", "--input", "x", "--colour", "red"));
    assertEquals("segments: unknown flag --colour for 'run'", firstErrorLine());
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("Usage: segments"));
  }

  @Test
  void unknownCommandAndNoCommandAreRefused() {
    assertEquals(2, execute("segment"));
    assertEquals("segments: unknown command 'segment'", firstErrorLine());
    err.reset();
    assertEquals(2, execute());
    assertEquals("segments: no command given", firstErrorLine());
  }

  @Test
  void badValuesNameTheFlag() {
    assertEquals(2, execute("run", "--as-of", "2011-12-32"));
    assertEquals("segments: --as-of must be a date YYYY-MM-DD, got '2011-12-32'", firstErrorLine());
    err.reset();
    assertEquals(2, execute("run", "--window-days", "-1"));
    assertEquals("segments: --window-days must be at least 0, got -1", firstErrorLine());
    err.reset();
    assertEquals(2, execute("run", "--window-days", "a year"));
    assertEquals("segments: --window-days must be a whole number, got 'a year'", firstErrorLine());
    err.reset();
    assertEquals(2, execute("run", "--input"));
    assertEquals("segments: --input needs a value", firstErrorLine());
    err.reset();
    assertEquals(2, execute("generate", "--customers", "10", "--output", "x"));
    assertEquals("segments: --transactions is required", firstErrorLine());
    err.reset();
    assertEquals(
        2,
        execute(
            "generate",
            "--customers",
            "10",
            "--transactions",
            "5",
            "--lines-per-order",
            "0.5",
            "--output",
            "x"));
    assertEquals(
        "segments: --lines-per-order must be a finite number of at least 1.0, got 0.5",
        firstErrorLine());
  }

  @Test
  void invalidConfigStopsTheRunNamingTheKey() throws IOException {
    Path config = dir.resolve("bad.conf");
    Files.writeString(config, "segments.quality.max-quarantined-share = 2\n");
    assertEquals(2, execute("run", "--config", config.toString(), "--input", "x"));
    assertTrue(
        firstErrorLine()
            .startsWith("segments: Invalid setting segments.quality.max-quarantined-share"),
        firstErrorLine());
  }

  @Test
  void flagsBecomeSettingsOverTheConfigFile() throws IOException {
    Path config = dir.resolve("run.conf");
    Files.writeString(
        config,
        "segments { input.path = \"/from/file\", snapshot.window-days = 90, output.root = \"/out\""
            + " }\n");
    JobSettings settings =
        SegmentsCli.runSettings(
            CommandLine.parse(
                new String[] {
                  "run",
                  "--config",
                  config.toString(),
                  "--input=/from/flag",
                  "--as-of",
                  "2011-12-10",
                  "--window-days",
                  "30",
                  "--customers",
                  "/crm"
                },
                Map.of("run", Set.of("config", "input", "as-of", "window-days", "customers")),
                Set.of()));
    assertEquals("/from/flag", settings.input().transactionsPath());
    assertEquals(Optional.of("/crm"), settings.input().customersPath());
    assertEquals(Optional.of(LocalDate.of(2011, 12, 10)), settings.snapshot().asOf());
    assertEquals(30, settings.snapshot().windowDays());
    assertEquals("/out", settings.output().root());
  }

  @Test
  void noReportIsASwitchThatTurnsTheReportOff() throws IOException {
    Path config = dir.resolve("run.conf");
    Files.writeString(config, "segments { input.path = \"/in\", output.root = \"/out\" }\n");
    Map<String, Set<String>> flags = Map.of("run", Set.of("config", "no-report", "as-of"));
    assertTrue(
        SegmentsCli.runSettings(
                CommandLine.parse(
                    new String[] {"run", "--config", config.toString()},
                    flags,
                    Set.of("no-report")))
            .output()
            .report(),
        "a report by default");
    JobSettings settings =
        SegmentsCli.runSettings(
            CommandLine.parse(
                new String[] {
                  "run", "--no-report", "--as-of", "2011-12-10", "--config", config.toString()
                },
                flags,
                Set.of("no-report")));
    assertFalse(settings.output().report());
    assertEquals(
        Optional.of(LocalDate.of(2011, 12, 10)),
        settings.snapshot().asOf(),
        "the next flag keeps its value");
    assertEquals(2, execute("run", "--no-report=yes"));
    assertEquals("segments: --no-report takes no value", firstErrorLine());
  }
}
