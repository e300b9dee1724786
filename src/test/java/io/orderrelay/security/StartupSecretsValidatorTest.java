package io.orderrelay.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import io.quarkus.runtime.LaunchMode;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The prod start refuses weak or placeholder keys (plain JUnit: the rules, and that only prod enforces them). */
class StartupSecretsValidatorTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    static String randomSecretsKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** What the docs tell operators to use: openssl rand -base64 32. */
    static String randomAdminKey() {
        return randomSecretsKey();
    }

    static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    @RepeatedTest(20)
    void randomKeysAsDocumentedAreAccepted() {
        assertEquals(List.of(), StartupSecretsValidator.problems(randomAdminKey(), randomSecretsKey()));
        // openssl rand -hex 16 (32 hex characters) is fine too
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        assertEquals(List.of(), StartupSecretsValidator.problems(java.util.HexFormat.of().formatHex(bytes), randomSecretsKey()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"change-me", "dev-admin-key-change-me", "test-admin-key", "admin", "",
            // long enough, but placeholders or not random
            "change-me-change-me-change-me-change-me", "CHANGEME0123456789abcdefghijklmnopqrstuvwxyz",
            "replace-me-with-a-long-random-value-please", "this-is-a-placeholder-admin-key-for-prod",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "abababababababababababababababab",
            "dev-admin-key-change-me-dev-admin-key-change-me", "test-admin-key-test-admin-key-test-admin-key",
            "my-secret-password-for-the-order-relay-admin"})
    void weakBootstrapAdminKeysAreRefused(String weak) {
        List<String> problems = StartupSecretsValidator.problems(weak, randomSecretsKey());
        assertEquals(1, problems.size(), weak + ": " + problems);
        assertTrue(problems.get(0).startsWith("RELAY_BOOTSTRAP_ADMIN_KEY "), problems.get(0));
        if (!weak.isEmpty()) {
            assertFalse(problems.get(0).contains(weak), "a problem must not quote the key: " + problems.get(0));
        }
    }

    @Test
    void weakSecretsKeysAreRefused() {
        byte[] zeros = new byte[32];
        byte[] same = new byte[32];
        Arrays.fill(same, (byte) 0x5a);
        byte[] pattern = new byte[32];
        for (int i = 0; i < 32; i++) {
            pattern[i] = (byte) (i % 4 * 61);
        }
        byte[] halves = new byte[32];
        byte[] half = new byte[16];
        RANDOM.nextBytes(half);
        System.arraycopy(half, 0, halves, 0, 16);
        System.arraycopy(half, 0, halves, 16, 16);
        byte[] text = "my-super-secret-key-for-prod-32b".getBytes(StandardCharsets.US_ASCII);
        byte[] short16 = new byte[16];
        RANDOM.nextBytes(short16);
        byte[] long48 = new byte[48];
        RANDOM.nextBytes(long48);
        for (String weak : List.of(
                // the %dev/%test key of application.properties
                "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
                base64(zeros), base64(same), base64(pattern), base64(halves), base64(text), base64(short16),
                base64(long48), "change-me", "not base64 at all!", "")) {
            List<String> problems = StartupSecretsValidator.problems(randomAdminKey(), weak);
            assertEquals(1, problems.size(), weak + ": " + problems);
            assertTrue(problems.get(0).startsWith("RELAY_SECRETS_KEY "), problems.get(0));
            if (!weak.isEmpty()) {
                assertFalse(problems.get(0).contains(weak), "a problem must not quote the key: " + problems.get(0));
            }
        }
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        List<String> problems = StartupSecretsValidator.problems("change-me", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
        assertEquals(2, problems.size(), problems.toString());
    }

    @Test
    void onlyTheProdLaunchModeEnforcesTheRules() {
        assertTrue(StartupSecretsValidator.enforced(LaunchMode.NORMAL));
        assertFalse(StartupSecretsValidator.enforced(LaunchMode.DEVELOPMENT));
        assertFalse(StartupSecretsValidator.enforced(LaunchMode.TEST));
    }

    @Test
    void theProdStartFailsWithAMessageNamingTheVariablesButNotTheValues() {
        var validator = new StartupSecretsValidator();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> validator.validate(LaunchMode.NORMAL,
                "dev-admin-key-change-me", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="));
        assertTrue(e.getMessage().contains("RELAY_BOOTSTRAP_ADMIN_KEY"), e.getMessage());
        assertTrue(e.getMessage().contains("RELAY_SECRETS_KEY"), e.getMessage());
        assertFalse(e.getMessage().contains("dev-admin-key-change-me"), e.getMessage());
        assertFalse(e.getMessage().contains("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="), e.getMessage());
        // dev and test run with the well-known keys of application.properties on purpose
        validator.validate(LaunchMode.TEST, "test-admin-key", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
        validator.validate(LaunchMode.DEVELOPMENT, "dev-admin-key-change-me", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
        validator.validate(LaunchMode.NORMAL, randomAdminKey(), randomSecretsKey());
    }
}
