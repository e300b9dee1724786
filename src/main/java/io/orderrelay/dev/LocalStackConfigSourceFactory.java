package io.orderrelay.dev;

import java.util.List;
import java.util.OptionalInt;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Supplies PostgreSQL and Kafka to the dev and test profiles when nothing real is configured.
 *
 * <p>The embedded services are {@code provided}-scope dependencies: present for {@code quarkus:dev}
 * and the tests, absent from the packaged application. In prod this factory contributes nothing,
 * so a missing datasource or broker fails the start.
 */
public class LocalStackConfigSourceFactory implements ConfigSourceFactory {

    static final String DATASOURCE_URL = "quarkus.datasource.jdbc.url";
    static final String KAFKA_SERVERS = "kafka.bootstrap.servers";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        List<String> profiles = context.getProfiles();
        String profile = profiles.contains("test") ? "test" : profiles.contains("dev") ? "dev" : null;
        if (profile == null || !LocalStack.available()) {
            return List.of();
        }
        boolean needsDatabase = !configured(context, DATASOURCE_URL);
        boolean needsKafka = !configured(context, KAFKA_SERVERS);
        if (!needsDatabase && !needsKafka) {
            return List.of();
        }
        return List.of(new LocalStackConfigSource(profile, needsDatabase, needsKafka));
    }

    private static boolean configured(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        return value != null && value.getValue() != null && !value.getValue().isBlank();
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(50);
    }
}
