package io.orderrelay.outbox;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The background relay off: the test runs relay cycles itself, deterministically. */
public class RelayDisabled implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("relay.outbox.enabled", "false");
    }
}
