package com.customervalue.segments;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * An S3-compatible server for the tests: s3proxy (Maven artifact org.gaul:s3proxy, copied to
 * target/s3proxy/ by the build) with its filesystem backend on a temporary directory, on 127.0.0.1
 * and a free port, in a JVM of its own because its libraries clash with Spark's.
 */
public final class S3ProxyServer implements AutoCloseable {
  public static final String BUCKET = "segments";
  private static final String IDENTITY = "test-identity";
  private static final String CREDENTIAL = "test-credential-not-a-secret";

  private final Process process;
  private final int port;
  private final Path directory;

  private S3ProxyServer(Process process, int port, Path directory) {
    this.process = process;
    this.port = port;
    this.directory = directory;
  }

  /** Starts the server with one empty bucket, {@link #BUCKET}, and waits until it listens. */
  public static S3ProxyServer start(Path directory) throws Exception {
    Path jar =
        SparkTestSession.repositoryRoot()
            .resolve("jobs/target/s3proxy/s3proxy.jar")
            .toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " is missing: run mvn test-compile (generate-test-resources)");
    }
    Files.createDirectories(directory.resolve("blobs").resolve(BUCKET));
    int port = freePort();
    Path properties = directory.resolve("s3proxy.properties");
    Files.writeString(
        properties,
        String.join(
            "\n",
            "s3proxy.endpoint=http://127.0.0.1:" + port,
            "s3proxy.authorization=aws-v2-or-v4",
            "s3proxy.identity=" + IDENTITY,
            "s3proxy.credential=" + CREDENTIAL,
            "jclouds.provider=filesystem",
            "jclouds.filesystem.basedir=" + directory.resolve("blobs"),
            ""));
    Path log = directory.resolve("s3proxy.log");
    Process process =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m",
                    "-jar",
                    jar.toString(),
                    "--properties",
                    properties.toString()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    S3ProxyServer server = new S3ProxyServer(process, port, directory);
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (!server.listening()) {
      if (!process.isAlive() || Instant.now().isAfter(deadline)) {
        server.close();
        throw new IllegalStateException("s3proxy did not start: " + Files.readString(log));
      }
      Thread.sleep(200);
    }
    return server;
  }

  /** Points {@code s3a://} of a Hadoop configuration at this server. */
  public void configure(Configuration hadoop) {
    hadoop.set("fs.s3a.endpoint", "http://127.0.0.1:" + port);
    hadoop.set("fs.s3a.endpoint.region", "us-east-1");
    hadoop.set("fs.s3a.path.style.access", "true");
    hadoop.set("fs.s3a.connection.ssl.enabled", "false");
    hadoop.set(
        "fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    hadoop.set("fs.s3a.access.key", IDENTITY);
    hadoop.set("fs.s3a.secret.key", CREDENTIAL);
    hadoop.set("fs.s3a.attempts.maximum", "2");
    hadoop.set("fs.s3a.retry.limit", "2");
  }

  /** The bucket's objects as files of the filesystem backend. */
  public Path bucketDirectory() {
    return directory.resolve("blobs").resolve(BUCKET);
  }

  public int port() {
    return port;
  }

  private boolean listening() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
