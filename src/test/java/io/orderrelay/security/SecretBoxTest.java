package io.orderrelay.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Plain unit test: SecretBox needs no container. */
class SecretBoxTest {

    private static final String PLAINTEXT = "whsec_c2VjcmV0LXNpZ25pbmcta2V5LW9mLWFjbWU=";

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    @Test
    void sealedValueOpensToThePlaintext() {
        SecretBox box = new SecretBox(randomKey(), List.of());
        assertEquals(PLAINTEXT, box.open(box.seal(PLAINTEXT)));
        assertEquals("", box.open(box.seal("")));
        byte[] bytes = {0, 1, 2, (byte) 255};
        assertArrayEquals(bytes, box.openBytes(box.seal(bytes)));
    }

    @Test
    void sealedValueHasTheVersionedFormatAndNoTraceOfThePlaintext() {
        SecretBox box = new SecretBox(randomKey(), List.of());
        String sealed = box.seal(PLAINTEXT);
        String[] parts = sealed.split("\\.");
        assertEquals(3, parts.length);
        assertEquals("v1", parts[0]);
        assertEquals(box.currentKeyId(), parts[1]);
        assertEquals(8, parts[1].length());
        // nonce (12) + ciphertext (same length as the plaintext) + tag (16)
        assertEquals(12 + PLAINTEXT.length() + 16, Base64.getUrlDecoder().decode(parts[2]).length);
        assertFalse(sealed.contains(PLAINTEXT));
        assertFalse(sealed.contains("c2VjcmV0"));
        assertFalse(sealed.contains(Base64.getUrlEncoder().withoutPadding()
                .encodeToString(PLAINTEXT.getBytes(StandardCharsets.UTF_8)).substring(0, 16)));
    }

    @Test
    void sameValueSealsDifferentlyEachTime() {
        SecretBox box = new SecretBox(randomKey(), List.of());
        assertNotEquals(box.seal(PLAINTEXT), box.seal(PLAINTEXT));
    }

    @Test
    void alteredCiphertextIsDetected() {
        SecretBox box = new SecretBox(randomKey(), List.of());
        String sealed = box.seal(PLAINTEXT);
        byte[] body = Base64.getUrlDecoder().decode(sealed.split("\\.")[2]);
        for (int position : new int[] {0, 12, body.length - 1}) {
            byte[] altered = body.clone();
            altered[position] ^= 1;
            String tampered = "v1." + box.currentKeyId() + "."
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(altered);
            SecretBoxException e = assertThrows(SecretBoxException.class, () -> box.open(tampered));
            assertTrue(e.getMessage().contains("authentication"));
        }
        assertThrows(SecretBoxException.class, () -> box.open(sealed.substring(0, sealed.length() - 4)));
        assertThrows(SecretBoxException.class, () -> box.open("v2" + sealed.substring(2)));
        assertThrows(SecretBoxException.class, () -> box.open("not sealed at all"));
        assertThrows(SecretBoxException.class, () -> box.open(sealed + "!"));
    }

    @Test
    void valueSealedUnderAnotherKeyIsRefused() {
        SecretBox mine = new SecretBox(randomKey(), List.of());
        SecretBox other = new SecretBox(randomKey(), List.of());
        SecretBoxException unknownKey = assertThrows(SecretBoxException.class, () -> mine.open(other.seal(PLAINTEXT)));
        assertTrue(unknownKey.getMessage().contains("RELAY_SECRETS_OLD_KEYS"));
        // relabelled with my key id: the tag check still fails
        String relabelled = other.seal(PLAINTEXT).replace(other.currentKeyId(), mine.currentKeyId());
        assertThrows(SecretBoxException.class, () -> mine.open(relabelled));
    }

    @Test
    void rotatedBoxOpensOldValuesAndSealsUnderTheNewKey() {
        String oldKey = randomKey();
        String newKey = randomKey();
        SecretBox before = new SecretBox(oldKey, List.of());
        String sealedBefore = before.seal(PLAINTEXT);

        SecretBox after = new SecretBox(newKey, List.of(oldKey));
        assertEquals(PLAINTEXT, after.open(sealedBefore));
        assertTrue(after.needsResealing(sealedBefore));
        String resealed = after.seal(after.open(sealedBefore));
        assertFalse(after.needsResealing(resealed));
        assertTrue(resealed.startsWith("v1." + after.currentKeyId() + "."));
        assertNotEquals(before.currentKeyId(), after.currentKeyId());
        // the old box cannot read what the new key sealed
        assertThrows(SecretBoxException.class, () -> before.open(resealed));
    }

    @Test
    void badKeysStopTheStartNamingTheVariableNeverTheValue() {
        String notBase64 = "this is not base64 !!";
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new SecretBox(notBase64, List.of()));
        assertTrue(e.getMessage().contains("RELAY_SECRETS_KEY"));
        assertFalse(e.getMessage().contains(notBase64));
        assertEquals(null, e.getCause());

        String sixteenBytes = Base64.getEncoder().encodeToString(new byte[16]);
        e = assertThrows(IllegalStateException.class, () -> new SecretBox(sixteenBytes, List.of()));
        assertTrue(e.getMessage().contains("RELAY_SECRETS_KEY"));
        assertTrue(e.getMessage().contains("16 bytes"));
        assertFalse(e.getMessage().contains(sixteenBytes));

        e = assertThrows(IllegalStateException.class, () -> new SecretBox(" ", List.of()));
        assertTrue(e.getMessage().contains("RELAY_SECRETS_KEY"));

        e = assertThrows(IllegalStateException.class, () -> new SecretBox(randomKey(), List.of(sixteenBytes)));
        assertTrue(e.getMessage().contains("RELAY_SECRETS_OLD_KEYS"));
    }
}
