package io.orderrelay.console;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The packaged application (prod launch mode) serves /console with its Content-Security-Policy. Nothing behind it
 * is needed to serve the page shells: the database, broker and upstream addresses point nowhere.
 */
class ConsoleProdIT {

    static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    @Test
    void theProdJarServesTheConsoleWithItsPolicy() throws Exception {
        assumeTrue(Files.exists(JAR), "run through `./mvnw verify`: the packaged application is not built");
        int port = freePort();
        Path log = Files.createTempFile("console-prod", ".log");
        ProcessBuilder builder = new ProcessBuilder(javaBinary(), "-Xmx256m", "-jar", JAR.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.putAll(Map.of(
                "QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://127.0.0.1:1/none",
                "QUARKUS_FLYWAY_MIGRATE_AT_START", "false",
                "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1",
                "RELAY_UPSTREAM_URL", "http://127.0.0.1:1",
                "RELAY_UPSTREAM_PARTNER_ID", "nobody",
                "RELAY_BOOTSTRAP_ADMIN_KEY", random(),
                "RELAY_SECRETS_KEY", Base64.getEncoder().encodeToString(bytes()),
                "QUARKUS_HTTP_PORT", Integer.toString(port)));
        Process app = builder.start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpResponse<String> page = await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions().until(() -> {
                        assertTrue(app.isAlive(), () -> "the application stopped:\n" + tail(log));
                        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/console")).build(),
                                HttpResponse.BodyHandlers.ofString());
                    }, r -> r.statusCode() == 200);
            assertTrue(page.body().contains("/console/static/sign-in.js"), page.body());
            String policy = page.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(policy.contains("script-src 'self';") && policy.contains("object-src 'none'")
                    && policy.contains("frame-ancestors 'none'"), policy);
            HttpResponse<String> module = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/console/static/api.js")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, module.statusCode());
            assertEquals(policy, module.headers().firstValue("Content-Security-Policy").orElse(""));
        } finally {
            app.destroy();
            if (!app.waitFor(30, TimeUnit.SECONDS)) {
                app.destroyForcibly();
            }
            Files.deleteIfExists(log);
        }
    }

    /** Strong keys made for this run: the prod build refuses weak ones. */
    private static byte[] bytes() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static String random() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static String tail(Path log) {
        try {
            String output = Files.readString(log, StandardCharsets.UTF_8);
            return output.length() <= 4000 ? output : output.substring(output.length() - 4000);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
