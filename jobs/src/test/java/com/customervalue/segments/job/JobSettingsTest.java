package com.customervalue.segments.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.classify.AmountLevels;
import com.customervalue.segments.config.ConfigLayers;
import com.customervalue.segments.config.InvalidSettingsException;
import com.customervalue.segments.ingest.ColumnMapping;
import com.customervalue.segments.ingest.QualitySettings;
import com.customervalue.segments.ingest.SnapshotSettings;
import com.customervalue.segments.tier.RankWeights;
import com.customervalue.segments.tier.TierSettings;
import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading the settings of a run: layers, defaults, and a message naming the key for every wrong
 * value, whichever package's section it is in.
 */
class JobSettingsTest {
  @TempDir Path dir;

  private static final Map<String, String> INPUT = Map.of("segments.input.path", "/data/tx");

  @Test
  void referenceDefaultsApplyWhenNothingOverridesThem() {
    JobSettings settings = JobSettings.load(ConfigLayers.layered(Optional.empty(), INPUT));

    assertEquals("/data/tx", settings.input().transactionsPath());
    assertEquals(Optional.empty(), settings.input().customersPath());
    assertEquals(
        new ColumnMapping("customer_id", Optional.of("order_id"), "order_ts", "amount"),
        settings.input().columns());
    assertEquals(ZoneId.of("UTC"), settings.input().timeZone());
    assertEquals(new SnapshotSettings(Optional.empty(), 0, false), settings.snapshot());
    assertEquals(new QualitySettings(0.05, LocalDate.of(1970, 1, 1)), settings.quality());
    assertEquals("output", settings.output().root());
    assertEquals(64, settings.configDigest().length());
  }

  @Test
  void flagsOverrideTheFileWhichOverridesTheReference() throws IOException {
    File file =
        write(
            """
            segments.snapshot.window-days = 30
            segments.snapshot.as-of = "2020-01-01"
            segments.input.columns { order-id = "", amount = "quantity * unit_price" }
            """);
    JobSettings settings =
        JobSettings.load(
            ConfigLayers.layered(
                Optional.of(file),
                Map.of("segments.input.path", "/data/tx", "segments.snapshot.window-days", "7")));

    assertEquals(7, settings.snapshot().windowDays());
    assertEquals(Optional.of(LocalDate.of(2020, 1, 1)), settings.snapshot().asOf());
    assertEquals(
        new ColumnMapping("customer_id", Optional.empty(), "order_ts", "quantity * unit_price"),
        settings.input().columns());
  }

  @Test
  void digestChangesWithTheSettingsAndOnlyThen() {
    String one = JobSettings.load(ConfigLayers.layered(Optional.empty(), INPUT)).configDigest();
    String same = JobSettings.load(ConfigLayers.layered(Optional.empty(), INPUT)).configDigest();
    String other =
        JobSettings.load(
                ConfigLayers.layered(
                    Optional.empty(),
                    Map.of(
                        "segments.input.path", "/data/tx", "segments.snapshot.window-days", "7")))
            .configDigest();
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
    assertTrue(
        message.endsWith("must be 0 (whole history) or a positive number of days."), message);
  }

  @Test
  void malformedDatesAreRejectedWithTheValue() throws IOException {
    String asOf = failure(write("segments.snapshot.as-of = \"2011-02-30\"\n"), INPUT);
    assertTrue(
        asOf.contains("segments.snapshot.as-of")
            && asOf.contains("must be a date YYYY-MM-DD, got '2011-02-30'"),
        asOf);
    String earliest = failure(write("segments.quality.earliest-date = \"yesterday\"\n"), INPUT);
    assertTrue(
        earliest.contains("segments.quality.earliest-date") && earliest.contains("'yesterday'"),
        earliest);
  }

  @Test
  void shareOutsideZeroToOneIsRejected() throws IOException {
    String message = failure(write("segments.quality.max-quarantined-share = 25\n"), INPUT);
    assertTrue(
        message.contains("segments.quality.max-quarantined-share")
            && message.contains("between 0 and 1"),
        message);
  }

  @Test
  void unknownTimeZoneIsRejected() throws IOException {
    String message = failure(write("segments.input.time-zone = \"Mars/Olympus\"\n"), INPUT);
    assertTrue(
        message.contains("segments.input.time-zone") && message.contains("'Mars/Olympus'"),
        message);
  }

  @Test
  void missingInputPathTellsWhereToSetIt() {
    String message =
        assertThrows(
                InvalidSettingsException.class,
                () -> JobSettings.load(ConfigLayers.layered(Optional.empty(), Map.of())))
            .getMessage();
    assertEquals(
        "Invalid setting segments.input.path (reference.conf @ "
            + message.substring(message.indexOf('@') + 2, message.indexOf(')'))
            + "): is empty; set it in the config file or pass --input.",
        message);
  }

  @Test
  void emptyColumnMappingIsRejected() throws IOException {
    String message = failure(write("segments.input.columns.customer-id = \" \"\n"), INPUT);
    assertTrue(
        message.contains("segments.input.columns.customer-id") && message.contains("is empty"),
        message);
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
    String message =
        failure(write("segments.output.root = ${SEGMENTS_TEST_UNSET_VARIABLE}\n"), INPUT);
    assertTrue(message.contains("SEGMENTS_TEST_UNSET_VARIABLE"), message);
  }

  @Test
  void everyExampleConfigOfTheRepositoryIsValid() {
    Path conf = Path.of(System.getProperty("segments.home", "..")).resolve("conf");
    for (String name :
        new String[] {
          "online-retail.conf", "rfm-data-orders.conf", "cdnow.conf", "synthetic.conf"
        }) {
      JobSettings settings =
          JobSettings.load(ConfigLayers.layered(Optional.of(conf.resolve(name).toFile()), INPUT));
      assertEquals("/data/tx", settings.input().transactionsPath(), name);
    }
  }

  @Test
  void scoringTiersAndClassificationDefaults() {
    JobSettings settings = JobSettings.load(ConfigLayers.layered(Optional.empty(), INPUT));
    assertEquals(5, settings.scoring().bins());
    assertEquals(
        com.customervalue.segments.score.QuantileMode.EXACT, settings.scoring().quantiles());
    assertEquals(
        List.of(
            "Champions",
            "Loyal Customers",
            "Potential Loyalist",
            "New Customers",
            "Promising",
            "Need Attention",
            "About To Sleep",
            "Can't Lose Them",
            "At Risk",
            "Hibernating",
            "Lost"),
        settings.scoring().segmentRules().stream()
            .map(com.customervalue.segments.score.SegmentRule::name)
            .toList());
    assertEquals(
        new com.customervalue.segments.score.SegmentRule(
            "New Customers",
            new com.customervalue.segments.score.ScoreRange(5, 5),
            new com.customervalue.segments.score.ScoreRange(1, 1),
            new com.customervalue.segments.score.ScoreRange(1, 5)),
        settings.scoring().segmentRules().get(3));
    assertEquals(
        new TierSettings(
            4,
            List.of("gold", "silver", "copper", "iron"),
            List.of("金钻客户 Gold", "白银客户 Silver", "铜客户 Copper", "铁客户 Iron"),
            42,
            40,
            1_000_000,
            new RankWeights(1.0, 0.5, 0.25),
            Optional.empty(),
            365,
            false),
        settings.tiers());
    assertEquals(
        new AmountLevels(
            List.of(
                new BigDecimal("10000"),
                new BigDecimal("50000"),
                new BigDecimal("500000"),
                new BigDecimal("3000000"),
                new BigDecimal("5000000")),
            Optional.of(new BigDecimal("10000000")),
            "CNY",
            365),
        settings.classification().amountLevels());
    assertEquals(12, settings.classification().playbook().size());
  }

  @Test
  void ruleTableErrorsNameTheRuleAndTheRange() throws IOException {
    String inverted =
        failure(
            write(
                "segments.scoring.segments = [{ name = \"X\", r = [4, 2], f = [1, 5], m = [1, 5]"
                    + " }]\n"),
            INPUT);
    assertTrue(
        inverted.startsWith("Invalid setting segments.scoring.segments[0].r (")
            && inverted.endsWith("is inverted: low 4 > high 2."),
        inverted);
    String outside =
        failure(
            write(
                "segments.scoring.segments = [{ name = \"X\", r = [1, 5], f = [0, 5], m = [1, 5]"
                    + " }]\n"),
            INPUT);
    assertTrue(
        outside.contains("segments.scoring.segments[0].f")
            && outside.endsWith("must lie within 1..5 (segments.scoring.bins), got [0, 5]."),
        outside);
    String unknown =
        failure(
            write(
                "segments.scoring.segments = [{ name = \"X\", r = [1, 5], f = [1, 5], m = [1, 5], q"
                    + " = [1, 1] }]\n"),
            INPUT);
    assertTrue(unknown.startsWith("Unknown setting segments.scoring.segments[0].q ("), unknown);
  }

  @Test
  void scoringValuesAreChecked() throws IOException {
    assertTrue(
        failure(write("segments.scoring.bins = 10\n"), INPUT).contains("must be between 2 and 9"));
    assertTrue(
        failure(write("segments.scoring.quantiles = fast\n"), INPUT)
            .contains("must be \"exact\" or \"approximate\", got 'fast'"));
  }

  @Test
  void tierSettingsAreChecked() throws IOException {
    String k = failure(write("segments.tiers.k = 1\n"), INPUT);
    assertTrue(
        k.startsWith("Invalid setting segments.tiers.k (")
            && k.endsWith("must be at least 2, got 1."),
        k);
    String labels = failure(write("segments.tiers.k = 5\n"), INPUT);
    assertTrue(
        labels.contains("segments.tiers.labels")
            && labels.contains("must be 5 distinct, non-empty names"),
        labels);
    String names = failure(write("segments.tiers.display-names = [\"a\"]\n"), INPUT);
    assertTrue(
        names.contains("segments.tiers.display-names") && names.contains("must hold 4 names"),
        names);
  }

  @Test
  void classificationSettingsAreChecked() throws IOException {
    String lifecycle =
        failure(write("segments.classification.lifecycle.at-risk-days = 400\n"), INPUT);
    assertTrue(
        lifecycle.contains("at-risk-days") && lifecycle.contains("below churn-days (365)"),
        lifecycle);
    String grades = failure(write("segments.classification.value-grades.b-share = 0.4\n"), INPUT);
    assertTrue(grades.contains("0 < a-share < b-share < c-share <= 1, got 0.5, 0.4, 0.95"), grades);
    String levels = failure(write("segments.classification.amount-levels = [100, 50]\n"), INPUT);
    assertTrue(levels.contains("must be positive and strictly ascending, got [100, 50]"), levels);
    String cap = failure(write("segments.classification.amount-levels-cap = 5000000\n"), INPUT);
    assertTrue(
        cap.startsWith("Invalid setting segments.classification.amount-levels-cap (")
            && cap.endsWith(
                "must be 0 (no cap) or above the last bound of amount-levels (5000000), got"
                    + " 5000000."),
        cap);
    String currency =
        failure(write("segments.classification.amount-levels-currency = \" \"\n"), INPUT);
    assertTrue(currency.contains("amount-levels-currency"), currency);
    String window =
        failure(write("segments.classification.amount-levels-window-days = -1\n"), INPUT);
    assertTrue(window.contains("amount-levels-window-days"), window);
    String tier =
        failure(
            write(
                "segments.classification.playbook = [{ tiers = [platinum], statuses = [], action ="
                    + " x }, { tiers = [], statuses = [], action = y }]\n"),
            INPUT);
    assertTrue(
        tier.startsWith("Invalid setting segments.classification.playbook[0].tiers: [platinum]"),
        tier);
    String status =
        failure(
            write(
                "segments.classification.playbook = [{ tiers = [], statuses = [sleeping], action ="
                    + " x }]\n"),
            INPUT);
    assertTrue(status.contains("playbook[0].statuses: [sleeping] names an unknown status"), status);
    String catchAll =
        failure(
            write(
                "segments.classification.playbook = [{ tiers = [gold], statuses = [], action = x"
                    + " }]\n"),
            INPUT);
    assertTrue(
        catchAll.contains(
            ": gives no action to silver new, silver active, silver at_risk, silver lapsed,"
                + " copper new,"),
        catchAll);
    assertTrue(catchAll.endsWith("or end with a rule for everyone (tiers = [], statuses = [])."));
    String unused =
        failure(
            write(
                "segments.classification.playbook = [{ tiers = [], statuses = [], action = x },"
                    + " { tiers = [gold], statuses = [], action = y }]\n"),
            INPUT);
    assertTrue(
        unused.endsWith(
            "playbook[1] (y): is never used: every customer it names matches an earlier rule, or"
                + " cannot occur (only the last tier has prospects)."),
        unused);
    String prospects =
        failure(
            write(
                "segments.classification.playbook = [{ tiers = [gold], statuses = [prospect],"
                    + " action = x }, { tiers = [], statuses = [], action = y }]\n"),
            INPUT);
    assertTrue(prospects.contains("playbook[0] (x): is never used"), prospects);
    // A rule bounding P(alive) takes only some customers of its cells: it covers none.
    String bounded =
        failure(
            write(
                "segments.classification.playbook = [{ tiers = [], statuses = [], max-p-alive ="
                    + " 0.5, action = x }]\n"),
            INPUT);
    assertTrue(bounded.contains(": gives no action to gold new,"), bounded);
    String boundedLate =
        failure(
            write(
                "segments.classification.playbook = [{ tiers = [], statuses = [], action = x },"
                    + " { tiers = [gold], statuses = [], min-p-alive = 0.5, action = y }]\n"),
            INPUT);
    assertTrue(boundedLate.contains("playbook[1] (y): is never used"), boundedLate);
    String outOfRange =
        failure(
            write(
                "segments.classification.playbook = [{ tiers = [gold], statuses = [], max-p-alive ="
                    + " 1.5, action = x }, { tiers = [], statuses = [], action = y }]\n"),
            INPUT);
    assertTrue(
        outOfRange.startsWith(
            "Invalid setting segments.classification.playbook[0].max-p-alive: must be in [0, 1]"),
        outOfRange);
    String crossed =
        failure(
            write(
                "segments.classification.playbook = [{ tiers = [gold], statuses = [], min-p-alive ="
                    + " 0.6, max-p-alive = 0.4, action = x }, { tiers = [], statuses = [], action ="
                    + " y }]\n"),
            INPUT);
    assertTrue(crossed.contains("min-p-alive (0.6) must be below max-p-alive (0.4)"), crossed);
  }

  private String failure(File file, Map<String, String> overrides) {
    return assertThrows(
            InvalidSettingsException.class,
            () -> JobSettings.load(ConfigLayers.layered(Optional.of(file), overrides)))
        .getMessage();
  }

  private File write(String content) throws IOException {
    Path file = Files.createTempFile(dir, "settings", ".conf");
    Files.writeString(file, content);
    return file.toFile();
  }
}
