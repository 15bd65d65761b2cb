package com.customervalue.segments.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's headless Chromium, for tests that look at a page the way a reader's browser draws it. A
 * machine without it skips those tests with a message, unless SEGMENTS_REQUIRE_BROWSER=1 (set by
 * .ci/run), which makes its absence a failure.
 */
final class HeadlessChromium {
  private static final String REQUIRE_VARIABLE = "SEGMENTS_REQUIRE_BROWSER";

  private final Path binary;
  private final Path workDirectory;

  private HeadlessChromium(Path binary, Path workDirectory) {
    this.binary = binary;
    this.workDirectory = workDirectory;
  }

  /** The browser, or a skipped test (a failed one in CI) when it is not installed. */
  static HeadlessChromium findOrSkip(Path workDirectory) {
    Optional<Path> binary =
        Stream.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
            .map(Path::of)
            .filter(Files::isExecutable)
            .findFirst();
    if (binary.isEmpty() && "1".equals(System.getenv(REQUIRE_VARIABLE))) {
      throw new AssertionError(
          REQUIRE_VARIABLE + "=1 but no Chromium is installed: apt-get install chromium");
    }
    assumeTrue(
        binary.isPresent(),
        "Chromium is not installed (apt-get install chromium): browser test skipped");
    return new HeadlessChromium(binary.get(), workDirectory);
  }

  /** Draws {@code page} in a window of the given size and saves it as PNG. */
  void screenshot(Path page, Path png, int width, int height)
      throws IOException, InterruptedException {
    Files.createDirectories(png.getParent());
    Files.deleteIfExists(png);
    run(page, "--window-size=" + width + "," + height, "--hide-scrollbars", "--screenshot=" + png);
  }

  /** The page's DOM after Chromium parsed and laid it out. */
  String dumpDom(Path page) throws IOException, InterruptedException {
    return run(page, "--dump-dom");
  }

  private String run(Path page, String... arguments) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                binary.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory(workDirectory, "chromium-profile")));
    command.addAll(List.of(arguments));
    command.add(page.toUri().toString());
    Path stdout = Files.createTempFile(workDirectory, "chromium", ".out");
    Path stderr = Files.createTempFile(workDirectory, "chromium", ".err");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("Chromium did not finish within 2 minutes: " + command);
    }
    assertEquals(0, process.exitValue(), () -> "Chromium failed: " + command + "\n" + read(stderr));
    return read(stdout);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }
}
