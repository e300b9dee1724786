package io.orderrelay.problem;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The operations of an OpenAPI document (as JSON), with what the hostile-input test needs of them. */
final class ApiOperations {

    record Param(String name, String in, String type, String format, boolean required) {

        boolean isDate() {
            return "date-time".equals(format);
        }

        boolean isInteger() {
            return "integer".equals(type) || "number".equals(type);
        }
    }

    record Operation(String method, String template, List<Param> params, JsonNode bodySchema) {

        String label() {
            return method + " " + template;
        }

        List<Param> in(String where) {
            return params.stream().filter(p -> p.in().equals(where)).toList();
        }
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ApiOperations() {
    }

    /** Every operation whose path starts with none of {@code skipped}. */
    static List<Operation> of(JsonNode document, List<String> skipped) {
        List<Operation> operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> path = paths.next();
            if (skipped.stream().anyMatch(path.getKey()::startsWith)) {
                continue;
            }
            List<Param> shared = params(path.getValue().path("parameters"));
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext();) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (op.getKey().equals("parameters")) {
                    continue;
                }
                List<Param> params = new ArrayList<>(shared);
                params.addAll(params(op.getValue().path("parameters")));
                JsonNode body = op.getValue().path("requestBody").path("content").path("application/json").path("schema");
                operations.add(new Operation(op.getKey().toUpperCase(Locale.ROOT), path.getKey(), params,
                        body.isMissingNode() ? null : body));
            }
        }
        return operations;
    }

    private static List<Param> params(JsonNode list) {
        List<Param> params = new ArrayList<>();
        list.forEach(p -> params.add(new Param(p.path("name").asText(), p.path("in").asText(),
                p.path("schema").path("type").asText(""), p.path("schema").path("format").asText(""),
                p.path("required").asBoolean(false))));
        return params;
    }

    /** A body shaped like {@code schema}: every property present, strings "x", numbers 1, dates a real time. */
    static JsonNode skeleton(JsonNode document, JsonNode schema, int depth) {
        if (schema.has("$ref")) {
            String name = schema.get("$ref").asText().replace("#/components/schemas/", "");
            return depth > 4 ? NODES.nullNode() : skeleton(document, document.path("components").path("schemas").path(name), depth + 1);
        }
        if (schema.has("enum")) {
            return schema.get("enum").get(0);
        }
        switch (schema.path("type").asText("object")) {
            case "string":
                return NODES.textNode("date-time".equals(schema.path("format").asText()) ? "2026-01-01T00:00:00Z" : "x");
            case "integer":
            case "number":
                return NODES.numberNode(1);
            case "boolean":
                return NODES.booleanNode(false);
            case "array":
                ArrayNode array = NODES.arrayNode();
                array.add(skeleton(document, schema.path("items"), depth + 1));
                return array;
            default:
                ObjectNode object = NODES.objectNode();
                schema.path("properties").fields().forEachRemaining(p -> object.set(p.getKey(),
                        skeleton(document, p.getValue(), depth + 1)));
                return object;
        }
    }
}
