package io.orderrelay.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The packaged application (prod launch mode, what deploy/k8s runs) refuses to start with the placeholder keys.
 * Runs target/quarkus-app/quarkus-run.jar, which failsafe finds built by the package phase. No database or broker
 * is needed: the keys are judged before anything connects (Flyway is switched off here so that the absent database
 * cannot be what stops the start).
 */
class ProdStartupIT {

    static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    static final String WEAK_ADMIN_KEY = "dev-admin-key-change-me";
    static final String DEV_SECRETS_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

    @Test
    void theProdBuildRefusesToStartWithPlaceholderKeysAndSaysWhichWithoutQuotingThem() throws Exception {
        assumeTrue(Files.exists(JAR), "run through `./mvnw verify`: the packaged application is not built");
        Path log = Files.createTempFile("prod-start", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(javaBinary(), "-Xmx256m", "-jar", JAR.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            Map<String, String> env = builder.environment();
            env.clear();
            env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
            env.putAll(Map.of(
                    "QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://127.0.0.1:1/none",
                    "QUARKUS_DATASOURCE_USERNAME", "nobody",
                    "QUARKUS_DATASOURCE_PASSWORD", "nothing",
                    "QUARKUS_FLYWAY_MIGRATE_AT_START", "false",
                    "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1",
                    "RELAY_UPSTREAM_URL", "http://127.0.0.1:1",
                    "RELAY_UPSTREAM_PARTNER_ID", "nobody",
                    "RELAY_BOOTSTRAP_ADMIN_KEY", WEAK_ADMIN_KEY,
                    "RELAY_SECRETS_KEY", DEV_SECRETS_KEY,
                    "QUARKUS_HTTP_PORT", "0"));
            Process app = builder.start();
            boolean exited = app.waitFor(180, TimeUnit.SECONDS);
            if (!exited) {
                app.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(exited, "the application started with placeholder keys and kept running:\n" + tail(output));
            assertNotEquals(0, app.exitValue(), tail(output));
            assertTrue(output.contains("refuses to start with weak keys"), tail(output));
            assertTrue(output.contains("RELAY_BOOTSTRAP_ADMIN_KEY is shorter than 32 characters"), tail(output));
            assertTrue(output.contains("RELAY_SECRETS_KEY is the public dev/test key"), tail(output));
            assertFalse(output.contains(WEAK_ADMIN_KEY), "the admin key was printed");
            assertFalse(output.contains(DEV_SECRETS_KEY), "the secrets key was printed");
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static String tail(String output) throws IOException {
        return output.length() <= 4000 ? output : output.substring(output.length() - 4000);
    }
}
