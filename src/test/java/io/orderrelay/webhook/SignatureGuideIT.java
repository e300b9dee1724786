package io.orderrelay.webhook;

import static io.orderrelay.webhook.WebhookFixtures.endpoint;
import static io.orderrelay.webhook.WebhookFixtures.partner;
import static io.orderrelay.webhook.WebhookFixtures.placeOrder;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The receiver checks of docs/consumers.md (Java and Node) accept a delivery the relay really sent and refuse it
 * tampered with; the Java one is the code of {@link GuideSignatureCheck}, the Node one is run from the document.
 */
@QuarkusTest
class SignatureGuideIT {

    private static final Path GUIDE = Path.of("docs/consumers.md");

    private Receiver receiver;
    private String secret;
    private Receiver.Received delivery;

    @BeforeEach
    void receiveARealDelivery() {
        receiver = new Receiver();
        String partner = partner();
        JsonPath ep = endpoint(partner, receiver.url("/guide"), "");
        secret = ep.getString("secret");
        placeOrder(partner);
        await().atMost(Duration.ofSeconds(30)).until(() -> !receiver.requests().isEmpty());
        delivery = receiver.requests().get(0);
    }

    @AfterEach
    void close() {
        receiver.close();
    }

    @Test
    void theJavaCheckAcceptsTheDeliveryAndRefusesItTampered() throws Exception {
        assertTrue(GuideSignatureCheck.verify(secret, delivery.id(), delivery.timestamp(), delivery.signature(),
                delivery.body()));
        assertFalse(GuideSignatureCheck.verify(secret, delivery.id(), delivery.timestamp(), delivery.signature(),
                tampered(delivery.body())));
        assertFalse(GuideSignatureCheck.verify(Signatures.newSecret(), delivery.id(), delivery.timestamp(),
                delivery.signature(), delivery.body()));
        assertFalse(GuideSignatureCheck.verify(secret, delivery.id(), "1000000000", delivery.signature(), delivery.body()));
    }

    @Test
    void theGuideShowsTheJavaCheckVerbatim() throws Exception {
        String code = between(Files.readString(Path.of("src/test/java/io/orderrelay/webhook/GuideSignatureCheck.java")));
        String guide = Files.readString(GUIDE);
        assertTrue(guide.contains(code.stripIndent().strip()), "docs/consumers.md must show GuideSignatureCheck.verify as it is");
    }

    @Test
    void theNodeCheckOfTheGuideAcceptsTheDeliveryAndRefusesItTampered() throws Exception {
        assumeTrue(nodeAvailable(), "node is not installed: the Node check of docs/consumers.md is not run");
        Matcher js = Pattern.compile("```js\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(GUIDE));
        assertTrue(js.find(), "docs/consumers.md has a ```js block");
        Path dir = Files.createTempDirectory("guide-node");
        Files.writeString(dir.resolve("verify.js"), js.group(1));
        Files.writeString(dir.resolve("run.js"), """
                const { verify } = require('./verify.js');
                const input = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
                console.log(verify(input.secret, input.id, input.timestamp, input.signature,
                    Buffer.from(input.body, 'base64')) ? 'valid' : 'invalid');
                """);

        assertEquals("valid", node(dir, delivery.body()));
        assertEquals("invalid", node(dir, tampered(delivery.body())));
    }

    private String node(Path dir, byte[] body) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("node", dir.resolve("run.js").toString()).redirectErrorStream(true).start();
        p.getOutputStream().write(new ObjectMapper().writeValueAsBytes(java.util.Map.of("secret", secret,
                "id", delivery.id(), "timestamp", delivery.timestamp(), "signature", delivery.signature(),
                "body", Base64.getEncoder().encodeToString(body))));
        p.getOutputStream().close();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "node did not finish");
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    private static byte[] tampered(byte[] body) {
        byte[] copy = Arrays.copyOf(body, body.length);
        int at = new String(body, StandardCharsets.UTF_8).indexOf("\"sequence\":1") + "\"sequence\":".length();
        copy[at] = '9';
        return copy;
    }

    private static String between(String source) {
        List<String> lines = source.lines().toList();
        int from = lines.indexOf("    // guide:begin");
        int to = lines.indexOf("    // guide:end");
        return String.join("\n", lines.subList(from + 1, to));
    }

    private static boolean nodeAvailable() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
