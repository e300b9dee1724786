package io.orderrelay.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.orderrelay.sandbox.SandboxOrder.Snapshot;
import io.orderrelay.sandbox.SandboxValidator.Item;
import static io.orderrelay.sandbox.SandboxHttp.text;
import static io.orderrelay.sandbox.SandboxHttp.upstreamPath;

import io.quarkus.arc.profile.IfBuildProfile;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/** Order paths of the simulated upstream: validation, creation (with its create faults), read and SSE subscribe. */
@IfBuildProfile(anyOf = { "dev", "test" })
@ApplicationScoped
class SandboxOrderRoutes {

    private final SandboxControl control;
    private final SandboxHttp http;
    private final ObjectMapper mapper;
    private final Vertx vertx;

    SandboxOrderRoutes(SandboxControl control, SandboxHttp http, Vertx vertx) {
        this.control = control;
        this.http = http;
        this.mapper = http.mapper();
        this.vertx = vertx;
    }

    void validate(RoutingContext rc) {
        JsonNode body = http.readBody(rc);
        if (body == null) {
            return;
        }
        JsonNode payment = body.path("payment");
        List<Item> items = new ArrayList<>();
        for (JsonNode d : body.path("deliveries")) {
            items.add(new Item(text(d, "beneficiary_account"), text(d, "brand_name"), text(d, "country_code"),
                    text(d, "denomination"), d.path("quantity").asInt(1)));
        }
        if (items.isEmpty()) {
            http.problem(rc, 400, "Invalid request", "deliveries must not be empty");
            return;
        }
        var result = SandboxValidator.validate(new SandboxValidator.Request(text(body, "email"),
                text(payment, "payment_via"), text(payment, "coin"), text(payment, "network"), items),
                control.config().maxOrderAmount());
        ObjectNode out = mapper.createObjectNode();
        if (result.valid()) {
            out.putNull("problems");
        } else {
            out.set("problems", http.problems(result.problems()));
        }
        http.json(rc, 200, out);
    }

    void create(RoutingContext rc) {
        JsonNode body = http.readBody(rc);
        if (body == null) {
            return;
        }
        String email = text(body.path("user"), "email");
        JsonNode payment = body.path("payment");
        List<Item> items = new ArrayList<>();
        for (JsonNode d : body.path("deliveries")) {
            JsonNode deliverable = d.path("deliverable");
            String beneficiary = Optional.ofNullable(text(deliverable, "beneficiary_account"))
                    .orElse(text(d, "beneficiary_account"));
            items.add(new Item(beneficiary, text(deliverable, "brand_name"), text(deliverable, "country_code"),
                    text(deliverable, "denomination"), d.path("quantity").asInt(1)));
        }
        if (items.isEmpty()) {
            http.problem(rc, 400, "Invalid request", "deliveries must not be empty");
            return;
        }
        var result = SandboxValidator.validate(new SandboxValidator.Request(email, text(payment, "payment_via"),
                text(payment, "coin"), text(payment, "network"), items), control.config().maxOrderAmount());
        if (!result.valid()) {
            ObjectNode out = mapper.createObjectNode();
            out.put("status", 422);
            out.put("detail", result.problems().get(0).problem());
            out.set("moreDetails", http.problems(result.problems()));
            http.json(rc, 422, out);
            return;
        }
        SandboxOrder order = control.create(result, email);
        String path = upstreamPath(rc);
        boolean stringTimestamps = control.takeFault(Fault.Kind.STRING_TIMESTAMPS, "POST", path, order.id).isPresent();
        Runnable answer = () -> http.json(rc, control.config().createStatus(),
                render(order.current(), stringTimestamps));
        Optional<Fault> failAfter = control.takeFault(Fault.Kind.CREATE_FAIL_AFTER_CREATE, "POST", path, null);
        if (failAfter.isPresent()) {
            if (Boolean.TRUE.equals(failAfter.get().reset())) {
                rc.request().connection().close();
            } else {
                http.faultAnswer(rc, failAfter.get());
            }
            return;
        }
        Optional<Fault> timeout = control.takeFault(Fault.Kind.CREATE_TIMEOUT, "POST", path, null);
        if (timeout.isPresent()) {
            vertx.setTimer(Math.max(1, timeout.get().delayMs()), t -> {
                if (!rc.response().closed()) {
                    answer.run();
                }
            });
        } else {
            answer.run();
        }
    }

    void getOrder(RoutingContext rc) {
        String id = rc.pathParam("id");
        Optional<SandboxOrder> order = control.find(id);
        if (order.isEmpty()) {
            http.message(rc, 404, "Order not found");
            return;
        }
        boolean stringTimestamps = control.takeFault(Fault.Kind.STRING_TIMESTAMPS, "GET", upstreamPath(rc), id)
                .isPresent();
        http.json(rc, 200, render(order.get().current(), stringTimestamps));
    }

    void subscribe(RoutingContext rc) {
        String id = rc.pathParam("id");
        Optional<SandboxOrder> order = control.find(id);
        if (order.isEmpty()) {
            http.message(rc, 404, "Order not found");
            return;
        }
        String path = upstreamPath(rc);
        Optional<Fault> drop = control.takeFault(Fault.Kind.DROP_STREAM, "GET", path, id);
        Optional<Fault> malformed = control.takeFault(Fault.Kind.MALFORMED_MESSAGE, "GET", path, id);
        var faults = new SseSession.StreamFaults(drop.map(Fault::afterMessages).orElse(null),
                control.takeFault(Fault.Kind.DUPLICATE_MESSAGES, "GET", path, id).isPresent(),
                control.takeFault(Fault.Kind.STALE_MESSAGE, "GET", path, id).isPresent(),
                malformed.map(Fault::variants).orElse(null),
                control.takeFault(Fault.Kind.EARLY_STOP, "GET", path, id).isPresent(),
                control.takeFault(Fault.Kind.STRING_TIMESTAMPS, "GET", path, id).isPresent());
        new SseSession(rc, vertx.getOrCreateContext(), order.get(), faults, mapper).start();
    }

    private static ObjectNode render(Snapshot snapshot, boolean stringTimestamps) {
        return stringTimestamps ? SandboxRoutes.withStringTimestamps(snapshot.json()) : snapshot.json();
    }
}
