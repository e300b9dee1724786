package io.orderrelay.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The one place every Kafka record and every webhook body the tests see goes through: each is checked against the
 * published contract (docs/schemas/*.json, docs/asyncapi.yaml: headers, key), so an event that drifts from it fails
 * the build. The schemas are read from the copies the build puts on the classpath (contracts/schemas/), the same
 * files the application serves.
 */
public final class EventContracts {

    public static final String BASE = "https://order-relay.example/schemas/";
    public static final String ORDER_EVENT = "order-event.v1.json";
    public static final String ORDER_EVENT_WITH_SECRETS = "order-event-with-secrets.v1.json";
    public static final String WEBHOOK_TEST_EVENT = "webhook-test-event.v1.json";
    public static final String KAFKA_CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            b -> b.schemaMappers(m -> m.mapPrefix(BASE, "classpath:contracts/schemas/")));
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true)
            .build();
    private static final Map<String, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();

    private EventContracts() {
    }

    /**
     * A record of the order-transitions topic: key, headers and value as the AsyncAPI document says; the value
     * against order-event.v1.json. Returns the envelope.
     */
    public static JsonNode kafkaRecord(ConsumerRecord<String, byte[]> record) {
        JsonNode envelope = parse(record.value(), "Kafka record at offset " + record.offset());
        require(ORDER_EVENT, envelope, "Kafka record of key " + record.key());
        String where = "Kafka record " + envelope.path("id").asText();
        check(envelope.path("subject").asText().equals(record.key()), where + ": key is not the order id (subject)");
        check(envelope.path("id").asText().equals(header(record, "ce_id")), where + ": ce_id header is not the id");
        check(envelope.path("type").asText().equals(header(record, "ce_type")), where + ": ce_type header is not the type");
        check(KAFKA_CONTENT_TYPE.equals(header(record, "content-type")), where + ": content-type header is "
                + header(record, "content-type"));
        return envelope;
    }

    /**
     * A webhook request: Standard Webhooks headers and the body against the schema its type and dataschema name
     * (order-event, its include_secrets variant, or webhook.test). Returns the body as JSON.
     */
    public static JsonNode webhook(String webhookId, String timestamp, String signature, String contentType, byte[] body) {
        JsonNode envelope = parse(body, "webhook " + webhookId);
        String where = "webhook " + webhookId;
        check(envelope.path("id").asText().equals(webhookId), where + ": webhook-id is not the event id");
        check(timestamp != null && timestamp.matches("[0-9]+"), where + ": webhook-timestamp " + timestamp);
        check(signature != null && signature.matches("v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*"),
                where + ": webhook-signature " + signature);
        check("application/json".equals(contentType), where + ": content-type " + contentType);
        require(webhookSchema(envelope), envelope, where);
        return envelope;
    }

    /** Which published schema a webhook body must follow: chosen by type and dataschema, as a consumer would. */
    static String webhookSchema(JsonNode envelope) {
        if ("webhook.test".equals(envelope.path("type").asText())) {
            return WEBHOOK_TEST_EVENT;
        }
        return envelope.path("dataschema").asText().endsWith("/order-transition-with-secrets.v1.json")
                ? ORDER_EVENT_WITH_SECRETS : ORDER_EVENT;
    }

    /** What is wrong with this document against this schema (empty when it conforms). */
    public static Set<ValidationMessage> violations(String schemaFile, JsonNode document) {
        return SCHEMAS.computeIfAbsent(schemaFile,
                f -> FACTORY.getSchema(SchemaLocation.of(BASE + f), CONFIG)).validate(document);
    }

    /** Throws AssertionError naming every violation. */
    public static void require(String schemaFile, JsonNode document, String what) {
        Set<ValidationMessage> problems = violations(schemaFile, document);
        if (!problems.isEmpty()) {
            throw new AssertionError(what + " violates " + schemaFile + ": " + problems + "\n" + document);
        }
    }

    public static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Every envelope of these records, each checked. */
    public static List<JsonNode> kafkaRecords(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(EventContracts::kafkaRecord).toList();
    }

    private static JsonNode parse(byte[] bytes, String what) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new AssertionError(what + " is not JSON", e);
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }
}
