package io.orderrelay.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * The transition event envelope of docs/events.md as a JSON Schema (src/test/resources/schema): the same required
 * fields wherever the envelope is served (Kafka, webhooks, /v1/orders/{id}/events).
 */
public final class OrderEventSchema {

    private static final JsonSchema SCHEMA = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(OrderEventSchema.class.getResourceAsStream("/schema/order-event.schema.json"),
                    SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());

    private OrderEventSchema() {
    }

    public static void assertValid(JsonNode envelope) {
        Set<ValidationMessage> problems = SCHEMA.validate(envelope);
        assertTrue(problems.isEmpty(), () -> "envelope " + envelope + " violates the schema: " + problems);
    }
}
