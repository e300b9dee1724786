package io.orderrelay.webhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An independent Standard Webhooks verifier, written from the specification (not from the production signer):
 * the signed content is {@code msg_id.timestamp.payload}; the key is the base64 part after {@code whsec_}; the
 * header holds space-delimited {@code v1,<base64>} signatures, any one of which may match.
 */
final class StandardWebhooksVerifier {

    private static final long TOLERANCE_SECONDS = 300;

    private final byte[] key;

    StandardWebhooksVerifier(String secret) {
        if (!secret.startsWith("whsec_")) {
            throw new IllegalArgumentException("not a Standard Webhooks secret");
        }
        this.key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
    }

    /** Throws unless the headers carry a valid, fresh signature of {@code payload} under this secret. */
    void verify(String msgId, String timestamp, String signatureHeader, byte[] payload) {
        if (msgId == null || timestamp == null || signatureHeader == null) {
            throw new AssertionError("missing webhook-id, webhook-timestamp or webhook-signature");
        }
        long ts = Long.parseLong(timestamp);
        long now = System.currentTimeMillis() / 1000;
        if (Math.abs(now - ts) > TOLERANCE_SECONDS) {
            throw new AssertionError("timestamp outside tolerance: " + ts);
        }
        byte[] expected = hmac(msgId + "." + timestamp + "." + new String(payload, StandardCharsets.UTF_8));
        for (String part : signatureHeader.split(" ")) {
            String[] versioned = part.split(",", 2);
            if (versioned.length == 2 && versioned[0].equals("v1")
                    && MessageDigest.isEqual(expected, Base64.getDecoder().decode(versioned[1]))) {
                return;
            }
        }
        throw new AssertionError("no signature matches");
    }

    boolean verifies(String msgId, String timestamp, String signatureHeader, byte[] payload) {
        try {
            verify(msgId, timestamp, signatureHeader, payload);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }

    private byte[] hmac(String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
