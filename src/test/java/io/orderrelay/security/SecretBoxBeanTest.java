package io.orderrelay.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import jakarta.inject.Inject;

import io.orderrelay.testing.LogCapture;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SecretBoxBeanTest {

    @Inject
    SecretBox box;

    @Test
    void configuredBeanSealsAndOpensWithoutLoggingTheSecret() {
        String secret = "gift-card-pin-1234-5678-9012";
        try (LogCapture logs = LogCapture.start("io.orderrelay")) {
            String sealed = box.seal(secret);
            assertFalse(sealed.contains(secret));
            assertEquals(secret, box.open(sealed));
            logs.assertNoneContains(secret, sealed);
        }
    }
}
