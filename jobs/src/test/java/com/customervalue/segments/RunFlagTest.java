package com.customervalue.segments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The flags of {@code segments run} are declared once ({@link RunFlag#ALL}): the parser, the usage
 * text, the settings they override and the README's flag table all follow that declaration.
 */
class RunFlagTest {
  private static final String RUN_SECTION =
      "run flags (each overrides the config file, which overrides reference.conf):\n";

  @Test
  void theUsageTextListsEveryRunFlagInOrder() {
    String usage = SegmentsCli.USAGE;
    int start = usage.indexOf(RUN_SECTION) + RUN_SECTION.length();
    String section = usage.substring(start, usage.indexOf("\n\n", start));
    List<String> flags =
        section
            .lines()
            .filter(line -> line.startsWith("  --"))
            .map(line -> line.substring(2, 2 + 21).trim())
            .toList();
    assertEquals(RunFlag.ALL.stream().map(RunFlag::usage).toList(), flags);
    assertTrue(
        section.contains(
            "  --as-of YYYY-MM-DD   snapshot date; default: the day after the latest valid"
                + " transaction\n"),
        section);
    assertTrue(
        section.contains(
            "\n                       (user and password from SEGMENTS_JDBC_USER /"
                + " SEGMENTS_JDBC_PASSWORD)\n"),
        "a second help line is indented under the first:\n" + section);
  }

  @Test
  void theReadmeTableListsEveryRunFlagInOrder() throws IOException {
    String readme = Files.readString(SparkTestSession.repositoryRoot().resolve("README.md"));
    int start = readme.indexOf("| flag | meaning |");
    assertTrue(start >= 0, "the README's run flag table");
    List<String> flags =
        readme
            .substring(start, readme.indexOf("\n\n", start))
            .lines()
            .skip(2)
            .map(row -> row.substring(row.indexOf('`') + 1, row.indexOf('`', row.indexOf('`') + 1)))
            .toList();
    assertEquals(RunFlag.ALL.stream().map(RunFlag::usage).toList(), flags);
  }

  @Test
  void everyFlagOverridesAKnownSettingWithItsValue() {
    var reference = ConfigFactory.defaultReference();
    for (RunFlag flag : RunFlag.ALL) {
      if (flag.setting().isEmpty()) {
        continue;
      }
      String setting = flag.setting().get();
      assertTrue(reference.hasPath(setting), setting + " is in reference.conf");
      String[] args =
          switch (flag.kind()) {
            case TEXT -> new String[] {"run", "--" + flag.name(), "some-value"};
            case DATE -> new String[] {"run", "--" + flag.name(), "2011-12-10"};
            case COUNT -> new String[] {"run", "--" + flag.name(), "7"};
            case SWITCH_OFF, SWITCH_ON -> new String[] {"run", "--" + flag.name()};
          };
      String expected =
          switch (flag.kind()) {
            case TEXT -> "some-value";
            case DATE -> "2011-12-10";
            case COUNT -> "7";
            case SWITCH_OFF -> "false";
            case SWITCH_ON -> "true";
          };
      Map<String, String> overrides =
          SegmentsCli.runOverrides(
              CommandLine.parse(
                  args,
                  Map.of("run", Set.copyOf(RunFlag.names())),
                  Set.copyOf(RunFlag.switches())));
      assertEquals(Map.of(setting, expected), overrides, flag.name());
    }
  }
}
