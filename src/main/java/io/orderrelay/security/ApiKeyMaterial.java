package io.orderrelay.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Generating and hashing API keys.
 *
 * <p>Why SHA-256 and not bcrypt/argon2: slow, salted password hashes protect low-entropy secrets chosen by
 * people against guessing after a database leak. Our keys are 256 bits from a CSPRNG: nobody can guess one, with
 * or without the hash, so slowness buys nothing, while it would cost every request tens of milliseconds. An
 * unsalted fast hash also lets a request find its key by an indexed equality lookup.
 */
final class ApiKeyMaterial {

    static final String PREFIX = "ork_";
    /** "ork_" + 8 characters (48 of the 256 bits): enough to tell keys apart in a list, useless to an attacker. */
    static final int DISPLAY_PREFIX_LENGTH = PREFIX.length() + 8;

    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeyMaterial() {
    }

    static String newKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String displayPrefix(String key) {
        return key.substring(0, Math.min(DISPLAY_PREFIX_LENGTH, key.length()));
    }

    static String hash(String key) {
        return HexFormat.of().formatHex(sha256(key.getBytes(StandardCharsets.UTF_8)));
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** Compares two keys in time independent of where they differ (hashing first equalises lengths). */
    static boolean sameKey(String a, String b) {
        return MessageDigest.isEqual(sha256(a.getBytes(StandardCharsets.UTF_8)),
                sha256(b.getBytes(StandardCharsets.UTF_8)));
    }
}
