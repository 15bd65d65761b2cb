package com.customervalue.segments.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.config.ConfigLayers;
import com.customervalue.segments.config.InvalidSettingsException;
import com.customervalue.segments.job.JobSettings;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code segments.scoring}: fixed or quantile breaks per metric, and the segment rules in force
 * (explicit rules first, then the preset's), through the whole settings check as a run loads them.
 */
class ScoringSettingsTest {
  @TempDir Path dir;

  private ScoringSettings load(String content) throws IOException {
    Path file = Files.createTempFile(dir, "scoring", ".conf");
    Files.writeString(file, content);
    return JobSettings.load(
            ConfigLayers.layered(
                Optional.of(file.toFile()), Map.of("segments.input.path", "/data/tx")))
        .scoring();
  }

  private String failure(String content) {
    return assertThrows(InvalidSettingsException.class, () -> load(content)).getMessage();
  }

  private static List<BigDecimal> breaks(String... values) {
    return Arrays.stream(values)
        .map(value -> new BigDecimal(value).setScale(RfmScores.BREAK_SCALE))
        .toList();
  }

  private static List<String> names(ScoringSettings scoring) {
    return scoring.segmentRules().stream().map(SegmentRule::name).toList();
  }

  @Test
  void byDefaultEveryMetricUsesQuantilesAndTheDefaultPreset() throws IOException {
    ScoringSettings scoring = load("");
    assertEquals(FixedBreaks.NONE, scoring.fixedBreaks());
    assertEquals("default", scoring.segmentPreset());
    assertEquals(11, scoring.segmentRules().size());
  }

  @Test
  void aMetricTakesAFixedListOfBreaks() throws IOException {
    ScoringSettings scoring =
        load("segments.scoring.breaks { frequency = [1, 2, 3, 5], monetary = [10, 20.5, 30, 40] }");
    assertEquals(
        new FixedBreaks(
            Optional.empty(),
            Optional.of(breaks("1", "2", "3", "5")),
            Optional.of(breaks("10", "20.5", "30", "40"))),
        scoring.fixedBreaks());
  }

  @Test
  void theCdnowExampleFixesFrequency() {
    ScoringSettings scoring =
        JobSettings.load(
                ConfigLayers.layered(
                    Optional.of(
                        SparkTestSession.repositoryRoot().resolve("conf/cdnow.conf").toFile()),
                    Map.of("segments.input.path", "/data/tx")))
            .scoring();
    assertEquals(Optional.of(breaks("1", "2", "3", "5")), scoring.fixedBreaks().frequency());
    assertEquals(Optional.empty(), scoring.fixedBreaks().recencyDays());
  }

  @Test
  void wrongBreaksNameTheKeyAndTheProblem() {
    String count = failure("segments.scoring.breaks.frequency = [1, 2, 3]");
    assertTrue(
        count.startsWith("Invalid setting segments.scoring.breaks.frequency (")
            && count.endsWith("must hold bins - 1 = 4 breaks (segments.scoring.bins is 5), got 3."),
        count);
    assertTrue(
        failure("segments.scoring.breaks.recency-days = [30, 30, 90, 180]")
            .endsWith("must be strictly ascending, got [30, 30, 90, 180]."));
    assertTrue(
        failure("segments.scoring.breaks.monetary = median")
            .endsWith("must be \"quantile\" or a list of 4 ascending breaks, got 'median'."));
  }

  @Test
  void theRfmPackagePresetIsTheDocumentationsExampleTable() throws IOException {
    ScoringSettings scoring = load("segments.scoring.segment-preset = rfm-package");
    assertEquals(
        List.of(
            "Champions",
            "Potential Loyalist",
            "Loyal Customers",
            "Promising",
            "New Customers",
            "Can't Lose Them",
            "At Risk",
            "Need Attention",
            "About To Sleep",
            "Lost"),
        names(scoring));
    assertEquals(
        new SegmentRule(
            "Promising", new ScoreRange(3, 4), new ScoreRange(1, 3), new ScoreRange(3, 5)),
        scoring.segmentRules().get(3));
  }

  @Test
  void explicitRulesComeBeforeThePresetsAndAloneWithNone() throws IOException {
    String vip =
        "segments.scoring.segments = [{ name = VIP, r = [5, 5], f = [5, 5], m = [5, 5] }]\n";
    ScoringSettings withPreset = load(vip);
    assertEquals("VIP", names(withPreset).get(0));
    assertEquals("Champions", names(withPreset).get(1));
    assertEquals(12, withPreset.segmentRules().size());
    assertEquals(List.of("VIP"), names(load(vip + "segments.scoring.segment-preset = none\n")));
  }

  @Test
  void anUnknownPresetOrOneForOtherBinsIsRefused() {
    assertTrue(
        failure("segments.scoring.segment-preset = fancy")
            .endsWith("must be one of [default, none, rfm-package], got 'fancy'."));
    String bins = failure("segments.scoring.bins = 3");
    assertTrue(
        bins.startsWith("Invalid setting segments.scoring.segment-preset")
            && bins.endsWith(
                "the preset 'default' is written for bins = 5, and segments.scoring.bins is 3: set"
                    + " segment-preset = \"none\" and give the rules in"
                    + " segments.scoring.segments."),
        bins);
  }

  @Test
  void otherBinsWorkWithRulesOfTheirOwn() throws IOException {
    ScoringSettings scoring =
        load(
            "segments.scoring { bins = 3, segment-preset = none, breaks.frequency = [1, 4],"
                + " segments = [{ name = Top, r = [3, 3], f = [3, 3], m = [3, 3] }] }");
    assertEquals(3, scoring.bins());
    assertEquals(List.of("Top"), names(scoring));
    assertEquals(Optional.of(breaks("1", "4")), scoring.fixedBreaks().frequency());
  }
}
