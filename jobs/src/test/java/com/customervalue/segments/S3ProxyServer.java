package com.customervalue.segments;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An S3-compatible server for the tests: s3proxy (Maven artifact org.gaul:s3proxy, copied to
 * target/s3proxy/ by the build) on 127.0.0.1 and a free port, in a JVM of its own because its
 * libraries clash with Spark's. It keeps objects in memory (jclouds' transient backend), keyed as
 * S3 keys them: its filesystem backends map keys to directories, which S3 does not have, and then
 * either retry deleting a directory marker with back-off for seconds (filesystem) or refuse S3A's
 * renames (filesystem-nio2).
 */
public final class S3ProxyServer implements AutoCloseable {
  public static final String BUCKET = "segments";
  private static final String IDENTITY = "test-identity";
  private static final String CREDENTIAL = "test-credential-not-a-secret";

  private final Process process;
  private final int port;

  private S3ProxyServer(Process process, int port) {
    this.process = process;
    this.port = port;
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
    Files.createDirectories(directory);
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
            "jclouds.provider=transient",
            "jclouds.identity=unused",
            "jclouds.credential=unused",
            ""));
    Path log = directory.resolve("s3proxy.log");
    Process process =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx1g",
                    "-jar",
                    jar.toString(),
                    "--properties",
                    properties.toString()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    S3ProxyServer server = new S3ProxyServer(process, port);
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (!server.listening()) {
      if (!process.isAlive() || Instant.now().isAfter(deadline)) {
        server.close();
        throw new IllegalStateException("s3proxy did not start: " + Files.readString(log));
      }
      Thread.sleep(200);
    }
    try (S3Client client = server.client()) {
      client.createBucket(request -> request.bucket(BUCKET));
    }
    return server;
  }

  /**
   * Points {@code s3a://} of a Hadoop configuration at this server, and drops the bucket's cached
   * file system, which may still point at an earlier test class's server.
   */
  public void configure(Configuration hadoop) throws IOException {
    hadoopSettings().forEach(hadoop::set);
    FileSystem.get(URI.create("s3a://" + BUCKET + "/"), hadoop).close();
  }

  /** The Spark settings of a spark-submit to this server: {@code spark.hadoop.fs.s3a.*}. */
  public Map<String, String> sparkSettings() {
    Map<String, String> settings = new LinkedHashMap<>();
    hadoopSettings().forEach((key, value) -> settings.put("spark.hadoop." + key, value));
    return settings;
  }

  /** The Hadoop settings that point {@code s3a://} at this server. */
  public Map<String, String> hadoopSettings() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("fs.s3a.endpoint", "http://127.0.0.1:" + port);
    settings.put("fs.s3a.endpoint.region", "us-east-1");
    settings.put("fs.s3a.path.style.access", "true");
    settings.put("fs.s3a.connection.ssl.enabled", "false");
    settings.put(
        "fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    settings.put("fs.s3a.access.key", IDENTITY);
    settings.put("fs.s3a.secret.key", CREDENTIAL);
    settings.put("fs.s3a.attempts.maximum", "2");
    settings.put("fs.s3a.retry.limit", "2");
    return settings;
  }

  /** The keys of the bucket's objects under {@code prefix}. */
  public List<String> keys(String prefix) {
    try (S3Client client = client()) {
      return client
          .listObjectsV2Paginator(request -> request.bucket(BUCKET).prefix(prefix))
          .contents()
          .stream()
          .map(S3Object::key)
          .toList();
    }
  }

  private S3Client client() {
    return S3Client.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + port))
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(IDENTITY, CREDENTIAL)))
        .build();
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
