package com.customervalue.segments;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A flag of {@code segments run}, declared once: how it is written, the line of the usage text that
 * explains it, and the setting it overrides. The parser, the usage text and the README's flag table
 * (checked by a test) all follow {@link #ALL}.
 *
 * @param name the flag without its dashes
 * @param value the placeholder of its value, empty for a switch
 * @param help what it does, as the usage text shows it (a second line after a newline)
 * @param setting the configuration key it overrides, if any
 * @param kind how its value is checked and turned into the setting's value
 */
record RunFlag(String name, String value, String help, Optional<String> setting, Kind kind) {

  /** How a flag's value is checked. */
  enum Kind {
    /** Any text. */
    TEXT,
    /** A date YYYY-MM-DD. */
    DATE,
    /** A whole number of at least 0. */
    COUNT,
    /** No value: present or not; present sets the setting to false. */
    SWITCH_OFF,
    /** No value: present or not; present sets the setting to true. */
    SWITCH_ON
  }

  static final List<RunFlag> ALL =
      List.of(
          new RunFlag(
              "config",
              "FILE",
              "HOCON config file (bin/segments uses conf/local.conf when not given)",
              Optional.empty(),
              Kind.TEXT),
          flag("input", "PATH", "transactions: Parquet file, directory or glob", "input.path"),
          flag("customers", "PATH", "optional customer master (Parquet)", "input.customers-path"),
          flag("output", "DIR", "root of the published tables", "output.root"),
          new RunFlag(
              "as-of",
              "YYYY-MM-DD",
              "snapshot date; default: the day after the latest valid transaction",
              Optional.of("segments.snapshot.as-of"),
              Kind.DATE),
          new RunFlag(
              "window-days",
              "N",
              "measure frequency and money over the last N days (0: whole history)",
              Optional.of("segments.snapshot.window-days"),
              Kind.COUNT),
          flag(
              "tier-model",
              "PATH",
              "assign tiers with a model saved by an earlier run (<output>/tier_model/...)",
              "tiers.model-path"),
          new RunFlag(
              "retrain-tiers",
              "",
              "train a new tier model even if an earlier snapshot's model could be reused",
              Optional.of("segments.tiers.retrain"),
              Kind.SWITCH_ON),
          new RunFlag(
              "holdout-days",
              "N",
              "also fit the value models on the history before as-of - N and backtest them\n"
                  + "on the N days after it (clv_backtest; 0: none)",
              Optional.of("segments.clv.holdout-days"),
              Kind.COUNT),
          new RunFlag(
              "keep-snapshots",
              "N",
              "keep the N newest snapshots of each table, delete older ones (0: all)",
              Optional.of("segments.output.keep-snapshots"),
              Kind.COUNT),
          flag(
              "publish-jdbc",
              "URL",
              "also copy the tables to PostgreSQL, e.g. jdbc:postgresql://host:5432/db\n"
                  + "(user and password from SEGMENTS_JDBC_USER / SEGMENTS_JDBC_PASSWORD)",
              "serving.jdbc-url"),
          new RunFlag(
              "no-report",
              "",
              "skip the HTML report (<output>/report/snapshot_date=.../index.html)",
              Optional.of("segments.output.report"),
              Kind.SWITCH_OFF),
          new RunFlag(
              "master",
              "URL",
              "Spark master, e.g. local[*] (default: as spark-submit sets it)",
              Optional.empty(),
              Kind.TEXT));

  private static RunFlag flag(String name, String value, String help, String setting) {
    return new RunFlag(name, value, help, Optional.of("segments." + setting), Kind.TEXT);
  }

  /** How the flag is written with its placeholder, e.g. {@code --as-of YYYY-MM-DD}. */
  String usage() {
    return "--" + name + (value.isEmpty() ? "" : " " + value);
  }

  /** The flag's lines of the usage text, its help aligned in a column. */
  String usageLines() {
    String indent = " ".repeat(23);
    return String.format("  %-21s", usage())
        + help.lines().collect(Collectors.joining("\n" + indent))
        + "\n";
  }

  /** The names of all flags of {@code run}. */
  static List<String> names() {
    return ALL.stream().map(RunFlag::name).toList();
  }

  /** The names of the flags that take no value. */
  static List<String> switches() {
    return ALL.stream()
        .filter(flag -> flag.kind() == Kind.SWITCH_OFF || flag.kind() == Kind.SWITCH_ON)
        .map(RunFlag::name)
        .toList();
  }
}
