package com.customervalue.segments.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a merged configuration against {@code reference.conf} before any package reads its
 * section: an unknown key (a typo would otherwise be ignored silently and the default used) or a
 * value of the wrong type stops the run with the key and where it came from.
 */
public final class KnownSettings {
  /** The root every setting of the jobs lives under. */
  public static final String ROOT = "segments";

  private KnownSettings() {}

  /** Throws {@link InvalidSettingsException} for the first unknown or mistyped key. */
  public static void check(Config config) {
    Config reference = ConfigFactory.defaultReference();
    rejectUnknownKeys(config, reference);
    try {
      config.checkValid(reference, ROOT);
    } catch (ConfigException.ValidationFailed e) {
      throw new InvalidSettingsException("Invalid configuration: " + e.getMessage(), e);
    }
  }

  /** SHA-256 of the effective {@code segments} settings, rendered with sorted keys. */
  public static String digest(Config config) {
    String rendered = config.getConfig(ROOT).root().render(ConfigRenderOptions.concise());
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(rendered.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

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
}
