package com.customervalue.segments.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Builds the validated {@link JobSettings} from the three configuration layers (command-line
 * flags over the {@code --config} file over {@code reference.conf}), before any Spark work starts.
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

  /** Reads and validates every {@code segments.*} setting; the first problem found is thrown. */
  public static JobSettings load(Config config) {
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
        new OutputSettings(requiredString(config, "segments.output.root", "--output")),
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
        parsed(config, "segments.input.time-zone", ZoneId::of, "a time-zone id such as UTC or Europe/London"),
        requiredString(config, "segments.customers.customer-id-column", null));
  }

  private static SnapshotSettings readSnapshot(Config config) {
    String asOf = string(config, "segments.snapshot.as-of").trim();
    Optional<LocalDate> asOfDate =
        asOf.isEmpty()
            ? Optional.empty()
            : Optional.of(parsed(config, "segments.snapshot.as-of", LocalDate::parse, "a date YYYY-MM-DD"));
    int windowDays = integer(config, "segments.snapshot.window-days");
    if (windowDays < 0) {
      throw invalid(config, "segments.snapshot.window-days", "must be 0 (whole history) or a positive number of days");
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

  /** A typo in a key would otherwise be ignored silently and the default used instead. */
  private static void rejectUnknownKeys(Config config, Config reference) {
    if (!config.hasPath(ROOT)) {
      return;
    }
    for (Map.Entry<String, ConfigValue> entry : config.getConfig(ROOT).entrySet()) {
      String key = ROOT + "." + entry.getKey();
      if (!isKnown(reference, key)) {
        throw new InvalidSettingsException(
            "Unknown setting " + key + " (" + entry.getValue().origin().description() + "). "
                + "Known settings there: " + siblings(reference, key) + ".");
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
    while (!(isKnown(reference, known) && reference.getValue(known).valueType() == ConfigValueType.OBJECT)
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
      throw invalid(config, key, "is empty; set it in the config file" + (flag == null ? "" : " or pass " + flag));
    }
    return value;
  }

  private static <T> T parsed(Config config, String key, Function<String, T> parser, String expected) {
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
    String origin = config.hasPath(key) ? " (" + config.getValue(key).origin().description() + ")" : "";
    return new InvalidSettingsException("Invalid setting " + key + origin + ": " + problem + ".");
  }

  /** SHA-256 of the effective {@code segments} settings, rendered with sorted keys. */
  private static String digest(Config config) {
    String rendered = config.getConfig(ROOT).root().render(ConfigRenderOptions.concise());
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(rendered.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
