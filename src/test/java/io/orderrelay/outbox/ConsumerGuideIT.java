package io.orderrelay.outbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.orderrelay.config.RelayConfig;
import io.orderrelay.order.TransitionWriter;
import io.orderrelay.support.WireMockUpstream;
import io.orderrelay.support.WireMockUpstream.InjectUpstream;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * docs/consumers.md's claim: the @Incoming consumer {@link GuideConsumer} applies every event of every order exactly
 * once and in sequence order, even when the topic carries every event again (a relay redelivery: same key, bytes,
 * headers), later events before the repeats of earlier ones.
 */
@QuarkusTest
@WithTestResource(WireMockUpstream.class)
class ConsumerGuideIT {

    @InjectUpstream
    WireMockServer upstream;
    @Inject
    TransitionWriter writer;
    @Inject
    ObjectMapper json;
    @Inject
    RelayConfig config;
    @Inject
    GuideConsumer consumer;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void appliesEachEventOnceInSequenceOrderUnderRedelivery() {
        OrderDriver orders = new OrderDriver(upstream);
        List<UUID> ids = IntStream.range(0, 3).mapToObj(i -> orders.placeAndComplete().id()).toList();
        await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream()
                .allMatch(id -> consumer.applied(id.toString()).size() == OrderDriver.LIFECYCLE_TRANSITIONS));
        List<List<String>> before = ids.stream().map(id -> consumer.applied(id.toString())).toList();
        int droppedBefore = consumer.dropped();

        List<ConsumerRecord<String, byte[]>> originals;
        try (TopicReader topic = new TopicReader(bootstrap, config.kafka().topic())) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> topic.recordsOf(ids).size() >= ids.size() * OrderDriver.LIFECYCLE_TRANSITIONS);
            originals = topic.recordsOf(ids);
        }
        List<ProducerRecord<String, byte[]>> again = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : originals) {
            again.add(new ProducerRecord<>(r.topic(), null, r.key(), r.value(), r.headers()));
        }
        try (KafkaCompanion companion = new KafkaCompanion(bootstrap)) {
            companion.produceWithSerializers(new StringSerializer(), new ByteArraySerializer())
                    .fromRecords(again).awaitCompletion(Duration.ofSeconds(30));
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> consumer.dropped() - droppedBefore >= again.size());
        for (int i = 0; i < ids.size(); i++) {
            List<String> applied = consumer.applied(ids.get(i).toString());
            assertEquals(before.get(i), applied, "nothing applied twice");
            assertEquals(List.of(1, 2, 3, 4, 5), applied.stream().map(a -> Integer.parseInt(a.split(" ")[0])).toList());
            assertEquals(OrderDriver.LIFECYCLE_TRANSITIONS, applied.stream().map(a -> a.split(" ")[1]).distinct().count());
        }
        assertEquals(again.size(), consumer.dropped() - droppedBefore);
        assertEquals(List.of(), consumer.violations());
    }

    @Test
    void theGuideShowsThisConsumersLogicVerbatim() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("src/test/java/io/orderrelay/outbox/GuideConsumer.java"));
        String logic = String.join("\n", lines.subList(lines.indexOf("    // guide:begin") + 1, lines.indexOf("    // guide:end")))
                .stripIndent();
        String dedupe = logic.substring(logic.indexOf("String orderId"), logic.lastIndexOf("});") + 3);
        assertTrue(Files.readString(Path.of("docs/consumers.md")).contains(dedupe),
                "docs/consumers.md must show GuideConsumer's dedupe and order logic as it is");
    }
}
