package com.customervalue.segments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages follow the data flow (docs/ARCHITECTURE.md): each one uses only packages before it,
 * so there is no cycle and a stage never reaches into a later one.
 */
class PackageDependenciesTest {
  /** The packages in the order of the data flow; "" is the root package (the command line). */
  static final List<String> DATA_FLOW =
      List.of(
          "config",
          "catalog",
          "pipeline",
          "privacy",
          "ingest",
          "metrics",
          "score",
          "tier",
          "clv",
          "classify",
          "distribute",
          "report",
          "publish",
          "serve",
          "generate",
          "job",
          "");

  private static final Path SOURCES =
      SparkTestSession.repositoryRoot().resolve("jobs/src/main/java/com/customervalue/segments");
  private static final Pattern REFERENCE =
      Pattern.compile("com\\.customervalue\\.segments\\.([a-z]+)\\.");

  @Test
  void everyPackageUsesOnlyPackagesEarlierInTheDataFlow() throws IOException {
    List<String> violations = new ArrayList<>();
    Set<String> packages = new TreeSet<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String own = SOURCES.relativize(file.getParent()).toString().replace('/', '.');
        packages.add(own);
        Matcher reference = REFERENCE.matcher(Files.readString(file));
        while (reference.find()) {
          String used = reference.group(1);
          if (!used.equals(own) && DATA_FLOW.indexOf(used) > DATA_FLOW.indexOf(own)) {
            violations.add(SOURCES.relativize(file) + " uses " + used);
          }
        }
      }
    }
    assertEquals(new TreeSet<>(DATA_FLOW), packages, "every package has its place in DATA_FLOW");
    assertTrue(violations.isEmpty(), "uses of later packages: " + violations);
  }

  @Test
  void theArchitectureDocumentListsThePackagesInTheSameOrder() throws IOException {
    String architecture =
        Files.readString(SparkTestSession.repositoryRoot().resolve("docs/ARCHITECTURE.md"));
    int previous = -1;
    for (String name : DATA_FLOW.subList(0, DATA_FLOW.size() - 1)) {
      int row = architecture.indexOf("\n| `" + name + "` |");
      assertTrue(row > previous, name + " in the package table of docs/ARCHITECTURE.md, in order");
      previous = row;
    }
  }
}
