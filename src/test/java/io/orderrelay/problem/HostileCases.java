package io.orderrelay.problem;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.orderrelay.problem.ApiOperations.Operation;
import io.orderrelay.problem.ApiOperations.Param;

/** Every class of hostile input, crossed with the parameters, headers and body of one operation. */
final class HostileCases {

    /**
     * One request. {@code field}: what a 400 must name (null when no field is known). {@code codec}: the HTTP codec
     * refuses it before the application (a C0 control character in a header), with a bare 400.
     */
    record Case(String name, String method, String target, Map<String, byte[]> headers, byte[] body, String field,
            boolean codec) {
    }

    private record Bad(String label, String value, boolean encoded) {
    }

    private static final List<Bad> TEXT = List.of(new Bad("NUL", "a\u0000b", false), new Bad("ESC", "a\u001bb", false),
            new Bad("CR LF", "a\r\nb", false), new Bad("DEL", "a\u007fb", false), new Bad("C1 NEL", "a\u0085b", false),
            new Bad("invalid UTF-8", "a%C3%28b", true), new Bad("surrogate as CESU-8", "a%ED%A0%80b", true),
            new Bad("overlong", "a".repeat(1000), false));
    private static final List<Bad> PATH_ONLY = List.of(new Bad("encoded slash", "a%2Fb", true));
    private static final List<String> DATES = List.of("+300000-01-01T00:00:00Z", "-4714-11-24T00:00:00Z",
            "9999-12-31T23:59:59-01:00");
    private static final List<String> INTEGERS = List.of("2147483648", "99999999999999999999", "-1", "1e3", "0x10");
    private static final List<String> BODY_NUMBERS = List.of("2147483648", "-2147483649", "99999999999999999999999",
            "1e400", "1.5");
    private static final Map<String, byte[]> STRING_LITERALS = new LinkedHashMap<>();
    static {
        STRING_LITERALS.put("NUL", ascii("\"a\\u0000b\""));
        STRING_LITERALS.put("ESC", ascii("\"a\\u001bb\""));
        STRING_LITERALS.put("DEL", ascii("\"a\u007fb\""));
        STRING_LITERALS.put("C1 NEL", ascii("\"a\\u0085b\""));
        STRING_LITERALS.put("lone surrogate", ascii("\"a\\ud800b\""));
        STRING_LITERALS.put("invalid UTF-8", new byte[] { '"', 'a', (byte) 0xC3, 0x28, 'b', '"' });
        STRING_LITERALS.put("huge (60,000 characters)", ascii("\"" + "a".repeat(60_000) + "\""));
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MARK = "@@mutation@@";

    private final Operation op;
    private final Function<Param, String> base;
    private final JsonNode body;
    private final String adminKey;
    private final List<Case> cases = new ArrayList<>();

    private HostileCases(Operation op, Function<Param, String> base, JsonNode body, String adminKey) {
        this.op = op;
        this.base = base;
        this.body = body;
        this.adminKey = adminKey;
    }

    /** {@code base}: a valid value of a parameter (null to leave an optional one out); {@code body}: a valid body. */
    static List<Case> of(Operation op, Function<Param, String> base, JsonNode body, String adminKey) {
        HostileCases all = new HostileCases(op, base, body, adminKey);
        all.parameters();
        all.headers();
        if (op.bodySchema() != null) {
            all.body();
        }
        return all.cases;
    }

    private void parameters() {
        for (Param p : op.params()) {
            if (p.in().equals("header")) {
                continue;
            }
            List<Bad> bads = new ArrayList<>(TEXT);
            if (p.in().equals("path")) {
                bads.addAll(PATH_ONLY);
            }
            if (p.isDate()) {
                DATES.forEach(d -> bads.add(new Bad("out-of-range time " + d, d, false)));
            }
            if (p.isInteger()) {
                INTEGERS.forEach(n -> bads.add(new Bad("out-of-range number " + n, n, false)));
            }
            for (Bad bad : bads) {
                String value = bad.encoded() ? bad.value() : encode(bad.value());
                cases.add(new Case(p.in() + " " + p.name() + ": " + bad.label(), op.method(), target(p, value),
                        headers(null, null), bodyBytes(), p.name(), false));
            }
        }
    }

    private void headers() {
        for (Param p : op.in("header")) {
            add("header " + p.name() + ": NUL", p.name(), latin1("a\u0000b"), null, true);
            add("header " + p.name() + ": ESC", p.name(), latin1("a\u001bb"), null, true);
            add("header " + p.name() + ": TAB", p.name(), latin1("a\tb"), p.name(), false);
            add("header " + p.name() + ": C1 NEL (byte 0x85)", p.name(), latin1("a\u0085b"), p.name(), false);
            add("header " + p.name() + ": overlong", p.name(), latin1("a".repeat(1000)), p.name(), false);
        }
        add("header Authorization: NUL", "Authorization", latin1("Bearer " + adminKey + "\u0000"), null, true);
        add("header Authorization: C1 NEL (byte 0x85)", "Authorization", latin1("Bearer \u0085" + adminKey), null, false);
        add("header Authorization: overlong", "Authorization", latin1("Bearer ork_" + "a".repeat(2000)), null, false);
    }

    private void add(String name, String header, byte[] value, String field, boolean codec) {
        cases.add(new Case(name, op.method(), target(null, null), headers(header, value), bodyBytes(), field, codec));
    }

    private void body() {
        leaves(body, "", (path, leaf) -> {
            Map<String, byte[]> literals = new LinkedHashMap<>();
            if (leaf.isTextual()) {
                literals.putAll(STRING_LITERALS);
                if (isTime(leaf.asText())) {
                    DATES.forEach(d -> literals.put("out-of-range time " + d, ascii("\"" + d + "\"")));
                }
            } else if (leaf.isNumber()) {
                BODY_NUMBERS.forEach(n -> literals.put("out-of-range number " + n, ascii(n)));
            }
            literals.forEach((label, literal) -> cases.add(new Case("body " + path + ": " + label, op.method(),
                    target(null, null), headers(null, null), splice(path, literal), path, false)));
        });
        if (body instanceof ObjectNode object) {
            cases.add(bodyCase("control character in a member name", withMember(object, "a\u0000b", JSON.getNodeFactory().numberNode(1)), "a?b"));
            String deep = "[".repeat(5_000) + "]".repeat(5_000);
            cases.add(bodyCase("nested 5,000 levels deep", splice(withMember(object, "deep", TextNode.valueOf(MARK)), ascii(deep)), "deep"));
            cases.add(bodyCase("oversized (70,000 bytes)", withMember(object, "pad", TextNode.valueOf("a".repeat(70_000))), null));
        }
        cases.add(bodyCase("top level nested 5,000 levels deep", ascii("[".repeat(5_000) + "]".repeat(5_000)), null));
        cases.add(bodyCase("not UTF-8 at all", new byte[] { (byte) 0xFF, (byte) 0xFE, (byte) 0xFD, '{', '}' }, null));
        cases.add(bodyCase("truncated JSON", ascii("{\"a\": "), null));
    }

    private Case bodyCase(String label, byte[] bytes, String field) {
        return new Case("body: " + label, op.method(), target(null, null), headers(null, null), bytes, field, false);
    }

    private Case bodyCase(String label, JsonNode node, String field) {
        return bodyCase(label, write(node), field);
    }

    /** The valid body with the leaf at {@code path} replaced by the raw {@code literal} bytes. */
    private byte[] splice(String path, byte[] literal) {
        JsonNode copy = body.deepCopy();
        replace(copy, path, TextNode.valueOf(MARK));
        return splice(write(copy), literal);
    }

    private static byte[] splice(byte[] json, byte[] literal) {
        String text = new String(json, StandardCharsets.UTF_8);
        int at = text.indexOf("\"" + MARK + "\"");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(text.substring(0, at).getBytes(StandardCharsets.UTF_8));
        out.writeBytes(literal);
        out.writeBytes(text.substring(at + MARK.length() + 2).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static byte[] splice(JsonNode json, byte[] literal) {
        return splice(write(json), literal);
    }

    private static void leaves(JsonNode node, String path, BiConsumer<String, JsonNode> visit) {
        if (node instanceof ObjectNode object) {
            object.fields().forEachRemaining(f -> leaves(f.getValue(), path.isEmpty() ? f.getKey() : path + "." + f.getKey(), visit));
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                leaves(array.get(i), path + "[" + i + "]", visit);
            }
        } else if (node.isTextual() || node.isNumber()) {
            visit.accept(path, node);
        }
    }

    private static void replace(JsonNode root, String path, JsonNode value) {
        String[] steps = path.replace("[", ".[").split("\\.");
        JsonNode parent = root;
        for (int i = 0; i < steps.length - 1; i++) {
            parent = step(parent, steps[i]);
        }
        String last = steps[steps.length - 1];
        if (last.startsWith("[")) {
            ((ArrayNode) parent).set(Integer.parseInt(last.substring(1, last.length() - 1)), value);
        } else {
            ((ObjectNode) parent).set(last, value);
        }
    }

    private static JsonNode step(JsonNode node, String step) {
        return step.startsWith("[") ? node.get(Integer.parseInt(step.substring(1, step.length() - 1))) : node.get(step);
    }

    private static ObjectNode withMember(ObjectNode object, String name, JsonNode value) {
        ObjectNode copy = object.deepCopy();
        copy.set(name, value);
        return copy;
    }

    private String target(Param mutated, String encodedValue) {
        String path = op.template();
        StringBuilder query = new StringBuilder();
        for (Param p : op.params()) {
            String value = p == mutated ? encodedValue : base.apply(p) == null ? null : encode(base.apply(p));
            if (value == null) {
                continue;
            }
            if (p.in().equals("path")) {
                path = path.replace("{" + p.name() + "}", value);
            } else if (p.in().equals("query")) {
                query.append(query.isEmpty() ? "?" : "&").append(encode(p.name())).append('=').append(value);
            }
        }
        return path + query;
    }

    private Map<String, byte[]> headers(String name, byte[] value) {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        headers.put("Authorization", latin1("Bearer " + adminKey));
        for (Param p : op.in("header")) {
            String valid = base.apply(p);
            if (valid != null) {
                headers.put(p.name(), latin1(valid));
            }
        }
        if (op.bodySchema() != null) {
            headers.put("Content-Type", latin1("application/json"));
        }
        if (name != null) {
            headers.put(name, value);
        }
        return headers;
    }

    private byte[] bodyBytes() {
        return op.bodySchema() == null ? null : write(body);
    }

    private static boolean isTime(String value) {
        try {
            java.time.OffsetDateTime.parse(value);
            return true;
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    private static byte[] write(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String encode(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xFF));
            }
        }
        return out.toString();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] latin1(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
