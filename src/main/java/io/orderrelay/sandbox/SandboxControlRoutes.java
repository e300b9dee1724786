package io.orderrelay.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import static io.orderrelay.sandbox.SandboxHttp.text;

import io.quarkus.arc.profile.IfBuildProfile;
import io.vertx.ext.web.RoutingContext;

/** Control API of the sandbox ({@code /sandbox/control}): drive orders, inspect requests, inject faults, reset. */
@IfBuildProfile(anyOf = { "dev", "test" })
@ApplicationScoped
class SandboxControlRoutes {

    private final SandboxControl control;
    private final SandboxHttp http;
    private final ObjectMapper mapper;

    SandboxControlRoutes(SandboxControl control, SandboxHttp http) {
        this.control = control;
        this.http = http;
        this.mapper = http.mapper();
    }

    void listOrders(RoutingContext rc) {
        http.json(rc, 200, mapper.valueToTree(
                control.orders().stream().map(o -> view(o.get("order_id").asText())).toList()));
    }

    void getOrder(RoutingContext rc) {
        control.find(rc.pathParam("id")).ifPresentOrElse(o -> http.json(rc, 200, view(o.id)),
                () -> http.message(rc, 404, "Order not found"));
    }

    void listRequests(RoutingContext rc) {
        http.json(rc, 200, mapper.valueToTree(
                control.requests(rc.queryParams().get("method"), rc.queryParams().get("path_prefix"))));
    }

    void clearRequests(RoutingContext rc) {
        control.clearRequests();
        rc.response().setStatusCode(204).end();
    }

    void listFaults(RoutingContext rc) {
        http.json(rc, 200, mapper.valueToTree(control.faults()));
    }

    void clearFaults(RoutingContext rc) {
        control.clearFaults();
        rc.response().setStatusCode(204).end();
    }

    void removeFault(RoutingContext rc) {
        rc.response().setStatusCode(control.removeFault(rc.pathParam("id")) ? 204 : 404).end();
    }

    void reset(RoutingContext rc) {
        control.reset();
        rc.response().setStatusCode(204).end();
    }

    void controlAdvance(RoutingContext rc) {
        String id = rc.pathParam("id");
        try {
            http.json(rc, 200, control.advance(id));
        } catch (NoSuchElementException e) {
            http.message(rc, 404, "Order not found");
        } catch (IllegalStateException e) {
            http.message(rc, 409, e.getMessage());
        }
    }

    void controlState(RoutingContext rc) {
        JsonNode body = http.readBody(rc);
        if (body == null) {
            return;
        }
        String state = text(body, "order_state");
        if (state == null || state.isBlank()) {
            http.message(rc, 400, "order_state is required");
            return;
        }
        try {
            http.json(rc, 200, control.setState(rc.pathParam("id"), state));
        } catch (NoSuchElementException e) {
            http.message(rc, 404, "Order not found");
        }
    }

    void controlPath(RoutingContext rc) {
        JsonNode body = http.readBody(rc);
        if (body == null) {
            return;
        }
        if (!body.path("states").isArray()) {
            http.message(rc, 400, "states (an array of state names) is required");
            return;
        }
        List<String> states = new ArrayList<>();
        body.path("states").forEach(s -> states.add(s.asText()));
        String id = rc.pathParam("id");
        try {
            control.setPath(id, states);
            http.json(rc, 200, view(id));
        } catch (NoSuchElementException e) {
            http.message(rc, 404, "Order not found");
        }
    }

    void controlAddFault(RoutingContext rc) {
        try {
            Fault fault = mapper.readValue(rc.body().asString(), Fault.class);
            http.json(rc, 201, mapper.valueToTree(control.addFault(fault)));
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
            http.message(rc, 400, "Invalid fault: " + (cause == e ? e.getOriginalMessage() : cause.getMessage()));
        } catch (IllegalArgumentException e) {
            http.message(rc, 400, "Invalid fault: " + e.getMessage());
        } catch (NullPointerException e) {
            http.message(rc, 400, "Invalid fault: a JSON object is required");
        }
    }

    void controlAutoAdvance(RoutingContext rc) {
        JsonNode body = http.readBody(rc);
        if (body == null) {
            return;
        }
        control.autoAdvance(Duration.ofMillis(body.path("every_ms").asLong(0)));
        rc.response().setStatusCode(204).end();
    }

    private ObjectNode view(String id) {
        SandboxOrder order = control.find(id).orElseThrow();
        ObjectNode out = mapper.createObjectNode();
        out.set("order", order.current().json());
        out.set("remaining_path", mapper.valueToTree(order.remainingPath()));
        out.put("subscribers", order.subscribers.size());
        return out;
    }
}
