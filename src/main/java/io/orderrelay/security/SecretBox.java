package io.orderrelay.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.orderrelay.config.RelayConfig;
import io.quarkus.runtime.Startup;

/**
 * Encrypts secrets at rest (webhook secrets, redemption data) with AES-256-GCM.
 *
 * <p>Sealed format: {@code v1.<keyId>.<base64url(nonce | ciphertext | tag)>}, with a random 96-bit nonce per value
 * and a 128-bit tag. {@code keyId} is the first 6 bytes of SHA-256 of the key (base64url, 8 characters): it names
 * the key without revealing it, so a value sealed under a former key can still be opened once that key is listed in
 * RELAY_SECRETS_OLD_KEYS. The {@code v1.<keyId>} header is the GCM associated data, so it cannot be altered either.
 *
 * <p>Rotation: set the new key as RELAY_SECRETS_KEY and the old one in RELAY_SECRETS_OLD_KEYS; new values use the
 * new key, old ones still open; {@link SecretReseal} moves the stored values to the new key in the background, and
 * once its metric relay.secrets.reseal.remaining is 0 the old key can be dropped.
 *
 * <p>Why the JDK and not Tink: the format above is fixed by our contract (a raw 32-byte key from the environment,
 * our own key ids), which maps directly onto javax.crypto's AES/GCM in a few lines, with no dependency. What makes
 * GCM dangerous by hand, a repeated nonce or a short tag, is settled here once: fresh SecureRandom nonces (safe far
 * beyond the number of secrets this service will hold, NIST's bound being 2^32 values per key) and the full tag.
 * Tink's extra value, keyset management, would mean a second key format to operate.
 *
 * <p>Validated at startup: a key that is not base64 of 32 bytes stops the start with a message naming the variable,
 * never its value.
 */
@Startup
@ApplicationScoped
public class SecretBox {

    static final String VERSION = "v1";
    /** Length of {@code v1.<keyId>.}: key ids are 6 bytes in base64url, 8 characters. */
    public static final int HEADER_LENGTH = 12;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String currentKeyId;
    /** keyId -> key; the current key first. */
    private final Map<String, SecretKey> keys = new LinkedHashMap<>();

    @Inject
    public SecretBox(RelayConfig config) {
        this(config.secretsKey(), config.secretsOldKeys().orElse(List.of()));
    }

    public SecretBox(String currentKey, List<String> oldKeys) {
        byte[] current = decodeKey(currentKey, "RELAY_SECRETS_KEY");
        currentKeyId = keyId(current);
        keys.put(currentKeyId, new SecretKeySpec(current, "AES"));
        List<String> old = new ArrayList<>(oldKeys);
        for (int i = 0; i < old.size(); i++) {
            if (old.get(i) == null || old.get(i).isBlank()) {
                continue;
            }
            byte[] bytes = decodeKey(old.get(i), "RELAY_SECRETS_OLD_KEYS (entry " + (i + 1) + ")");
            keys.putIfAbsent(keyId(bytes), new SecretKeySpec(bytes, "AES"));
        }
    }

    public String seal(String plaintext) {
        return seal(plaintext.getBytes(StandardCharsets.UTF_8));
    }

    public String open(String sealed) {
        return new String(openBytes(sealed), StandardCharsets.UTF_8);
    }

    public String seal(byte[] plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        String header = VERSION + "." + currentKeyId;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentKeyId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(header.getBytes(StandardCharsets.US_ASCII));
            byte[] sealed = cipher.doFinal(plaintext);
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return header + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /** Opens a sealed value; {@link SecretBoxException} when it is malformed, tampered with, or under an unknown key. */
    public byte[] openBytes(String sealed) {
        if (sealed == null) {
            throw new SecretBoxException("no sealed value");
        }
        String[] parts = sealed.split("\\.", -1);
        if (parts.length != 3 || !VERSION.equals(parts[0])) {
            throw new SecretBoxException("not a sealed value of format " + VERSION);
        }
        SecretKey key = keys.get(parts[1]);
        if (key == null) {
            throw new SecretBoxException("sealed under key id " + parts[1]
                    + ", which is neither RELAY_SECRETS_KEY nor one of RELAY_SECRETS_OLD_KEYS");
        }
        byte[] body;
        try {
            body = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new SecretBoxException("sealed value is not base64url");
        }
        if (body.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new SecretBoxException("sealed value is too short");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, body, 0, NONCE_BYTES));
            cipher.updateAAD((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            return cipher.doFinal(body, NONCE_BYTES, body.length - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new SecretBoxException("sealed value failed authentication (altered, or sealed under another key)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }

    /** True when {@code sealed} is not under the current key: re-seal it ({@code seal(open(v))}) during a rotation. */
    public boolean needsResealing(String sealed) {
        String[] parts = sealed.split("\\.", -1);
        return parts.length != 3 || !VERSION.equals(parts[0]) || !currentKeyId.equals(parts[1]);
    }

    /** The value sealed again under the current key; {@link SecretBoxException} when it cannot be opened. */
    public String reseal(String sealed) {
        return seal(openBytes(sealed));
    }

    /** How every value sealed under the current key starts: {@code v1.<keyId>.} ({@link #HEADER_LENGTH} characters). */
    public String currentHeader() {
        return header(currentKeyId);
    }

    /** The headers of the old keys (RELAY_SECRETS_OLD_KEYS): values starting with one of them can be re-sealed. */
    public List<String> oldHeaders() {
        return keys.keySet().stream().filter(id -> !id.equals(currentKeyId)).map(SecretBox::header).toList();
    }

    private static String header(String keyId) {
        return VERSION + "." + keyId + ".";
    }

    /** The id of the current key, as written in sealed values. */
    public String currentKeyId() {
        return currentKeyId;
    }

    static String keyId(byte[] key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(ApiKeyMaterial.sha256(key), 6));
    }

    private static byte[] decodeKey(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set: it must be base64 of 32 random bytes "
                    + "(e.g. openssl rand -base64 32)");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(value.trim());
        } catch (IllegalArgumentException e) {
            // the exception text may quote the value: do not chain it
            throw new IllegalStateException(name + " is not valid base64: it must be base64 of 32 random bytes "
                    + "(e.g. openssl rand -base64 32)");
        }
        if (bytes.length != 32) {
            throw new IllegalStateException(name + " decodes to " + bytes.length
                    + " bytes: it must be base64 of exactly 32 random bytes (e.g. openssl rand -base64 32)");
        }
        return bytes;
    }
}
