package io.orderrelay.dev;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;

import org.jboss.logging.Logger;

/**
 * Starts (once per JVM and profile) the PostgreSQL and Kafka that dev mode and the tests use.
 *
 * <p>Started services are remembered in system properties, not static fields: dev-mode live reload
 * builds new class loaders, and the services must survive it.
 */
final class LocalStack {

    private static final Logger LOG = Logger.getLogger(LocalStack.class);
    private static final String PREFIX = "order-relay.local-stack.";

    private LocalStack() {
    }

    /** True when the provided-scope embedded services are on the class path (never in prod). */
    static boolean available() {
        try {
            Class.forName("io.zonky.test.db.postgres.embedded.EmbeddedPostgres", false, LocalStack.class.getClassLoader());
            Class.forName("org.apache.kafka.common.test.KafkaClusterTestKit", false, LocalStack.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    static synchronized Map<String, String> postgres(String profile) {
        String key = PREFIX + profile + ".jdbc-url";
        String url = System.getProperty(key);
        if (url == null) {
            url = startPostgres(profile);
            System.setProperty(key, url);
        }
        return Map.of("url", url, "username", "postgres", "password", "");
    }

    static synchronized String kafka(String profile) {
        String key = PREFIX + profile + ".kafka";
        String servers = System.getProperty(key);
        if (servers == null) {
            servers = EmbeddedKafka.start(profile);
            System.setProperty(key, servers);
        }
        return servers;
    }

    /** Database name per profile (and per checkout via ORDER_RELAY_DB_SUFFIX), so dev and test rows never mix. */
    private static String databaseName(String profile) {
        String suffix = System.getenv().getOrDefault("ORDER_RELAY_DB_SUFFIX", "");
        return ("order_relay_" + profile + suffix).replaceAll("[^a-zA-Z0-9_]", "_").toLowerCase();
    }

    private static String startPostgres(String profile) {
        String database = databaseName(profile);
        String host = "127.0.0.1";
        int port = 5432;
        if (!reachable(host, port)) {
            port = EmbeddedPostgresServer.start(profile);
            LOG.infof("No PostgreSQL at 127.0.0.1:5432: started an embedded one on port %d", port);
        }
        createDatabaseIfMissing(host, port, database);
        String url = "jdbc:postgresql://" + host + ":" + port + "/" + database;
        LOG.infof("%s profile uses PostgreSQL database %s at %s:%d", profile, database, host, port);
        return url;
    }

    private static boolean reachable(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void createDatabaseIfMissing(String host, int port, String database) {
        String admin = "jdbc:postgresql://" + host + ":" + port + "/postgres";
        try (Connection c = DriverManager.getConnection(admin, "postgres", "");
             var exists = c.prepareStatement("select 1 from pg_database where datname = ?")) {
            exists.setString(1, database);
            if (!exists.executeQuery().next()) {
                try (var create = c.createStatement()) {
                    create.execute("create database " + database);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot prepare local database " + database + ": " + e.getMessage(), e);
        }
    }

    static Path workDirectory(String name) {
        try {
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "order-relay", name);
            Files.createDirectories(dir);
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
