package io.orderrelay.sandbox;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.orderrelay.sandbox.SandboxCatalog.Coin;
import io.orderrelay.sandbox.SandboxCatalog.Network;
import io.orderrelay.sandbox.SandboxCatalog.Product;
import io.orderrelay.sandbox.SandboxOrder.Snapshot;
import io.orderrelay.sandbox.SandboxValidator.Item;
import io.orderrelay.sandbox.SandboxValidator.Problem;
import io.quarkus.arc.profile.IfBuildProfile;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * HTTP face of the sandbox, on the Vert.x router (not JAX-RS) so that slow answers, cut connections and thousands of
 * SSE streams cost no thread. Upstream paths under {@code /sandbox/v*}, control API under {@code /sandbox/control}.
 * The bean, hence its router observer and every route, is removed from prod builds by {@link IfBuildProfile}.
 */
@IfBuildProfile(anyOf = { "dev", "test" })
@ApplicationScoped
public class SandboxRoutes {

    static final String PREFIX = "/sandbox";
    private static final Pattern ORDER_PATH = Pattern.compile("^/v5/orders/([^/]+)(/.*)?$");

    private final SandboxControl control;
    private final ObjectMapper mapper;
    private final Vertx vertx;

    public SandboxRoutes(SandboxControl control, ObjectMapper mapper, Vertx vertx) {
        this.control = control;
        this.mapper = mapper;
        this.vertx = vertx;
    }

    void register(@Observes Router router) {
        Router sb = Router.router(vertx);
        sb.route().handler(BodyHandler.create().setBodyLimit(64 * 1024));

        sb.post("/control/orders/:id/advance").handler(this::controlAdvance);
        sb.post("/control/orders/:id/state").handler(this::controlState);
        sb.post("/control/orders/:id/path").handler(this::controlPath);
        sb.get("/control/orders").handler(rc -> json(rc, 200, mapper.valueToTree(
                control.orders().stream().map(o -> view(o.get("order_id").asText())).toList())));
        sb.get("/control/orders/:id").handler(rc -> control.find(rc.pathParam("id"))
                .ifPresentOrElse(o -> json(rc, 200, view(o.id)), () -> message(rc, 404, "Order not found")));
        sb.get("/control/requests").handler(rc -> json(rc, 200, mapper.valueToTree(
                control.requests(rc.queryParams().get("method"), rc.queryParams().get("path_prefix")))));
        sb.delete("/control/requests").handler(rc -> {
            control.clearRequests();
            rc.response().setStatusCode(204).end();
        });
        sb.post("/control/faults").handler(this::controlAddFault);
        sb.get("/control/faults").handler(rc -> json(rc, 200, mapper.valueToTree(control.faults())));
        sb.delete("/control/faults").handler(rc -> {
            control.clearFaults();
            rc.response().setStatusCode(204).end();
        });
        sb.delete("/control/faults/:id").handler(rc -> rc.response()
                .setStatusCode(control.removeFault(rc.pathParam("id")) ? 204 : 404).end());
        sb.post("/control/auto-advance").handler(this::controlAutoAdvance);
        sb.post("/control/reset").handler(rc -> {
            control.reset();
            rc.response().setStatusCode(204).end();
        });

        sb.route("/v*").handler(this::gate);
        sb.get("/v3/payment_vias").handler(this::paymentVias);
        sb.get("/v2/brands").handler(this::brands);
        sb.get("/v2/homepage").handler(this::homepage);
        sb.get("/v5/products/country/:cc").handler(this::products);
        sb.get("/v4/products/price").handler(this::price);
        sb.post("/v5/orders/validations").handler(this::validate);
        sb.post("/v5/orders").handler(this::create);
        sb.get("/v5/orders/:id/subscribe").handler(this::subscribe);
        sb.get("/v5/orders/:id").handler(this::getOrder);
        sb.route().handler(rc -> message(rc, 404, "Not found"));

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
            json(rc, 401, body);
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
            faultAnswer(rc, status.get());
        } else {
            rc.next();
        }
    }

    private void faultAnswer(RoutingContext rc, Fault fault) {
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

    // ---- catalogue ----

    private void paymentVias(RoutingContext rc) {
        ArrayNode out = mapper.createArrayNode();
        ObjectNode wallet = out.addObject();
        wallet.put("name", "USER_WALLET");
        wallet.put("available", true);
        wallet.put("logo_url", "https://sandbox.cryptorefills.invalid/logos/user_wallet.svg");
        ArrayNode currencies = wallet.putArray("currencies");
        for (Coin coin : SandboxCatalog.COINS.values()) {
            ObjectNode c = currencies.addObject();
            c.put("name", coin.name());
            c.put("threshold", coin.threshold());
            c.put("is_suspended", coin.suspended());
            ArrayNode networks = c.putArray("networks");
            for (Network n : coin.networks()) {
                ObjectNode nn = networks.addObject();
                nn.put("name", n.name());
                if (n.chainId() == null) {
                    nn.putNull("chain_id");
                } else {
                    nn.put("chain_id", n.chainId());
                }
                nn.put("base_token", n.baseToken());
                nn.put("threshold", n.threshold());
                nn.put("is_suspended", n.suspended());
                if (n.smartContract() == null) {
                    nn.putNull("smart_contract");
                } else {
                    nn.put("smart_contract", n.smartContract());
                }
            }
        }
        ObjectNode binance = out.addObject();
        binance.put("name", "BINANCE_PAY");
        binance.put("available", false);
        binance.put("logo_url", "https://sandbox.cryptorefills.invalid/logos/binance_pay.svg");
        binance.putArray("currencies");
        json(rc, 200, out);
    }

    private void brands(RoutingContext rc) {
        if (missing(rc, "country_code")) {
            return;
        }
        // an unknown country has no brands: an empty list, as a filter would give
        ArrayNode out = mapper.createArrayNode();
        brandsOf(rc.queryParams().get("country_code")).forEach(out::add);
        json(rc, 200, out);
    }

    private void homepage(RoutingContext rc) {
        if (missing(rc, "country_code")) {
            return;
        }
        String cc = rc.queryParams().get("country_code").toUpperCase(Locale.ROOT);
        ObjectNode out = mapper.createObjectNode();
        out.put("country_code", cc);
        ArrayNode sections = out.putArray("sections");
        List<ObjectNode> brands = brandsOf(cc);
        if (!brands.isEmpty()) {
            ObjectNode popular = sections.addObject();
            popular.put("name", "popular");
            popular.put("title", "Popular gift cards");
            brands.forEach(popular.putArray("brands")::add);
            Set<String> categories = new LinkedHashSet<>();
            brands.forEach(b -> categories.add(b.get("category").asText()));
            for (String category : categories) {
                ObjectNode s = sections.addObject();
                s.put("name", category.toLowerCase(Locale.ROOT));
                s.put("title", category);
                ArrayNode list = s.putArray("brands");
                brands.stream().filter(b -> b.get("category").asText().equals(category)).forEach(list::add);
            }
        }
        json(rc, 200, out);
    }

    private List<ObjectNode> brandsOf(String country) {
        List<ObjectNode> out = new ArrayList<>();
        for (Product p : SandboxCatalog.products(country)) {
            ObjectNode b = mapper.createObjectNode();
            b.put("brand_name", p.brand());
            b.put("family_name", p.familyName());
            b.put("category", p.category());
            b.put("country_code", p.country());
            b.put("currency", p.currency());
            b.put("in_stock", !p.brandOutOfStock());
            b.put("logo_url", "https://sandbox.cryptorefills.invalid/logos/" + p.familyName() + ".svg");
            out.add(b);
        }
        return out;
    }

    private void products(RoutingContext rc) {
        String cc = rc.pathParam("cc").toUpperCase(Locale.ROOT);
        if (SandboxCatalog.country(cc).isEmpty()) {
            message(rc, 404, "Country " + cc + " is not supported");
            return;
        }
        String coinName = rc.queryParams().get("coin");
        Coin coin = null;
        if (coinName != null) {
            coin = SandboxCatalog.coin(coinName).orElse(null);
            if (coin == null) {
                problem(rc, 400, "Unsupported coin", "coin " + coinName + " is not supported");
                return;
            }
        }
        String family = rc.queryParams().get("family_name");
        String lang = Optional.ofNullable(rc.queryParams().get("lang")).orElse("en");
        ArrayNode out = mapper.createArrayNode();
        for (Product p : SandboxCatalog.products(cc)) {
            if (family != null && !p.familyName().equalsIgnoreCase(family) && !p.brand().equalsIgnoreCase(family)) {
                continue;
            }
            ObjectNode o = out.addObject();
            o.put("product_id", p.familyName() + "-" + p.country().toLowerCase(Locale.ROOT));
            o.put("brand_name", p.brand());
            o.put("family_name", p.familyName());
            o.put("category", p.category());
            o.put("country_code", p.country());
            o.put("currency", p.currency());
            o.put("lang", lang);
            o.put("in_stock", !p.brandOutOfStock());
            o.put("face_value_type", p.isRange() ? "range" : "fixed");
            if (p.isRange()) {
                o.put("min_face_value", SandboxCatalog.plain(p.min()));
                o.put("max_face_value", SandboxCatalog.plain(p.max()));
            }
            if (coin != null) {
                o.put("coin", coin.name());
            }
            ArrayNode denominations = o.putArray("denominations");
            List<BigDecimal> values = p.isRange() ? List.of(p.min(), new BigDecimal("25"), new BigDecimal("50"),
                    new BigDecimal("100"), p.max()) : p.denominations();
            for (BigDecimal v : values) {
                ObjectNode d = denominations.addObject();
                d.put("face_value", SandboxCatalog.plain(v));
                d.put("denomination", SandboxCatalog.plain(v) + " " + p.currency());
                d.put("localized_denomination", SandboxCatalog.localized(v, p.currency()));
                d.put("in_stock", p.inStock(v));
                if (coin != null) {
                    d.put("coin_amount", SandboxCatalog.coinAmount(v, p.currency(), coin).toPlainString());
                }
            }
        }
        json(rc, 200, out);
    }

    private void price(RoutingContext rc) {
        if (missing(rc, "brand_name", "country_code", "face_value", "coin")) {
            return;
        }
        var q = rc.queryParams();
        Coin coin = SandboxCatalog.coin(q.get("coin")).orElse(null);
        if (coin == null) {
            problem(rc, 400, "Unsupported coin", "coin " + q.get("coin") + " is not supported");
            return;
        }
        Product product = SandboxCatalog.product(q.get("brand_name"), q.get("country_code")).orElse(null);
        BigDecimal faceValue = product == null ? null
                : SandboxValidator.parseDenomination(q.get("face_value"), product.currency());
        if (product == null || faceValue == null || !product.offers(faceValue)) {
            message(rc, 404, "Product not found");
            return;
        }
        ObjectNode out = mapper.createObjectNode();
        out.put("brand_name", product.brand());
        out.put("country_code", product.country());
        out.put("face_value", SandboxCatalog.plain(faceValue));
        out.put("currency", product.currency());
        out.put("coin", coin.name());
        out.put("coin_amount", SandboxCatalog.coinAmount(faceValue, product.currency(), coin).toPlainString());
        out.put("in_stock", product.inStock(faceValue));
        json(rc, 200, out);
    }

    // ---- orders ----

    private void validate(RoutingContext rc) {
        JsonNode body = readBody(rc);
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
            problem(rc, 400, "Invalid request", "deliveries must not be empty");
            return;
        }
        var result = SandboxValidator.validate(new SandboxValidator.Request(text(body, "email"),
                text(payment, "payment_via"), text(payment, "coin"), text(payment, "network"), items),
                control.config().maxOrderAmount());
        ObjectNode out = mapper.createObjectNode();
        if (result.valid()) {
            out.putNull("problems");
        } else {
            out.set("problems", problems(result.problems()));
        }
        json(rc, 200, out);
    }

    private void create(RoutingContext rc) {
        JsonNode body = readBody(rc);
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
            problem(rc, 400, "Invalid request", "deliveries must not be empty");
            return;
        }
        var result = SandboxValidator.validate(new SandboxValidator.Request(email, text(payment, "payment_via"),
                text(payment, "coin"), text(payment, "network"), items), control.config().maxOrderAmount());
        if (!result.valid()) {
            ObjectNode out = mapper.createObjectNode();
            out.put("status", 422);
            out.put("detail", result.problems().get(0).problem());
            out.set("moreDetails", problems(result.problems()));
            json(rc, 422, out);
            return;
        }
        SandboxOrder order = control.create(result, email);
        String path = upstreamPath(rc);
        boolean stringTimestamps = control.takeFault(Fault.Kind.STRING_TIMESTAMPS, "POST", path, order.id).isPresent();
        Runnable answer = () -> json(rc, control.config().createStatus(), render(order.current(), stringTimestamps));
        Optional<Fault> failAfter = control.takeFault(Fault.Kind.CREATE_FAIL_AFTER_CREATE, "POST", path, null);
        if (failAfter.isPresent()) {
            if (Boolean.TRUE.equals(failAfter.get().reset())) {
                rc.request().connection().close();
            } else {
                faultAnswer(rc, failAfter.get());
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

    private void getOrder(RoutingContext rc) {
        String id = rc.pathParam("id");
        Optional<SandboxOrder> order = control.find(id);
        if (order.isEmpty()) {
            message(rc, 404, "Order not found");
            return;
        }
        boolean stringTimestamps = control.takeFault(Fault.Kind.STRING_TIMESTAMPS, "GET", upstreamPath(rc), id)
                .isPresent();
        json(rc, 200, render(order.get().current(), stringTimestamps));
    }

    private void subscribe(RoutingContext rc) {
        String id = rc.pathParam("id");
        Optional<SandboxOrder> order = control.find(id);
        if (order.isEmpty()) {
            message(rc, 404, "Order not found");
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

    // ---- control ----

    private void controlAdvance(RoutingContext rc) {
        String id = rc.pathParam("id");
        try {
            json(rc, 200, control.advance(id));
        } catch (NoSuchElementException e) {
            message(rc, 404, "Order not found");
        } catch (IllegalStateException e) {
            message(rc, 409, e.getMessage());
        }
    }

    private void controlState(RoutingContext rc) {
        JsonNode body = readBody(rc);
        if (body == null) {
            return;
        }
        String state = text(body, "order_state");
        if (state == null || state.isBlank()) {
            message(rc, 400, "order_state is required");
            return;
        }
        try {
            json(rc, 200, control.setState(rc.pathParam("id"), state));
        } catch (NoSuchElementException e) {
            message(rc, 404, "Order not found");
        }
    }

    private void controlPath(RoutingContext rc) {
        JsonNode body = readBody(rc);
        if (body == null) {
            return;
        }
        if (!body.path("states").isArray()) {
            message(rc, 400, "states (an array of state names) is required");
            return;
        }
        List<String> states = new ArrayList<>();
        body.path("states").forEach(s -> states.add(s.asText()));
        String id = rc.pathParam("id");
        try {
            control.setPath(id, states);
            json(rc, 200, view(id));
        } catch (NoSuchElementException e) {
            message(rc, 404, "Order not found");
        }
    }

    private void controlAddFault(RoutingContext rc) {
        try {
            Fault fault = mapper.readValue(rc.body().asString(), Fault.class);
            json(rc, 201, mapper.valueToTree(control.addFault(fault)));
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
            message(rc, 400, "Invalid fault: " + (cause == e ? e.getOriginalMessage() : cause.getMessage()));
        } catch (IllegalArgumentException e) {
            message(rc, 400, "Invalid fault: " + e.getMessage());
        } catch (NullPointerException e) {
            message(rc, 400, "Invalid fault: a JSON object is required");
        }
    }

    private void controlAutoAdvance(RoutingContext rc) {
        JsonNode body = readBody(rc);
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

    // ---- helpers ----

    static ObjectNode withStringTimestamps(ObjectNode json) {
        ObjectNode copy = json.deepCopy();
        copy.put("created_at", json.get("created_at").asText());
        copy.put("updated_at", json.get("updated_at").asText());
        return copy;
    }

    private static ObjectNode render(Snapshot snapshot, boolean stringTimestamps) {
        return stringTimestamps ? withStringTimestamps(snapshot.json()) : snapshot.json();
    }

    private ArrayNode problems(List<Problem> problems) {
        ArrayNode list = mapper.createArrayNode();
        for (Problem p : problems) {
            ObjectNode n = list.addObject();
            n.put("problem", p.problem());
            n.put("moreDetails", p.moreDetails());
        }
        return list;
    }

    private JsonNode readBody(RoutingContext rc) {
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

    private boolean missing(RoutingContext rc, String... params) {
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

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isValueNode() && !v.isNull() ? v.asText() : null;
    }

    private static String upstreamPath(RoutingContext rc) {
        return rc.request().path().substring(PREFIX.length());
    }

    private static String orderId(String path) {
        Matcher m = ORDER_PATH.matcher(path);
        return m.matches() && !"validations".equals(m.group(1)) ? m.group(1) : null;
    }

    private void problem(RoutingContext rc, int status, String detail, String moreDetails) {
        ObjectNode body = mapper.createObjectNode();
        body.put("status", status);
        body.put("detail", detail);
        body.put("moreDetails", moreDetails);
        json(rc, status, body);
    }

    private void message(RoutingContext rc, int status, String message) {
        json(rc, status, mapper.createObjectNode().put("message", message));
    }

    private void json(RoutingContext rc, int status, JsonNode body) {
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
