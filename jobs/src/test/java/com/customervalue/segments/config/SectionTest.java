package com.customervalue.segments.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How a package reads its section: values, and errors that name the full key and its origin. */
class SectionTest {
  private static final Config CONFIG =
      ConfigFactory.parseString(
          """
          segments.tiers {
            k = 4
            name = "  gold  "
            blank = " "
            rules = [{ name = a, colour = red }]
          }
          """,
          com.typesafe.config.ConfigParseOptions.defaults().setOriginDescription("test.conf"));

  private final Section tiers = Section.of(CONFIG, "segments.tiers");

  @Test
  void valuesAreReadByTheirNameWithinTheSection() {
    assertEquals("segments.tiers.k", tiers.key("k"));
    assertEquals(4, tiers.integer("k"));
    assertEquals(Optional.of("gold"), tiers.optionalString("name"));
    assertEquals(Optional.empty(), tiers.optionalString("blank"));
  }

  @Test
  void errorsNameTheFullKeyAndWhereItWasSet() {
    assertEquals(
        "Invalid setting segments.tiers.k (test.conf: 2): must be at least 5.",
        tiers.invalid("k", "must be at least 5").getMessage());
    assertEquals(
        "Invalid setting segments.tiers.blank (test.conf: 4): is empty; set it in the config file"
            + " or pass --blank.",
        assertThrows(InvalidSettingsException.class, () -> tiers.requiredString("blank", "--blank"))
            .getMessage());
    assertTrue(
        assertThrows(InvalidSettingsException.class, () -> tiers.integer("name"))
            .getMessage()
            .startsWith("Invalid setting segments.tiers.name: "));
  }

  @Test
  void aListEntryWithAnUnknownKeyIsRefusedNamingIt() {
    Config entry = tiers.entries("rules").get(0);
    assertEquals(
        "Unknown setting segments.tiers.rules[0].colour (test.conf: 5). Known there: [name].",
        assertThrows(
                InvalidSettingsException.class,
                () -> Section.rejectUnknown(entry, "segments.tiers.rules[0]", Set.of("name")))
            .getMessage());
  }
}
