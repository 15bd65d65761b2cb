package com.customervalue.segments.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A real Spark standalone cluster on this machine: a Master and two Workers as separate JVMs,
 * started from a SPARK_HOME whose jars/ links to the project's own Spark artifacts (no Spark
 * download), with SPARK_SCALA_VERSION=2.13 and the Java 17 module flags of target/jvm-options.
 * {@link #close()} stops everything it started, executors included, also when a test failed.
 */
final class StandaloneCluster implements AutoCloseable {
  static final int WORKERS = 2;

  /**
   * Every JVM started here (daemons, drivers, executors) compiles with C1 only. They live for one
   * small run each, in which C2 compiled 30 s of CPU for 6,919 CDNOW lines on 2 cores, competing
   * with the run itself: FaultsIT took 203 s instead of 245 (bin/segments does the same for small
   * inputs). Surefire's test JVM, which lives through the whole suite, keeps C2. C1 alone would
   * also shrink the code cache from 240 to 48 MB, which a publishing run filled in CI ("Out of
   * space in CodeCache for adapters"), so the cache keeps the size it has with C2.
   */
  private static final List<String> QUICK_START =
      List.of("-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=240m");

  private static final String CLASS_ARCHIVE = "classes.jsa";
  private static boolean homeBuilt;
  private static boolean recording;

  private final Path home;
  private final Path directory;
  private final int masterPort;
  private final List<Process> daemons = new ArrayList<>();

  private StandaloneCluster(Path home, Path directory, int masterPort) {
    this.home = home;
    this.directory = directory;
    this.masterPort = masterPort;
  }

  static Path repositoryRoot() {
    return Path.of(System.getProperty("segments.home", "..")).toAbsolutePath().normalize();
  }

  static Path target() {
    return repositoryRoot().resolve("jobs/target");
  }

  /** A SPARK_HOME to submit from, without starting a Master or Workers (for local-mode runs). */
  static StandaloneCluster withoutDaemons(Path directory) throws IOException {
    return new StandaloneCluster(sparkHome(), directory, 0);
  }

  /**
   * The SPARK_HOME of every cluster this JVM starts, built afresh once per JVM from the current
   * build's jars. One fixed path, because a class data sharing archive only fits the class path it
   * was recorded with.
   */
  private static synchronized Path sparkHome() throws IOException {
    Path home = target().resolve("it-spark-home");
    if (homeBuilt) {
      return home;
    }
    if (Files.exists(home)) {
      try (Stream<Path> paths = Files.walk(home)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
    // The executors' class path, which the Worker builds, starts with the conf directory.
    Files.createDirectories(home.resolve("conf"));
    Files.createDirectories(home.resolve("jars"));
    List<Path> jars = new ArrayList<>();
    for (String jar : Files.readString(target().resolve("spark-classpath.txt")).trim().split(":")) {
      jars.add(Path.of(jar));
    }
    // Iceberg is among the cluster's jars, so its JDBC catalog's driver must be too: Java's
    // DriverManager only lends a caller the drivers its own class loader can see.
    try {
      jars.add(
          Path.of(
              org.postgresql.Driver.class
                  .getProtectionDomain()
                  .getCodeSource()
                  .getLocation()
                  .toURI()));
    } catch (java.net.URISyntaxException e) {
      throw new IOException(e);
    }
    for (Path source : jars) {
      Files.createSymbolicLink(home.resolve("jars").resolve(source.getFileName()), source);
    }
    homeBuilt = true;
    return home;
  }

  /**
   * The options that map the class archive, or record it if this is a driver and none exists yet.
   * Like bin/segments, every JVM here then starts from the classes the first complete run loaded: a
   * driver's run of the CDNOW sample took 17.7-18.0 s with the archive, 22.2-22.5 s without. The
   * first driver that exits with 0 records it, under a temporary name moved into place.
   */
  private static synchronized List<String> archiveOptions(Path home, boolean mayRecord) {
    Path archive = home.resolve(CLASS_ARCHIVE);
    if (Files.exists(archive)) {
      return List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds*=off");
    }
    if (mayRecord && !recording) {
      recording = true;
      return List.of("-XX:ArchiveClassesAtExit=" + archive + ".recording", "-Xlog:cds*=off");
    }
    return List.of();
  }

  /**
   * The class path Spark's launcher gives the executors it starts from this SPARK_HOME (the conf
   * directory, the SLF4J API first, then every jar), so that they can map the archive as well: an
   * archive only serves a JVM whose class path starts with the one it was recorded with.
   */
  private static String classPath(Path home) throws IOException {
    Path jars = home.resolve("jars");
    List<String> entries = new ArrayList<>(List.of(home.resolve("conf") + "/"));
    try (Stream<Path> files = Files.list(jars)) {
      files
          .filter(jar -> jar.getFileName().toString().startsWith("slf4j-api-"))
          .forEach(jar -> entries.add(jar.toString()));
    }
    entries.add(jars + "/*");
    return String.join(":", entries);
  }

  private static synchronized void recorded(Path home, Process run) {
    Path recorded = home.resolve(CLASS_ARCHIVE + ".recording");
    try {
      if (run.exitValue() == 0 && Files.exists(recorded)) {
        Files.move(recorded, home.resolve(CLASS_ARCHIVE), StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      // No archive: the next driver records one, and every JVM starts as it would without.
    } finally {
      recording = false;
    }
  }

  static StandaloneCluster start(Path directory) throws Exception {
    StandaloneCluster cluster = new StandaloneCluster(sparkHome(), directory, freePort());
    Runtime.getRuntime().addShutdownHook(new Thread(cluster::stopAll));
    try {
      Path masterLog = directory.resolve("master.log");
      cluster.daemons.add(
          cluster.java(
              List.of(
                  "-Xmx512m",
                  "org.apache.spark.deploy.master.Master",
                  "--host",
                  "127.0.0.1",
                  "--port",
                  String.valueOf(cluster.masterPort),
                  "--webui-port",
                  String.valueOf(freePort())),
              masterLog));
      for (int worker = 1; worker <= WORKERS; worker++) {
        cluster.daemons.add(
            cluster.java(
                List.of(
                    "-Xmx512m",
                    "org.apache.spark.deploy.worker.Worker",
                    "--host",
                    "127.0.0.1",
                    "--cores",
                    "1",
                    "--memory",
                    "2g",
                    "--webui-port",
                    "0",
                    "--work-dir",
                    directory.resolve("work-" + worker).toString(),
                    cluster.masterUrl()),
                directory.resolve("worker-" + worker + ".log")));
      }
      awaitLog(
          masterLog,
          text -> text.split("Registering worker", -1).length - 1 == WORKERS,
          Duration.ofSeconds(120));
      return cluster;
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
  }

  String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  /**
   * Starts {@code spark-submit} of the project's jar as a data engineer would, logging to {@code
   * log}.
   */
  Process submit(String master, Path log, String... jobArguments) throws IOException {
    return submit(master, log, Map.of(), Map.of(), jobArguments);
  }

  /**
   * Submits with extra Spark settings ({@code --conf key=value}) and environment variables (e.g.
   * the Iceberg JDBC catalog's credentials).
   */
  Process submit(
      String master,
      Path log,
      Map<String, String> sparkSettings,
      Map<String, String> environment,
      String... jobArguments)
      throws IOException {
    // The driver JVM gets the module flags as bin/spark-submit's launcher would add them; Spark
    // adds them to the executors' options itself (SparkContext.supplementJavaModuleOptions).
    List<String> command =
        new ArrayList<>(
            List.of(
                "-Xmx1g",
                "-Dlog4j2.configurationFile=" + repositoryRoot().resolve("conf/log4j2.properties"),
                "org.apache.spark.deploy.SparkSubmit",
                "--master",
                master,
                "--class",
                "com.customervalue.segments.SegmentsCli",
                "--conf",
                "spark.executor.memory=1g",
                "--conf",
                "spark.executor.cores=1",
                "--conf",
                "spark.ui.enabled=false",
                "--conf",
                "spark.executor.extraJavaOptions="
                    + String.join(" ", QUICK_START)
                    + " "
                    + String.join(" ", archiveOptions(home, false))));
    sparkSettings.forEach((key, value) -> command.addAll(List.of("--conf", key + "=" + value)));
    command.add(target().resolve("segments-jobs.jar").toString());
    command.addAll(Arrays.asList(jobArguments));
    return java(command, log, environment, true);
  }

  /** The executor processes the workers are running now. */
  List<ProcessHandle> executors() {
    List<ProcessHandle> executors = new ArrayList<>();
    for (Process daemon : daemons) {
      daemon
          .descendants()
          .filter(
              process ->
                  process.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
          .forEach(executors::add);
    }
    return executors;
  }

  private Process java(List<String> arguments, Path log) throws IOException {
    return java(arguments, log, Map.of(), false);
  }

  /** Starts a JVM from the SPARK_HOME; a {@code driver} may record the class archive. */
  private Process java(
      List<String> arguments, Path log, Map<String, String> environment, boolean driver)
      throws IOException {
    List<String> archive = archiveOptions(home, driver);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("@" + target().resolve("jvm-options"));
    command.addAll(QUICK_START);
    command.addAll(archive);
    command.add("-cp");
    command.add(classPath(home));
    command.addAll(arguments);
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("SPARK_HOME", home.toString());
    builder.environment().put("SPARK_SCALA_VERSION", "2.13");
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    builder.environment().putAll(environment);
    builder.directory(repositoryRoot().toFile());
    Process process = builder.start();
    if (archive.stream().anyMatch(option -> option.startsWith("-XX:ArchiveClassesAtExit"))) {
      process.onExit().thenAccept(exited -> recorded(home, exited));
    }
    return process;
  }

  /** Waits until the log satisfies {@code condition}; returns its text. */
  static String awaitLog(Path log, Predicate<String> condition, Duration timeout) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
      if (condition.test(text)) {
        return text;
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException(
        "Timed out after "
            + timeout
            + " waiting for "
            + log
            + ":\n"
            + (Files.exists(log) ? Files.readString(log) : "(no log)"));
  }

  static Optional<String> tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return Optional.of(
          String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private void stopAll() {
    for (Process daemon : daemons) {
      daemon.descendants().forEach(ProcessHandle::destroyForcibly);
      daemon.destroyForcibly();
    }
  }

  @Override
  public void close() throws InterruptedException {
    stopAll();
    for (Process daemon : daemons) {
      daemon.waitFor();
    }
  }
}
