package org.scoresde.testing;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real S3-compatible server for tests of s3a: URIs: S3Proxy (jclouds' in-memory "transient"
 * blobstore, AWS signature v2/v4 checked against one access key) in a JVM of its own, from the
 * jar-with-dependencies Maven copies to target/s3proxy/s3proxy.jar (system property {@code s3proxy.jar}),
 * so that its Jetty 11, jclouds and Guava stay out of the test class path.
 */
public final class S3Proxy implements AutoCloseable {
  public static final String ACCESS_KEY = "score-sde-test";
  public static final String SECRET_KEY = "score-sde-test-secret";
  private final Process process;
  private final String endpoint;

  private S3Proxy(Process process, String endpoint) {
    this.process = process;
    this.endpoint = endpoint;
  }

  /** Starts the server on a free local port, with its log in {@code dir/s3proxy.log}; waits until it answers. */
  public static S3Proxy start(Path dir) throws IOException, InterruptedException {
    Path jar = Path.of(System.getProperty("s3proxy.jar", "target/s3proxy/s3proxy.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: Maven copies it in process-test-resources (run the test through mvn)");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String endpoint = "http://127.0.0.1:" + port;
    Path properties = dir.resolve("s3proxy.properties");
    Files.writeString(properties, String.join("\n", List.of(
        "s3proxy.endpoint=" + endpoint,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + ACCESS_KEY,
        "s3proxy.credential=" + SECRET_KEY,
        "jclouds.provider=transient",
        "jclouds.identity=unused",
        "jclouds.credential=unused")) + "\n");
    Path log = dir.resolve("s3proxy.log");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-jar", jar.toString(), "--properties", properties.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    S3Proxy proxy = new S3Proxy(p, endpoint);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!proxy.answers()) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        proxy.close();
        throw new IllegalStateException("S3Proxy did not start on " + endpoint + ":\n" + Files.readString(log));
      }
      Thread.sleep(200);
    }
    return proxy;
  }

  private boolean answers() {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(endpoint + "/").toURL().openConnection();
      c.setConnectTimeout(500);
      c.setReadTimeout(2000);
      int code = c.getResponseCode(); // 403: an anonymous request, refused by a running server
      c.disconnect();
      return code > 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** http://127.0.0.1:PORT */
  public String endpoint() {
    return endpoint;
  }

  /** Creates a bucket (S3A reads and writes buckets, it does not create them). */
  public void createBucket(String bucket) {
    AmazonS3 s3 = AmazonS3ClientBuilder.standard()
        .withEndpointConfiguration(new AwsClientBuilder.EndpointConfiguration(endpoint, "us-east-1"))
        .withPathStyleAccessEnabled(true)
        .withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials(ACCESS_KEY, SECRET_KEY)))
        .build();
    try {
      s3.createBucket(bucket);
    } finally {
      s3.shutdown();
    }
  }

  /**
   * The Hadoop settings a user gives S3A for this server (endpoint, path-style requests, plain HTTP,
   * the access key), without Spark's {@code spark.hadoop.} prefix.
   */
  public Map<String, String> s3aSettings() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("fs.s3a.endpoint", endpoint);
    m.put("fs.s3a.endpoint.region", "us-east-1");
    m.put("fs.s3a.path.style.access", "true");
    m.put("fs.s3a.connection.ssl.enabled", "false");
    m.put("fs.s3a.access.key", ACCESS_KEY);
    m.put("fs.s3a.secret.key", SECRET_KEY);
    return m;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
