package com.customervalue.segments.classify;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.clv.CustomerValue;
import com.customervalue.segments.config.ConfigLayers;
import com.customervalue.segments.metrics.CustomerMetrics;
import com.customervalue.segments.tier.ValueTiers;
import java.math.BigDecimal;
import java.sql.Date;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class ClassificationsTest extends SparkTestSession {
  private static final StructType CUSTOMERS =
      new StructType()
          .add(CustomerMetrics.CUSTOMER_ID, DataTypes.StringType)
          .add(CustomerMetrics.FIRST_PURCHASE_DATE, DataTypes.DateType)
          .add(CustomerMetrics.RECENCY_DAYS, DataTypes.IntegerType)
          .add(CustomerMetrics.FREQUENCY, DataTypes.IntegerType)
          .add(CustomerMetrics.MONETARY, CustomerMetrics.MONEY_TYPE)
          .add(CustomerMetrics.TENURE_DAYS, DataTypes.IntegerType)
          .add(ValueTiers.VALUE_TIER, DataTypes.StringType);

  private static final Date SOME_DAY = Date.valueOf("2020-01-01");

  private static Row customer(
      String id, Integer recency, int frequency, String monetary, Integer tenure) {
    return RowFactory.create(
        id,
        recency == null ? null : SOME_DAY,
        recency,
        frequency,
        new BigDecimal(monetary).setScale(4),
        tenure,
        "iron");
  }

  private static Map<String, Object> column(Dataset<Row> classified, String column) {
    return classified.collectAsList().stream()
        .collect(
            Collectors.toMap(
                row -> row.getString(0), row -> String.valueOf((Object) row.getAs(column))));
  }

  private static Dataset<Row> customers(Row... rows) {
    return spark.createDataFrame(Arrays.asList(rows), CUSTOMERS);
  }

  @Test
  void lifecycleBoundaries() {
    Dataset<Row> classified =
        Classifications.lifecycle(
            customers(
                customer("never-bought", null, 0, "-5", null),
                RowFactory.create(
                    "bought-before-the-window",
                    SOME_DAY,
                    400,
                    0,
                    BigDecimal.ZERO.setScale(4),
                    900,
                    "iron"),
                customer("churn-day", 365, 3, "10", 800),
                customer("past-churn", 366, 3, "10", 800),
                customer("at-risk-day", 180, 3, "10", 800),
                customer("past-at-risk", 181, 3, "10", 800),
                customer("new-day", 10, 1, "10", 90),
                customer("past-new", 10, 2, "10", 91),
                customer("new-but-quiet", 85, 1, "10", 85)),
            new LifecycleThresholds(90, 180, 365));

    assertEquals(
        Map.of(
            "never-bought", "prospect",
            "bought-before-the-window", "lapsed",
            "churn-day", "at_risk",
            "past-churn", "lapsed",
            "at-risk-day", "active",
            "past-at-risk", "at_risk",
            "new-day", "new",
            "past-new", "active",
            "new-but-quiet", "new"),
        column(classified, Classifications.LIFECYCLE_STATUS));
  }

  @Test
  void valueGradesFollowCumulativeRevenueShare() {
    // Revenue 50 + 30 + 10 + 6 + 4 = 100; share of those ranked above: 0, .5, .8, .9, .96.
    Dataset<Row> classified =
        Classifications.valueGrade(
            customers(
                customer("a", 1, 1, "50", 1),
                customer("b", 1, 1, "30", 1),
                customer("c", 1, 1, "10", 1),
                customer("d", 1, 1, "6", 1),
                customer("e", 1, 1, "4", 1),
                customer("zero", 1, 1, "0", 1),
                customer("negative", 1, 1, "-20", 1)),
            new ValueGradeShares(0.5, 0.8, 0.95));

    assertEquals(
        Map.of("a", "A", "b", "B", "c", "C", "d", "C", "e", "D", "zero", "D", "negative", "D"),
        column(classified, Classifications.VALUE_GRADE));
  }

  @Test
  void tiedRevenueIsRankedByIdSoGradesAreStable() {
    Dataset<Row> classified =
        Classifications.valueGrade(
            customers(
                customer("y", 1, 1, "25", 1), customer("x", 1, 1, "25", 1),
                customer("w", 1, 1, "25", 1), customer("v", 1, 1, "25", 1)),
            new ValueGradeShares(0.5, 0.8, 0.95));
    // Ranked v, w, x, y: shares before 0, .25, .5, .75.
    assertEquals(
        Map.of("v", "A", "w", "A", "x", "B", "y", "B"),
        column(classified, Classifications.VALUE_GRADE));
  }

  @Test
  void valueGradesEqualAPlainRankingOfThousandsOfCustomersWithTies() {
    // Money over four decades with 4 decimals, a third of it on a few tied amounts (so shares fall
    // inside runs of equal monetary, ranked by id), and customers without positive monetary.
    java.util.Random random = new java.util.Random(16);
    List<Row> rows = new ArrayList<>();
    String[] tied = {"25.0000", "10.5000", "199.9900", "1200.0000"};
    for (int i = 0; i < 4000; i++) {
      String money;
      if (i % 3 == 0) {
        money = tied[random.nextInt(tied.length)];
      } else if (i % 97 == 0) {
        money = i % 2 == 0 ? "0" : "-" + (1 + random.nextInt(500));
      } else {
        money =
            BigDecimal.valueOf(Math.exp(random.nextGaussian() * 1.6 + 4))
                .setScale(4, java.math.RoundingMode.HALF_UP)
                .toPlainString();
      }
      rows.add(customer(String.format("c%05d", random.nextInt(100_000)) + "-" + i, 1, 1, money, 1));
    }
    Dataset<Row> customers = spark.createDataFrame(rows, CUSTOMERS).repartition(7).cache();
    for (ValueGradeShares shares :
        List.of(
            new ValueGradeShares(0.5, 0.8, 0.95),
            new ValueGradeShares(0.0, 0.6, 0.6),
            new ValueGradeShares(0.2, 0.9999, 1.0))) {
      Map<String, Object> expected = plainValueGrades(rows, shares);
      Map<String, Object> graded =
          column(Classifications.valueGrade(customers, shares), Classifications.VALUE_GRADE);
      List<String> wrong =
          expected.keySet().stream()
              .filter(id -> !expected.get(id).equals(graded.get(id)))
              .map(id -> id + ": " + graded.get(id) + " instead of " + expected.get(id))
              .sorted()
              .limit(5)
              .toList();
      assertEquals(expected.size(), graded.size());
      assertEquals(List.of(), wrong, shares.toString());
      assertEquals(
          shares.aShare() == 0 ? Set.of("B", "D") : Set.of("A", "B", "C", "D"),
          Set.copyOf(graded.values()),
          "the grades that occur with " + shares);
    }
  }

  /** The value grade as DEFINITIONS.md states it: one sort of everyone, running sums. */
  private static Map<String, Object> plainValueGrades(List<Row> rows, ValueGradeShares shares) {
    Map<String, Object> grades = new HashMap<>();
    List<Row> positive = new ArrayList<>();
    for (Row row : rows) {
      if (row.getDecimal(4).signum() > 0) {
        positive.add(row);
      } else {
        grades.put(row.getString(0), "D");
      }
    }
    positive.sort(
        (x, y) -> {
          int byMoney = y.getDecimal(4).compareTo(x.getDecimal(4));
          return byMoney != 0 ? byMoney : x.getString(0).compareTo(y.getString(0));
        });
    BigDecimal total =
        positive.stream().map(r -> r.getDecimal(4)).reduce(BigDecimal.ZERO, BigDecimal::add);
    BigDecimal before = BigDecimal.ZERO;
    for (Row row : positive) {
      double share = before.doubleValue() / total.doubleValue();
      String grade =
          share < shares.aShare()
              ? "A"
              : share < shares.bShare() ? "B" : share < shares.cShare() ? "C" : "D";
      grades.put(row.getString(0), grade);
      before = before.add(row.getDecimal(4));
    }
    return grades;
  }

  @Test
  void amountLevelsCountTheBoundsTheTrailingAmountReachesAndFlagTheCap() {
    AmountLevels sourceBands =
        new AmountLevels(
            List.of(
                new BigDecimal(10_000),
                new BigDecimal(50_000),
                new BigDecimal(500_000),
                new BigDecimal(3_000_000),
                new BigDecimal(5_000_000)),
            Optional.of(new BigDecimal(10_000_000)),
            "CNY",
            365);
    Dataset<Row> customers =
        spark.createDataFrame(
            Stream.of(
                    "no-spend:0",
                    "negative:-1",
                    "below:9999.9999",
                    "at-10k:10000",
                    "below-50k:49999.99",
                    "at-50k:50000",
                    "at-500k:500000",
                    "at-3m:3000000",
                    "below-5m:4999999.9999",
                    "at-5m:5000000",
                    "at-cap:10000000",
                    "beyond-cap:25000000")
                .map(
                    entry ->
                        RowFactory.create(
                            entry.split(":")[0], new BigDecimal(entry.split(":")[1]).setScale(4)))
                .toList(),
            new StructType()
                .add(CustomerMetrics.CUSTOMER_ID, DataTypes.StringType)
                .add(CustomerMetrics.AMOUNT_LEVEL_REVENUE, CustomerMetrics.MONEY_TYPE));

    Dataset<Row> leveled = Classifications.amountLevel(customers, sourceBands);
    Map<String, Object> levels = column(leveled, Classifications.AMOUNT_LEVEL);
    assertEquals(
        Map.ofEntries(
            Map.entry("no-spend", "0"),
            Map.entry("negative", "0"),
            Map.entry("below", "0"),
            Map.entry("at-10k", "1"),
            Map.entry("below-50k", "1"),
            Map.entry("at-50k", "2"),
            Map.entry("at-500k", "3"),
            Map.entry("at-3m", "4"),
            Map.entry("below-5m", "4"),
            Map.entry("at-5m", "5"),
            Map.entry("at-cap", "5"),
            Map.entry("beyond-cap", "5")),
        levels);
    Map<String, Object> flagged = column(leveled, Classifications.AMOUNT_ABOVE_CAP);
    assertEquals(
        List.of("beyond-cap"),
        flagged.entrySet().stream()
            .filter(e -> e.getValue().equals("true"))
            .map(Map.Entry::getKey)
            .toList());

    // Without a cap nobody is flagged.
    AmountLevels uncapped =
        new AmountLevels(sourceBands.lowerBounds(), Optional.empty(), "CNY", 365);
    assertEquals(
        0,
        Classifications.amountLevel(customers, uncapped)
            .where(col(Classifications.AMOUNT_ABOVE_CAP))
            .count());
  }

  @Test
  void theFirstMatchingPlaybookRuleGivesTheAction() {
    List<PlaybookRule> playbook =
        List.of(
            new PlaybookRule(Set.of("gold", "silver"), Set.of("at_risk"), "retention call"),
            new PlaybookRule(Set.of("gold"), Set.of(), "dedicated service"),
            new PlaybookRule(Set.of(), Set.of("prospect"), "welcome offer"),
            new PlaybookRule(Set.of(), Set.of(), "regular contact"));
    StructType schema =
        new StructType()
            .add("customer_id", DataTypes.StringType)
            .add(ValueTiers.VALUE_TIER, DataTypes.StringType)
            .add(Classifications.LIFECYCLE_STATUS, DataTypes.StringType);
    Dataset<Row> customers =
        spark.createDataFrame(
            List.of(
                RowFactory.create("gold-at-risk", "gold", "at_risk"),
                RowFactory.create("silver-at-risk", "silver", "at_risk"),
                RowFactory.create("gold-active", "gold", "active"),
                RowFactory.create("iron-prospect", "iron", "prospect"),
                RowFactory.create("copper-at-risk", "copper", "at_risk")),
            schema);

    assertEquals(
        Map.of(
            "gold-at-risk",
            "retention call",
            "silver-at-risk",
            "retention call",
            "gold-active",
            "dedicated service",
            "iron-prospect",
            "welcome offer",
            "copper-at-risk",
            "regular contact"),
        column(
            Classifications.recommendedAction(customers, playbook),
            Classifications.RECOMMENDED_ACTION));
  }

  /** The action the default playbook (reference.conf) intends for each cell that can occur. */
  private static final Map<Playbook.Cell, String> INTENDED =
      Map.ofEntries(
          intended(
              "iron", "prospect", "First-purchase incentive: a welcome offer on the first order"),
          intended("gold", "new", "Onboarding series and a second-purchase nudge"),
          intended("silver", "new", "Onboarding series and a second-purchase nudge"),
          intended("copper", "new", "Onboarding series and a second-purchase nudge"),
          intended("iron", "new", "Onboarding series and a second-purchase nudge"),
          intended(
              "gold", "at_risk", "Retention call: ask what changed and fix it before they lapse"),
          intended(
              "silver", "at_risk", "Retention call: ask what changed and fix it before they lapse"),
          intended("copper", "at_risk", "Reminder with a time-limited offer before they lapse"),
          intended("iron", "at_risk", "Reminder with a time-limited offer before they lapse"),
          intended("gold", "lapsed", "Personal win-back offer from their account contact"),
          intended("silver", "lapsed", "Personal win-back offer from their account contact"),
          intended("copper", "lapsed", "Win-back campaign with a comeback offer"),
          intended("iron", "lapsed", "Win-back campaign with a comeback offer"),
          intended("gold", "active", "Dedicated account manager, loyalty perks and early access"),
          intended("silver", "active", "Engagement campaigns and upgrade offers toward gold"),
          intended("copper", "active", "Promotions, bundles and product trials"),
          intended("iron", "active", "Reactivation campaign and regular low-cost contact"));

  private static Map.Entry<Playbook.Cell, String> intended(
      String tier, String status, String action) {
    return Map.entry(new Playbook.Cell(tier, status), action);
  }

  @Test
  void theDefaultPlaybookGivesEveryCellThatCanOccurItsIntendedAction() {
    List<String> tiers = List.of("gold", "silver", "copper", "iron");
    List<PlaybookRule> playbook =
        ClassificationSettings.from(
                ConfigLayers.layered(Optional.empty(), Map.of("segments.input.path", "unused")),
                tiers)
            .playbook();
    // Seventeen cells: 4 tiers x 4 buyer statuses, and prospects, who are never bought and so iron.
    assertEquals(INTENDED.keySet(), Set.copyOf(Playbook.occurringCells(tiers)));
    for (Playbook.Cell cell : Playbook.occurringCells(tiers)) {
      assertEquals(
          INTENDED.get(cell),
          Playbook.ruleFor(playbook, cell).map(PlaybookRule::action).orElse(null),
          cell.toString());
    }
    // Prospects and lapsed buyers, new and active customers, at-risk and lapsed gold: distinct.
    assertEquals(
        10, Set.copyOf(INTENDED.values()).size(), "distinct actions of the default playbook");

    // Spark applies the same rules to customer_segments; buyers likely alive (P(alive) 0.9, none
    // for prospects) get their cell's action, gold and silver buyers not yet lapsed below 0.5 the
    // win-back call.
    String winBack = "Win-back call: high value at risk of being lost";
    Map<String, String> expected = new HashMap<>();
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<Playbook.Cell, String> entry : INTENDED.entrySet()) {
      Playbook.Cell cell = entry.getKey();
      String id = cell.tier() + "/" + cell.status();
      boolean prospect = cell.status().equals(Lifecycle.PROSPECT);
      rows.add(RowFactory.create(id, cell.tier(), cell.status(), prospect ? null : 0.9));
      expected.put(id, entry.getValue());
      if (!prospect) {
        boolean atRisk =
            Set.of("gold", "silver").contains(cell.tier())
                && Set.of(Lifecycle.ACTIVE, Lifecycle.AT_RISK).contains(cell.status());
        rows.add(RowFactory.create(id + "/0.49", cell.tier(), cell.status(), 0.49));
        expected.put(id + "/0.49", atRisk ? winBack : entry.getValue());
        rows.add(RowFactory.create(id + "/0.5", cell.tier(), cell.status(), 0.5));
        expected.put(id + "/0.5", entry.getValue());
      }
    }
    Dataset<Row> customers =
        spark.createDataFrame(
            rows,
            new StructType()
                .add("customer_id", DataTypes.StringType)
                .add(ValueTiers.VALUE_TIER, DataTypes.StringType)
                .add(Classifications.LIFECYCLE_STATUS, DataTypes.StringType)
                .add(CustomerValue.P_ALIVE, DataTypes.DoubleType));
    assertEquals(
        expected,
        column(
            Classifications.recommendedAction(customers, playbook),
            Classifications.RECOMMENDED_ACTION));
    // The bounded rule is tried before the retention call and the engagement campaign.
    assertEquals(
        List.of(2, 3),
        Playbook.rulesTried(playbook, new Playbook.Cell("silver", Lifecycle.AT_RISK)));
    assertEquals(
        List.of(2, 8),
        Playbook.rulesTried(playbook, new Playbook.Cell("silver", Lifecycle.ACTIVE)));
    assertEquals(
        List.of(6), Playbook.rulesTried(playbook, new Playbook.Cell("iron", Lifecycle.LAPSED)));
  }
}
