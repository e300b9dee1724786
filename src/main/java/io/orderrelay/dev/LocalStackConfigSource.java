package io.orderrelay.dev;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

/** A low-ordinal config source whose values start the local services on first read. */
final class LocalStackConfigSource implements ConfigSource {

    private final String profile;
    private final Set<String> names = new HashSet<>();

    LocalStackConfigSource(String profile, boolean database, boolean kafka) {
        this.profile = profile;
        if (database) {
            names.addAll(Set.of(LocalStackConfigSourceFactory.DATASOURCE_URL,
                    "quarkus.datasource.username", "quarkus.datasource.password"));
        }
        if (kafka) {
            names.add(LocalStackConfigSourceFactory.KAFKA_SERVERS);
        }
    }

    @Override
    public Set<String> getPropertyNames() {
        return names;
    }

    @Override
    public String getValue(String name) {
        if (!names.contains(name)) {
            return null;
        }
        if (name.equals(LocalStackConfigSourceFactory.KAFKA_SERVERS)) {
            return LocalStack.kafka(profile);
        }
        Map<String, String> db = LocalStack.postgres(profile);
        return switch (name) {
            case LocalStackConfigSourceFactory.DATASOURCE_URL -> db.get("url");
            case "quarkus.datasource.username" -> db.get("username");
            default -> db.get("password");
        };
    }

    @Override
    public int getOrdinal() {
        return 10;
    }

    @Override
    public String getName() {
        return "order-relay local stack (" + profile + ")";
    }
}
