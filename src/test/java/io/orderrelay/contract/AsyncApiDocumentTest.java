package io.orderrelay.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import io.orderrelay.webhook.EventTypes;
import org.junit.jupiter.api.Test;

/**
 * docs/asyncapi.yaml against the official AsyncAPI 3.0.0 JSON Schema (vendored from @asyncapi/specs, see
 * src/test/resources/asyncapi/README.md), and the schemas of docs/schemas against the JSON Schema 2020-12
 * meta-schema; plus what the JSON Schema cannot see: every $ref resolves, every event type has its message.
 */
class AsyncApiDocumentTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theAsyncApiDocumentIsValidAsyncApi300() throws Exception {
        JsonNode document = YAML.readTree(Path.of("docs/asyncapi.yaml").toFile());
        try (InputStream spec = getClass().getResourceAsStream("/asyncapi/asyncapi-3.0.0.schema.json")) {
            var schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(spec);

            assertEquals(Set.of(), schema.validate(document));
        }
        assertEquals("3.0.0", document.get("asyncapi").asText());
    }

    @Test
    void everySchemaRefResolvesToAFileOfDocsSchemas() throws Exception {
        String text = Files.readString(Path.of("docs/asyncapi.yaml"));
        var refs = java.util.regex.Pattern.compile("\\$ref: '(schemas/[^']+)'").matcher(text);
        int count = 0;
        while (refs.find()) {
            count++;
            assertTrue(Files.isRegularFile(Path.of("docs", refs.group(1))), refs.group(1) + " missing");
        }
        assertTrue(count > 0);
    }

    @Test
    void everySchemaIsValidJsonSchema202012() throws Exception {
        var meta = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(com.networknt.schema.SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"),
                        SchemaValidatorsConfig.builder().build());
        try (var files = Files.list(Path.of("docs/schemas"))) {
            for (Path file : files.toList()) {
                JsonNode schema = JSON.readTree(file.toFile());
                assertEquals(Set.of(), meta.validate(schema), file.toString());
                assertEquals("https://order-relay.example/schemas/" + file.getFileName(), schema.get("$id").asText(),
                        file + ": $id must end with the file name (the app serves it there)");
            }
        }
    }

    @Test
    void everyKnownEventTypeHasItsMessageOnBothChannels() throws Exception {
        JsonNode document = YAML.readTree(Path.of("docs/asyncapi.yaml").toFile());
        Set<String> kafka = new TreeSet<>();
        Set<String> webhook = new TreeSet<>();
        document.at("/components/messages").properties().forEach(m -> {
            String name = m.getValue().path("name").asText();
            (m.getKey().startsWith("kafka") ? kafka : webhook).add(name);
        });
        for (String type : EventTypes.KNOWN) {
            assertTrue(webhook.contains(type) || type.equals("order.*") && webhook.contains("order.*"), type + " (webhooks)");
            if (!type.equals(EventTypes.TEST)) {
                assertTrue(kafka.contains(type), type + " (Kafka)");
            }
        }
    }
}
