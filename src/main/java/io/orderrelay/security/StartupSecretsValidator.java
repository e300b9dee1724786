package io.orderrelay.security;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.orderrelay.config.RelayConfig;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;

/**
 * The one place that decides whether the keys of a prod start are acceptable: a packaged application (launch mode
 * NORMAL, whatever the profile) refuses to start with a bootstrap admin key that is short or a known placeholder, or a
 * secrets key that is not 32 random bytes. Dev and test run with the well-known keys of application.properties on
 * purpose, so they are not checked there (SecretBox still checks the secrets key's format everywhere).
 *
 * <p>The randomness checks are heuristics that a real random value fails with negligible probability (32 random
 * bytes being all printable ASCII: about 1e-14) and that catch what people actually type: placeholders, passphrases,
 * repeated characters. The problems name the variable, never its value. Old keys (RELAY_SECRETS_OLD_KEYS) are not
 * checked: a weak key that was used must still be listed there until the re-seal has moved every value off it.
 */
@ApplicationScoped
public class StartupSecretsValidator {

    static final int MIN_ADMIN_KEY_LENGTH = 32;
    /**
     * Lower-cased, without separators; a key containing one of these is a placeholder, not a secret. Long enough (5+
     * characters) that a random key contains one by chance with negligible probability.
     */
    static final List<String> PLACEHOLDER_WORDS = List.of("changeme", "replaceme", "placeholder", "example",
            "devadminkey", "testadminkey", "adminkey", "password", "secret");
    /** The %dev/%test secrets key of application.properties: public, so never a prod key. */
    static final String DEV_SECRETS_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    private static final String GENERATE = " (generate one with: openssl rand -base64 32)";

    /** Runs before every other startup observer (SecretBox, the relays, the trackers): nothing starts on weak keys. */
    void onStart(@Observes @Priority(1) StartupEvent event, RelayConfig config) {
        validate(LaunchMode.current(), config.bootstrapAdminKey(), config.secretsKey());
    }

    void validate(LaunchMode mode, String adminKey, String secretsKey) {
        if (!enforced(mode)) {
            return;
        }
        List<String> problems = problems(adminKey, secretsKey);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("order-relay refuses to start with weak keys: " + String.join("; ", problems));
        }
    }

    static boolean enforced(LaunchMode mode) {
        return mode == LaunchMode.NORMAL;
    }

    /** Every problem of the two keys, each naming its variable; empty when both are acceptable. */
    public static List<String> problems(String adminKey, String secretsKey) {
        List<String> problems = new ArrayList<>();
        adminKeyProblem(adminKey).ifPresent(p -> problems.add("RELAY_BOOTSTRAP_ADMIN_KEY " + p));
        secretsKeyProblem(secretsKey).ifPresent(p -> problems.add("RELAY_SECRETS_KEY " + p));
        return problems;
    }

    static Optional<String> adminKeyProblem(String key) {
        if (key == null || key.isBlank()) {
            return Optional.of("is not set" + GENERATE);
        }
        if (key.length() < MIN_ADMIN_KEY_LENGTH) {
            return Optional.of("is shorter than " + MIN_ADMIN_KEY_LENGTH + " characters" + GENERATE);
        }
        String letters = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        for (String word : PLACEHOLDER_WORDS) {
            if (letters.contains(word)) {
                return Optional.of("is a placeholder, not a secret" + GENERATE);
            }
        }
        if (key.chars().distinct().count() < 8) {
            return Optional.of("is not random (too few distinct characters)" + GENERATE);
        }
        return Optional.empty();
    }

    static Optional<String> secretsKeyProblem(String key) {
        if (key == null || key.isBlank()) {
            return Optional.of("is not set: it must be base64 of 32 random bytes" + GENERATE);
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(key.trim());
        } catch (IllegalArgumentException e) {
            return Optional.of("is not valid base64: it must be base64 of 32 random bytes" + GENERATE);
        }
        if (bytes.length != 32) {
            return Optional.of("decodes to " + bytes.length + " bytes: it must be base64 of exactly 32 random bytes"
                    + GENERATE);
        }
        if (key.trim().equals(DEV_SECRETS_KEY)) {
            return Optional.of("is the public dev/test key of application.properties" + GENERATE);
        }
        if (distinct(bytes) < 16 || repeats(bytes)) {
            return Optional.of("is not random (repeated bytes or a repeating pattern)" + GENERATE);
        }
        if (printable(bytes)) {
            return Optional.of("decodes to printable text, a passphrase rather than random bytes" + GENERATE);
        }
        return Optional.empty();
    }

    private static long distinct(byte[] bytes) {
        boolean[] seen = new boolean[256];
        long count = 0;
        for (byte b : bytes) {
            if (!seen[b & 0xff]) {
                seen[b & 0xff] = true;
                count++;
            }
        }
        return count;
    }

    /** A period of at most half the length: the key is a shorter value repeated. */
    private static boolean repeats(byte[] bytes) {
        for (int period = 1; period <= bytes.length / 2; period++) {
            boolean repeated = true;
            for (int i = period; i < bytes.length && repeated; i++) {
                repeated = bytes[i] == bytes[i - period];
            }
            if (repeated) {
                return true;
            }
        }
        return false;
    }

    private static boolean printable(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0x20 || b > 0x7e) {
                return false;
            }
        }
        return true;
    }
}
