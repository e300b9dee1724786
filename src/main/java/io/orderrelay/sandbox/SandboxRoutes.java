package io.orderrelay.sandbox;

import static io.orderrelay.sandbox.SandboxHttp.orderId;
import static io.orderrelay.sandbox.SandboxHttp.upstreamPath;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.arc.profile.IfBuildProfile;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * HTTP face of the sandbox, on the Vert.x router (not JAX-RS) so that slow answers, cut connections and thousands of
 * SSE streams cost no thread. Upstream paths under {@code /sandbox/v*}, control API under {@code /sandbox/control}.
 * This class registers the routes and gates every upstream request (record, header check, delay and status faults);
 * the handlers live in {@link SandboxCatalogRoutes}, {@link SandboxOrderRoutes} and {@link SandboxControlRoutes}.
 * These beans, hence the router observer and every route, are removed from prod builds by {@link IfBuildProfile}.
 */
@IfBuildProfile(anyOf = { "dev", "test" })
@ApplicationScoped
public class SandboxRoutes {

    static final String PREFIX = "/sandbox";

    private final SandboxControl control;
    private final SandboxHttp http;
    private final SandboxCatalogRoutes catalog;
    private final SandboxOrderRoutes orders;
    private final SandboxControlRoutes controlRoutes;
    private final ObjectMapper mapper;
    private final Vertx vertx;

    public SandboxRoutes(SandboxControl control, SandboxHttp http, SandboxCatalogRoutes catalog,
            SandboxOrderRoutes orders, SandboxControlRoutes controlRoutes, Vertx vertx) {
        this.control = control;
        this.http = http;
        this.catalog = catalog;
        this.orders = orders;
        this.controlRoutes = controlRoutes;
        this.mapper = http.mapper();
        this.vertx = vertx;
    }

    void register(@Observes Router router) {
        Router sb = Router.router(vertx);
        sb.route().handler(BodyHandler.create().setBodyLimit(64 * 1024));

        sb.post("/control/orders/:id/advance").handler(controlRoutes::controlAdvance);
        sb.post("/control/orders/:id/state").handler(controlRoutes::controlState);
        sb.post("/control/orders/:id/path").handler(controlRoutes::controlPath);
        sb.get("/control/orders").handler(controlRoutes::listOrders);
        sb.get("/control/orders/:id").handler(controlRoutes::getOrder);
        sb.get("/control/requests").handler(controlRoutes::listRequests);
        sb.delete("/control/requests").handler(controlRoutes::clearRequests);
        sb.post("/control/faults").handler(controlRoutes::controlAddFault);
        sb.get("/control/faults").handler(controlRoutes::listFaults);
        sb.delete("/control/faults").handler(controlRoutes::clearFaults);
        sb.delete("/control/faults/:id").handler(controlRoutes::removeFault);
        sb.post("/control/auto-advance").handler(controlRoutes::controlAutoAdvance);
        sb.post("/control/reset").handler(controlRoutes::reset);

        sb.route("/v*").handler(this::gate);
        sb.get("/v3/payment_vias").handler(catalog::paymentVias);
        sb.get("/v2/brands").handler(catalog::brands);
        sb.get("/v2/homepage").handler(catalog::homepage);
        sb.get("/v5/products/country/:cc").handler(catalog::products);
        sb.get("/v4/products/price").handler(catalog::price);
        sb.post("/v5/orders/validations").handler(orders::validate);
        sb.post("/v5/orders").handler(orders::create);
        sb.get("/v5/orders/:id/subscribe").handler(orders::subscribe);
        sb.get("/v5/orders/:id").handler(orders::getOrder);
        sb.route().handler(rc -> http.message(rc, 404, "Not found"));

        router.route(PREFIX + "/*").subRouter(sb);
    }

    // ---- every upstream request: log, header check, delay and status faults ----

    private void gate(RoutingContext rc) {
        HttpServerRequest req = rc.request();
        String path = upstreamPath(rc);
        Map<String, String> headers = new LinkedHashMap<>();
        req.headers().forEach(h -> headers.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
        control.record(new RecordedRequest(req.method().name(), path, req.query(), headers,
                headers.get("x-cr-application"), headers.get("x-cr-version"), headers.get("x-country-iso-code"),
                headers.get("content-type"), rc.body() == null ? null : rc.body().asString(), Instant.now()));
        String application = req.getHeader("X-Cr-Application");
        if (application == null || application.isBlank()) {
            ObjectNode body = mapper.createObjectNode();
            body.put("status", 401);
            body.put("detail", "Missing X-Cr-Application header");
            http.json(rc, 401, body);
            return;
        }
        String method = req.method().name();
        String orderId = orderId(path);
        Optional<Fault> delay = control.takeFault(Fault.Kind.DELAY, method, path, orderId);
        if (delay.isPresent()) {
            vertx.setTimer(Math.max(1, delay.get().delayMs()), t -> statusFaults(rc, method, path, orderId));
        } else {
            statusFaults(rc, method, path, orderId);
        }
    }

    private void statusFaults(RoutingContext rc, String method, String path, String orderId) {
        if (rc.response().closed()) {
            return;
        }
        Optional<Fault> status = control.takeFault(Fault.Kind.HTTP_STATUS, method, path, orderId);
        if (status.isEmpty() && path.endsWith("/subscribe")) {
            status = control.takeFault(Fault.Kind.SUBSCRIBE_STATUS, method, path, orderId);
        }
        if (status.isPresent()) {
            http.faultAnswer(rc, status.get());
        } else {
            rc.next();
        }
    }

    /** The order JSON with its timestamps as strings (the STRING_TIMESTAMPS fault), shared with the SSE stream. */
    static ObjectNode withStringTimestamps(ObjectNode json) {
        ObjectNode copy = json.deepCopy();
        copy.put("created_at", json.get("created_at").asText());
        copy.put("updated_at", json.get("updated_at").asText());
        return copy;
    }
}
