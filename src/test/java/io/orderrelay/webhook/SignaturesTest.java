package io.orderrelay.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

class SignaturesTest {

    /** The example of the Standard Webhooks reference libraries (svix). */
    @Test
    void signsTheStandardWebhooksReferenceExample() {
        byte[] payload = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
        assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", Signatures.header(
                List.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, payload));
    }

    @Test
    void oneSpaceSeparatedSignaturePerSecretEachVerifying() {
        String a = Signatures.newSecret();
        String b = Signatures.newSecret();
        byte[] body = "{\"x\":1}".getBytes(StandardCharsets.UTF_8);
        long now = System.currentTimeMillis() / 1000;
        String header = Signatures.header(List.of(a, b), "evt", now, body);
        assertEquals(2, header.split(" ").length);
        new StandardWebhooksVerifier(a).verify("evt", Long.toString(now), header, body);
        new StandardWebhooksVerifier(b).verify("evt", Long.toString(now), header, body);
    }

    @Test
    void secretsAreWhsecAndBase64Of32RandomBytes() {
        String secret = Signatures.newSecret();
        assertTrue(secret.startsWith("whsec_"));
        assertEquals(32, Base64.getDecoder().decode(secret.substring(6)).length);
        assertTrue(!secret.equals(Signatures.newSecret()));
    }
}
