package io.orderrelay.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.orderrelay.sandbox.SandboxValidator.Problem;
import io.quarkus.arc.profile.IfBuildProfile;
import io.vertx.ext.web.RoutingContext;

/**
 * Request parsing and answer writing shared by the sandbox route classes, in one place so the upstream's error shapes
 * ({@code message} or {@code status/detail/moreDetails}) cannot drift between them.
 */
@IfBuildProfile(anyOf = { "dev", "test" })
@ApplicationScoped
class SandboxHttp {

    private static final Pattern ORDER_PATH = Pattern.compile("^/v5/orders/([^/]+)(/.*)?$");

    private final ObjectMapper mapper;

    SandboxHttp(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    ObjectMapper mapper() {
        return mapper;
    }

    /** The parsed JSON object body, or null after answering 400 (absent, blank, malformed or not an object). */
    JsonNode readBody(RoutingContext rc) {
        String raw = rc.body() == null ? null : rc.body().asString();
        try {
            JsonNode node = raw == null || raw.isBlank() ? null : mapper.readTree(raw);
            if (node == null || !node.isObject()) {
                problem(rc, 400, "Invalid request", "a JSON object body is required");
                return null;
            }
            return node;
        } catch (JsonProcessingException e) {
            problem(rc, 400, "Invalid request", "malformed JSON");
            return null;
        }
    }

    /** True after answering 400 when any of the query parameters is absent or blank. */
    boolean missing(RoutingContext rc, String... params) {
        List<String> absent = new ArrayList<>();
        for (String p : params) {
            String v = rc.queryParams().get(p);
            if (v == null || v.isBlank()) {
                absent.add(p);
            }
        }
        if (absent.isEmpty()) {
            return false;
        }
        problem(rc, 400, "Missing required query parameter", "required: " + String.join(", ", absent));
        return true;
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isValueNode() && !v.isNull() ? v.asText() : null;
    }

    static String upstreamPath(RoutingContext rc) {
        return rc.request().path().substring(SandboxRoutes.PREFIX.length());
    }

    static String orderId(String path) {
        Matcher m = ORDER_PATH.matcher(path);
        return m.matches() && !"validations".equals(m.group(1)) ? m.group(1) : null;
    }

    ArrayNode problems(List<Problem> problems) {
        ArrayNode list = mapper.createArrayNode();
        for (Problem p : problems) {
            ObjectNode n = list.addObject();
            n.put("problem", p.problem());
            n.put("moreDetails", p.moreDetails());
        }
        return list;
    }

    void faultAnswer(RoutingContext rc, Fault fault) {
        if (fault.retryAfter() != null) {
            rc.response().putHeader("Retry-After", String.valueOf(fault.retryAfter()));
        }
        int status = fault.status();
        String reason = io.netty.handler.codec.http.HttpResponseStatus.valueOf(status).reasonPhrase();
        ObjectNode body = mapper.createObjectNode();
        if ("message".equals(fault.bodyShape())) {
            body.put("message", reason);
        } else {
            body.put("status", status);
            body.put("detail", reason);
            body.put("moreDetails", "Injected by sandbox fault " + fault.kind().json());
        }
        json(rc, status, body);
    }

    void problem(RoutingContext rc, int status, String detail, String moreDetails) {
        ObjectNode body = mapper.createObjectNode();
        body.put("status", status);
        body.put("detail", detail);
        body.put("moreDetails", moreDetails);
        json(rc, status, body);
    }

    void message(RoutingContext rc, int status, String message) {
        json(rc, status, mapper.createObjectNode().put("message", message));
    }

    void json(RoutingContext rc, int status, JsonNode body) {
        if (rc.response().closed() || rc.response().ended()) {
            return;
        }
        try {
            rc.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                    .end(mapper.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
