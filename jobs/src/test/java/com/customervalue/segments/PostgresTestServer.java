package com.customervalue.segments;

import com.customervalue.segments.publish.IcebergSettings;
import com.customervalue.segments.serve.JdbcCredentials;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL server for the tests, started from the machine's own binaries (Debian's
 * postgresql package) in a temporary directory on a free port, and removed on close. Without the
 * binaries the calling tests are skipped, unless SEGMENTS_REQUIRE_POSTGRES=1 (set by .ci/run) makes
 * that a failure.
 */
public final class PostgresTestServer implements AutoCloseable {
  public static final String DATABASE = "segments";
  public static final String USER = "segments";

  /**
   * Any password works (trust authentication); a recognisable one lets tests check it never leaks.
   */
  public static final String PASSWORD = "not-a-real-secret-7f3a";

  /** The environment a run needs for an Iceberg JDBC catalog in this server. */
  public static Map<String, String> icebergCatalogEnvironment() {
    return Map.of(
        IcebergSettings.USER_VARIABLE, USER,
        IcebergSettings.PASSWORD_VARIABLE, PASSWORD);
  }

  private final Path binaries;
  private final Path directory;
  private final int port;
  private final boolean asPostgresUser;

  private PostgresTestServer(Path binaries, Path directory, int port, boolean asPostgresUser) {
    this.binaries = binaries;
    this.directory = directory;
    this.port = port;
    this.asPostgresUser = asPostgresUser;
  }

  public static PostgresTestServer start() throws Exception {
    Optional<Path> binaries = binaries();
    if (binaries.isEmpty()) {
      String message =
          "No PostgreSQL server binaries (initdb) in PG_BIN or /usr/lib/postgresql/*/bin: "
              + "apt-get install postgresql";
      if ("1".equals(System.getenv("SEGMENTS_REQUIRE_POSTGRES"))) {
        throw new IllegalStateException(message);
      }
      Assumptions.abort(message);
    }
    Path directory = Files.createTempDirectory("segments-postgres");
    boolean asPostgresUser = "root".equals(System.getProperty("user.name"));
    if (asPostgresUser) {
      // PostgreSQL refuses to run as root; the data directory must belong to the server's user.
      run(List.of("chown", "-R", "postgres:postgres", directory.toString()), false);
      run(List.of("chmod", "755", directory.toString()), false);
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    PostgresTestServer server =
        new PostgresTestServer(binaries.get(), directory, port, asPostgresUser);
    server.initAndStart();
    return server;
  }

  private void initAndStart() throws Exception {
    Path data = directory.resolve("data");
    run(
        List.of(
            binaries.resolve("initdb").toString(),
            "-D",
            data.toString(),
            "-U",
            USER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-locale"),
        asPostgresUser);
    run(
        List.of(
            binaries.resolve("pg_ctl").toString(),
            "-D",
            data.toString(),
            "-l",
            directory.resolve("server.log").toString(),
            "-o",
            "-p " + port + " -k " + directory + " -c listen_addresses=127.0.0.1 -c fsync=off",
            "-w",
            "start"),
        asPostgresUser);
    try (Connection connection =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/postgres", USER, PASSWORD);
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + DATABASE);
    }
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
  }

  public Connection connect() throws Exception {
    return DriverManager.getConnection(jdbcUrl(), USER, PASSWORD);
  }

  public static JdbcCredentials credentials() {
    return new JdbcCredentials(USER, PASSWORD);
  }

  @Override
  public void close() throws Exception {
    try {
      run(
          List.of(
              binaries.resolve("pg_ctl").toString(),
              "-D",
              directory.resolve("data").toString(),
              "-m",
              "immediate",
              "-w",
              "stop"),
          asPostgresUser);
    } finally {
      try (Stream<Path> files = Files.walk(directory)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  private static Optional<Path> binaries() throws IOException {
    String configured = System.getenv("PG_BIN");
    if (configured != null && Files.isExecutable(Path.of(configured, "initdb"))) {
      return Optional.of(Path.of(configured));
    }
    Path installed = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(installed)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(installed)) {
      return versions
          .map(version -> version.resolve("bin"))
          .filter(bin -> Files.isExecutable(bin.resolve("initdb")))
          .max(
              Comparator.comparing(
                  bin ->
                      Integer.parseInt(
                          bin.getParent().getFileName().toString().replaceAll("\\D", "0"))));
    }
  }

  private static void run(List<String> command, boolean asPostgresUser) throws Exception {
    List<String> full = new ArrayList<>();
    if (asPostgresUser) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("Failed: " + String.join(" ", full) + "\n" + output);
    }
  }
}
