package com.customervalue.segments.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.io.File;
import java.util.Map;
import java.util.Optional;

/**
 * Merges the three configuration layers: command-line flags over the {@code --config} file over
 * {@code reference.conf}, with {@code ${?ENV}} substitutions resolved against the environment.
 */
public final class ConfigLayers {
  private ConfigLayers() {}

  /**
   * The merged configuration; {@code overrides} are dotted keys, e.g. {@code segments.input.path}.
   */
  public static Config layered(Optional<File> configFile, Map<String, String> overrides) {
    Config reference = ConfigFactory.defaultReference();
    Config file = configFile.map(ConfigLayers::parseFile).orElse(ConfigFactory.empty());
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
}
