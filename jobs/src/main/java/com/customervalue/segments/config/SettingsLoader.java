package com.customervalue.segments.config;

import com.customervalue.segments.classify.Lifecycle;
import com.customervalue.segments.classify.LifecycleThresholds;
import com.customervalue.segments.classify.PlaybookRule;
import com.customervalue.segments.classify.ValueGradeShares;
import com.customervalue.segments.privacy.PseudonymKey;
import com.customervalue.segments.score.QuantileMode;
import com.customervalue.segments.score.ScoreRange;
import com.customervalue.segments.score.SegmentRule;
import com.customervalue.segments.serve.JdbcCredentials;
import com.customervalue.segments.serve.ServingSettings;
import com.customervalue.segments.serve.SqlIdentifiers;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.File;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Builds the validated {@link JobSettings} from the three configuration layers (command-line flags
 * over the {@code --config} file over {@code reference.conf}), before any Spark work starts.
 */
public final class SettingsLoader {
  static final String ROOT = "segments";

  private SettingsLoader() {}

  /**
   * Merges the layers: {@code overrides} (dotted keys, e.g. {@code segments.input.path}) win over
   * the config file, which wins over {@code reference.conf}; {@code ${?ENV}} substitutions are
   * resolved against the environment.
   */
  public static Config layered(Optional<File> configFile, Map<String, String> overrides) {
    Config reference = ConfigFactory.defaultReference();
    Config file = configFile.map(SettingsLoader::parseFile).orElse(ConfigFactory.empty());
    Config flags = ConfigFactory.parseMap(overrides, "command-line flags");
    try {
      return flags.withFallback(file).withFallback(reference).resolve();
    } catch (ConfigException e) {
      throw new InvalidSettingsException("Invalid configuration: " + e.getMessage(), e);
    }
  }

  private static Config parseFile(File file) {
    if (!file.isFile()) {
      throw new InvalidSettingsException("Config file " + file + " does not exist.");
    }
    try {
      return ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw new InvalidSettingsException(
          "Config file " + file + " cannot be parsed: " + e.getMessage(), e);
    }
  }

  /**
   * Reads and validates every {@code segments.*} setting, with credentials from the process
   * environment.
   */
  public static JobSettings load(Config config) {
    return load(config, System.getenv());
  }

  /**
   * Reads and validates every {@code segments.*} setting; the serving copy's credentials come from
   * {@code environment}. The first problem found is thrown.
   */
  public static JobSettings load(Config config, Map<String, String> environment) {
    Config reference = ConfigFactory.defaultReference();
    rejectUnknownKeys(config, reference);
    try {
      config.checkValid(reference, ROOT);
    } catch (ConfigException.ValidationFailed e) {
      throw new InvalidSettingsException("Invalid configuration: " + e.getMessage(), e);
    }
    return new JobSettings(
        readInput(config),
        readSnapshot(config),
        readQuality(config),
        readOutput(config),
        readScoring(config),
        readTiers(config),
        readClassification(config),
        readServing(config, environment),
        readPseudonymKey(config, environment),
        digest(config));
  }

  private static InputSettings readInput(Config config) {
    String orderId = string(config, "segments.input.columns.order-id").trim();
    ColumnMapping columns =
        new ColumnMapping(
            requiredString(config, "segments.input.columns.customer-id", null),
            orderId.isEmpty() ? Optional.empty() : Optional.of(orderId),
            requiredString(config, "segments.input.columns.timestamp", null),
            requiredString(config, "segments.input.columns.amount", null));
    String customersPath = string(config, "segments.input.customers-path").trim();
    return new InputSettings(
        requiredString(config, "segments.input.path", "--input"),
        customersPath.isEmpty() ? Optional.empty() : Optional.of(customersPath),
        columns,
        parsed(
            config,
            "segments.input.time-zone",
            ZoneId::of,
            "a time-zone id such as UTC or Europe/London"),
        requiredString(config, "segments.customers.customer-id-column", null));
  }

  private static SnapshotSettings readSnapshot(Config config) {
    String asOf = string(config, "segments.snapshot.as-of").trim();
    Optional<LocalDate> asOfDate =
        asOf.isEmpty()
            ? Optional.empty()
            : Optional.of(
                parsed(config, "segments.snapshot.as-of", LocalDate::parse, "a date YYYY-MM-DD"));
    int windowDays = integer(config, "segments.snapshot.window-days");
    if (windowDays < 0) {
      throw invalid(
          config,
          "segments.snapshot.window-days",
          "must be 0 (whole history) or a positive number of days");
    }
    return new SnapshotSettings(asOfDate, windowDays);
  }

  private static QualitySettings readQuality(Config config) {
    String shareKey = "segments.quality.max-quarantined-share";
    double share = number(config, shareKey);
    if (!(share >= 0 && share <= 1)) {
      throw invalid(config, shareKey, "must be a share between 0 and 1, e.g. 0.05 for 5 %");
    }
    LocalDate earliest =
        parsed(config, "segments.quality.earliest-date", LocalDate::parse, "a date YYYY-MM-DD");
    return new QualitySettings(share, earliest);
  }

  private static ServingSettings readServing(Config config, Map<String, String> environment) {
    String urlKey = "segments.serving.jdbc-url";
    String url = string(config, urlKey).trim();
    String schema = string(config, "segments.serving.schema").trim();
    if (!SqlIdentifiers.isSafe(schema)) {
      throw invalid(
          config,
          "segments.serving.schema",
          "must be lower-case letters, digits and _ (at most 63), got '" + schema + "'");
    }
    int batchSize = integer(config, "segments.serving.batch-size");
    if (batchSize < 1) {
      throw invalid(config, "segments.serving.batch-size", "must be at least 1");
    }
    Optional<JdbcCredentials> credentials = JdbcCredentials.fromEnvironment(environment);
    if (url.isEmpty()) {
      return new ServingSettings(Optional.empty(), schema, batchSize, credentials);
    }
    if (!url.startsWith("jdbc:postgresql://")) {
      throw invalid(
          config, urlKey, "must be a PostgreSQL JDBC URL, jdbc:postgresql://host:port/database");
    }
    String lower = url.toLowerCase(java.util.Locale.ROOT);
    if (lower.contains("password") || lower.contains("user=") || url.contains("@")) {
      throw new InvalidSettingsException(
          "Invalid setting "
              + urlKey
              + ": the URL must not carry credentials; set "
              + JdbcCredentials.USER_VARIABLE
              + " and "
              + JdbcCredentials.PASSWORD_VARIABLE
              + " in the environment instead.");
    }
    if (credentials.isEmpty()) {
      throw new InvalidSettingsException(
          "Invalid setting "
              + urlKey
              + ": a serving copy needs the database user in "
              + JdbcCredentials.USER_VARIABLE
              + " (and the password in "
              + JdbcCredentials.PASSWORD_VARIABLE
              + ").");
    }
    return new ServingSettings(Optional.of(url), schema, batchSize, credentials);
  }

  private static Optional<PseudonymKey> readPseudonymKey(
      Config config, Map<String, String> environment) {
    String key = "segments.privacy.pseudonymize-customer-ids";
    if (!read(config, key, config::getBoolean)) {
      return Optional.empty();
    }
    PseudonymKey secret =
        PseudonymKey.fromEnvironment(environment)
            .orElseThrow(
                () ->
                    new InvalidSettingsException(
                        "Invalid setting "
                            + key
                            + ": pseudonymizing needs a secret key in the environment variable "
                            + PseudonymKey.VARIABLE
                            + "."));
    if (secret.bytes().length < PseudonymKey.MINIMUM_LENGTH) {
      throw new InvalidSettingsException(
          "Invalid setting "
              + key
              + ": the key in "
              + PseudonymKey.VARIABLE
              + " must be at least "
              + PseudonymKey.MINIMUM_LENGTH
              + " bytes long.");
    }
    return Optional.of(secret);
  }

  private static OutputSettings readOutput(Config config) {
    int keep = integer(config, "segments.output.keep-snapshots");
    if (keep < 0) {
      throw invalid(
          config, "segments.output.keep-snapshots", "must be 0 (keep all) or a positive number");
    }
    return new OutputSettings(
        requiredString(config, "segments.output.root", "--output"),
        keep,
        read(config, "segments.output.report", config::getBoolean));
  }

  private static ScoringSettings readScoring(Config config) {
    int bins = integer(config, "segments.scoring.bins");
    if (bins < 2 || bins > 9) {
      throw invalid(
          config,
          "segments.scoring.bins",
          "must be between 2 and 9 (a score is one digit of the RFM cell)");
    }
    String modeKey = "segments.scoring.quantiles";
    String mode = string(config, modeKey).trim();
    QuantileMode quantiles =
        switch (mode) {
          case "exact" -> QuantileMode.EXACT;
          case "approximate" -> QuantileMode.APPROXIMATE;
          default ->
              throw invalid(
                  config, modeKey, "must be \"exact\" or \"approximate\", got '" + mode + "'");
        };
    double relativeError = number(config, "segments.scoring.relative-error");
    if (!(relativeError > 0 && relativeError <= 0.1)) {
      throw invalid(config, "segments.scoring.relative-error", "must be above 0 and at most 0.1");
    }
    String rulesKey = "segments.scoring.segments";
    List<? extends Config> entries = read(config, rulesKey, config::getConfigList);
    List<SegmentRule> rules = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      String where = rulesKey + "[" + i + "]";
      Config entry = entries.get(i);
      rejectUnknownEntryKeys(entry, where, Set.of("name", "r", "f", "m"));
      String name = read(entry, "name", entry::getString).trim();
      if (name.isEmpty()) {
        throw new InvalidSettingsException("Invalid setting " + where + ".name: is empty.");
      }
      rules.add(
          new SegmentRule(
              name,
              scoreRange(entry, where, "r", bins),
              scoreRange(entry, where, "f", bins),
              scoreRange(entry, where, "m", bins)));
    }
    return new ScoringSettings(bins, quantiles, relativeError, List.copyOf(rules));
  }

  private static ScoreRange scoreRange(Config entry, String where, String key, int bins) {
    List<Integer> bounds = read(entry, key, entry::getIntList);
    String problem = null;
    if (bounds.size() != 2) {
      problem = "must be [low, high], got " + bounds;
    } else if (bounds.get(0) > bounds.get(1)) {
      problem = "is inverted: low " + bounds.get(0) + " > high " + bounds.get(1);
    } else if (bounds.get(0) < 1 || bounds.get(1) > bins) {
      problem = "must lie within 1.." + bins + " (segments.scoring.bins), got " + bounds;
    }
    if (problem != null) {
      throw new InvalidSettingsException(
          "Invalid setting "
              + where
              + "."
              + key
              + " ("
              + entry.getValue(key).origin().description()
              + "): "
              + problem
              + ".");
    }
    return new ScoreRange(bounds.get(0), bounds.get(1));
  }

  private static TierSettings readTiers(Config config) {
    int k = integer(config, "segments.tiers.k");
    if (k < 2) {
      throw invalid(config, "segments.tiers.k", "must be at least 2, got " + k);
    }
    List<String> labels =
        read(config, "segments.tiers.labels", config::getStringList).stream()
            .map(String::trim)
            .toList();
    if (labels.size() != k
        || labels.stream().anyMatch(String::isEmpty)
        || Set.copyOf(labels).size() != k) {
      throw invalid(
          config,
          "segments.tiers.labels",
          "must be "
              + k
              + " distinct, non-empty names (one per cluster, "
              + "segments.tiers.k = "
              + k
              + "), got "
              + labels);
    }
    List<String> displayNames = read(config, "segments.tiers.display-names", config::getStringList);
    if (displayNames.size() != k) {
      throw invalid(
          config,
          "segments.tiers.display-names",
          "must hold " + k + " names, one per label, got " + displayNames.size());
    }
    int maxIterations = integer(config, "segments.tiers.max-iterations");
    if (maxIterations < 1) {
      throw invalid(config, "segments.tiers.max-iterations", "must be at least 1");
    }
    long trainingCap = read(config, "segments.tiers.training-cap", config::getLong);
    if (trainingCap < k) {
      throw invalid(
          config, "segments.tiers.training-cap", "must be at least segments.tiers.k = " + k);
    }
    String modelPath = string(config, "segments.tiers.model-path").trim();
    return new TierSettings(
        k,
        labels,
        List.copyOf(displayNames),
        read(config, "segments.tiers.seed", config::getLong),
        maxIterations,
        trainingCap,
        modelPath.isEmpty() ? Optional.empty() : Optional.of(modelPath));
  }

  private static ClassificationSettings readClassification(Config config) {
    String lifecycle = "segments.classification.lifecycle.";
    int newDays = integer(config, lifecycle + "new-days");
    int atRiskDays = integer(config, lifecycle + "at-risk-days");
    int churnDays = integer(config, lifecycle + "churn-days");
    if (newDays < 1) {
      throw invalid(config, lifecycle + "new-days", "must be at least 1");
    }
    if (atRiskDays < 1 || atRiskDays >= churnDays) {
      throw invalid(
          config,
          lifecycle + "at-risk-days",
          "must be at least 1 and below churn-days (" + churnDays + ")");
    }
    String grades = "segments.classification.value-grades.";
    double a = number(config, grades + "a-share");
    double b = number(config, grades + "b-share");
    double c = number(config, grades + "c-share");
    if (!(0 < a && a < b && b < c && c <= 1)) {
      throw invalid(
          config,
          grades + "a-share",
          "the grade shares must rise: 0 < a-share < b-share < c-share <= 1, got "
              + a
              + ", "
              + b
              + ", "
              + c);
    }
    String levelsKey = "segments.classification.amount-levels";
    List<BigDecimal> levels =
        read(config, levelsKey, config::getNumberList).stream()
            .map(number -> new BigDecimal(number.toString()))
            .toList();
    for (int i = 0; i < levels.size(); i++) {
      if (levels.get(i).signum() <= 0
          || (i > 0 && levels.get(i).compareTo(levels.get(i - 1)) <= 0)) {
        throw invalid(config, levelsKey, "must be positive and strictly ascending, got " + levels);
      }
    }
    return new ClassificationSettings(
        new LifecycleThresholds(newDays, atRiskDays, churnDays),
        new ValueGradeShares(a, b, c),
        levels,
        readPlaybook(config));
  }

  private static List<PlaybookRule> readPlaybook(Config config) {
    String key = "segments.classification.playbook";
    Set<String> labels = Set.copyOf(read(config, "segments.tiers.labels", config::getStringList));
    List<? extends Config> entries = read(config, key, config::getConfigList);
    List<PlaybookRule> rules = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      String where = key + "[" + i + "]";
      Config entry = entries.get(i);
      rejectUnknownEntryKeys(entry, where, Set.of("tiers", "statuses", "action"));
      Set<String> tiers = Set.copyOf(read(entry, "tiers", entry::getStringList));
      Set<String> statuses = Set.copyOf(read(entry, "statuses", entry::getStringList));
      String action = read(entry, "action", entry::getString).trim();
      if (!labels.containsAll(tiers)) {
        throw new InvalidSettingsException(
            "Invalid setting "
                + where
                + ".tiers: "
                + tiers
                + " names a tier that segments.tiers.labels does not have "
                + labels
                + ".");
      }
      if (!Lifecycle.STATUSES.containsAll(statuses)) {
        throw new InvalidSettingsException(
            "Invalid setting "
                + where
                + ".statuses: "
                + statuses
                + " names an unknown status; known: "
                + Lifecycle.STATUSES
                + ".");
      }
      if (action.isEmpty()) {
        throw new InvalidSettingsException("Invalid setting " + where + ".action: is empty.");
      }
      rules.add(new PlaybookRule(tiers, statuses, action));
    }
    if (rules.isEmpty()
        || !rules.get(rules.size() - 1).tiers().isEmpty()
        || !rules.get(rules.size() - 1).statuses().isEmpty()) {
      throw invalid(
          config,
          key,
          "must end with a rule for everyone (tiers = [], statuses = []), "
              + "so that every customer gets an action");
    }
    return List.copyOf(rules);
  }

  private static void rejectUnknownEntryKeys(Config entry, String where, Set<String> known) {
    for (String name : entry.root().keySet()) {
      if (!known.contains(name)) {
        throw new InvalidSettingsException(
            "Unknown setting "
                + where
                + "."
                + name
                + " ("
                + entry.getValue(name).origin().description()
                + "). Known there: "
                + new TreeSet<>(known)
                + ".");
      }
    }
  }

  /** A typo in a key would otherwise be ignored silently and the default used instead. */
  private static void rejectUnknownKeys(Config config, Config reference) {
    if (!config.hasPath(ROOT)) {
      return;
    }
    for (Map.Entry<String, ConfigValue> entry : config.getConfig(ROOT).entrySet()) {
      String key = ROOT + "." + entry.getKey();
      if (!isKnown(reference, key)) {
        throw new InvalidSettingsException(
            "Unknown setting "
                + key
                + " ("
                + entry.getValue().origin().description()
                + "). "
                + "Known settings there: "
                + siblings(reference, key)
                + ".");
      }
    }
  }

  private static boolean isKnown(Config reference, String key) {
    try {
      return reference.hasPathOrNull(key);
    } catch (ConfigException.WrongType e) {
      return false; // a nested key below what the reference has as a plain value
    }
  }

  private static String siblings(Config reference, String key) {
    String known = key.substring(0, key.lastIndexOf('.'));
    while (!(isKnown(reference, known)
            && reference.getValue(known).valueType() == ConfigValueType.OBJECT)
        && known.contains(".")) {
      known = known.substring(0, known.lastIndexOf('.'));
    }
    String parent = known;
    Set<String> names = new TreeSet<>();
    reference.getConfig(parent).root().keySet().forEach(name -> names.add(parent + "." + name));
    return String.join(", ", names);
  }

  private static String string(Config config, String key) {
    return read(config, key, config::getString);
  }

  private static int integer(Config config, String key) {
    return read(config, key, config::getInt);
  }

  private static double number(Config config, String key) {
    return read(config, key, config::getDouble);
  }

  private static String requiredString(Config config, String key, String flag) {
    String value = string(config, key).trim();
    if (value.isEmpty()) {
      throw invalid(
          config,
          key,
          "is empty; set it in the config file" + (flag == null ? "" : " or pass " + flag));
    }
    return value;
  }

  private static <T> T parsed(
      Config config, String key, Function<String, T> parser, String expected) {
    String value = string(config, key).trim();
    try {
      return parser.apply(value);
    } catch (DateTimeException e) {
      throw invalid(config, key, "must be " + expected + ", got '" + value + "'");
    }
  }

  private static <T> T read(Config config, String key, Function<String, T> getter) {
    try {
      return getter.apply(key);
    } catch (ConfigException e) {
      throw new InvalidSettingsException("Invalid setting " + key + ": " + e.getMessage(), e);
    }
  }

  private static InvalidSettingsException invalid(Config config, String key, String problem) {
    String origin =
        config.hasPath(key) ? " (" + config.getValue(key).origin().description() + ")" : "";
    return new InvalidSettingsException("Invalid setting " + key + origin + ": " + problem + ".");
  }

  /** SHA-256 of the effective {@code segments} settings, rendered with sorted keys. */
  private static String digest(Config config) {
    String rendered = config.getConfig(ROOT).root().render(ConfigRenderOptions.concise());
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(rendered.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
