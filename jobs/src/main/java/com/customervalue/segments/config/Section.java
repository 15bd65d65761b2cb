package com.customervalue.segments.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.DateTimeException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * One section of the merged configuration, e.g. {@code segments.tiers}, as the package that owns it
 * reads it: typed getters whose errors name the full key and the file and line it came from.
 */
public final class Section {
  private final Config config;
  private final String path;

  private Section(Config config, String path) {
    this.config = config;
    this.path = path;
  }

  /** The section at {@code path} (dotted) of the whole configuration. */
  public static Section of(Config config, String path) {
    return new Section(config, path);
  }

  /** The full key of a setting of this section. */
  public String key(String name) {
    return path + "." + name;
  }

  public String string(String name) {
    return read(config, key(name), config::getString);
  }

  /** The trimmed value, empty when the setting is blank. */
  public Optional<String> optionalString(String name) {
    String value = string(name).trim();
    return value.isEmpty() ? Optional.empty() : Optional.of(value);
  }

  /** The trimmed value; blank is an error that names the flag setting it too, if any. */
  public String requiredString(String name, String flag) {
    return optionalString(name)
        .orElseThrow(
            () ->
                invalid(
                    name,
                    "is empty; set it in the config file"
                        + (flag == null ? "" : " or pass " + flag)));
  }

  public int integer(String name) {
    return read(config, key(name), config::getInt);
  }

  public long wholeNumber(String name) {
    return read(config, key(name), config::getLong);
  }

  public double number(String name) {
    return read(config, key(name), config::getDouble);
  }

  public boolean isTrue(String name) {
    return read(config, key(name), config::getBoolean);
  }

  public List<String> strings(String name) {
    return read(config, key(name), config::getStringList);
  }

  public List<Number> numbers(String name) {
    return read(config, key(name), config::getNumberList);
  }

  /**
   * A list of objects, e.g. a rule table; read each with {@link #read} and {@link #rejectUnknown}.
   */
  public List<? extends Config> entries(String name) {
    return read(config, key(name), config::getConfigList);
  }

  /**
   * The trimmed value parsed by {@code parser}; a {@link DateTimeException} names what was
   * expected.
   */
  public <T> T parsed(String name, Function<String, T> parser, String expected) {
    String value = string(name).trim();
    try {
      return parser.apply(value);
    } catch (DateTimeException e) {
      throw invalid(name, "must be " + expected + ", got '" + value + "'");
    }
  }

  /** An error for a setting of this section, with its origin. */
  public InvalidSettingsException invalid(String name, String problem) {
    String key = key(name);
    String origin =
        config.hasPath(key) ? " (" + config.getValue(key).origin().description() + ")" : "";
    return new InvalidSettingsException("Invalid setting " + key + origin + ": " + problem + ".");
  }

  /**
   * Reads {@code key} of {@code config} with {@code getter}; a missing or mistyped value names the
   * key.
   */
  public static <T> T read(Config config, String key, Function<String, T> getter) {
    try {
      return getter.apply(key);
    } catch (ConfigException e) {
      throw new InvalidSettingsException("Invalid setting " + key + ": " + e.getMessage(), e);
    }
  }

  /**
   * Refuses keys of a list entry ({@code where}, e.g. {@code segments.scoring.segments[2]}) not in
   * {@code known}.
   */
  public static void rejectUnknown(Config entry, String where, Set<String> known) {
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
}
