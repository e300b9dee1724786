package io.orderrelay.tracking.bench;

import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * A minimal upstream for {@code TrackingBenchmark}, run in a process of its own so that the server side of every
 * stream costs a file descriptor there, not in the relay's process. Speaks the upstream shapes of docs/upstream.md (the
 * order object, {@code GET /v5/orders/{id}}, {@code GET /v5/orders/{id}/subscribe} with {@code message} events and a
 * {@code stop} event at a terminal state) and offers control endpoints:
 *
 * <ul>
 * <li>{@code POST /control/orders?count=N}: creates N orders in WaitingForPayment, answers their ids, one a line</li>
 * <li>{@code GET /control/stats}: orders, live subscribers, events sent, own RSS, CPU time and open descriptors</li>
 * <li>{@code POST /control/drive?rate=R&seconds=S}: changes R orders a second (round robin, each to a new state
 * {@code BenchState<k>}) for S seconds; answers when done</li>
 * <li>{@code POST /control/burst}: moves every open order to a new state {@code BurstState<k>} at once (one event
 * loop turn), as a payment wave or an upstream catch-up does; answers how many changed</li>
 * <li>{@code GET /control/changes}: every driven change as {@code order_id TAB state TAB epoch-micros}</li>
 * <li>{@code POST /control/terminate}: moves every order to Canceled (streams get {@code stop} and end)</li>
 * <li>{@code POST /control/advance-every?ms=M}: from now on each order created through {@code POST /v5/orders} moves
 * along WaitingForPayment, PaymentReceived, WaitingForDelivery, Done, one step every M ms, as the sandbox's
 * {@code advance-every} does (0, the default: they stay put)</li>
 * </ul>
 *
 * For {@code OrderPlacementBenchmark} it also answers the two calls of a placement: {@code POST /v5/orders/validations}
 * (no problems, whatever the body) and {@code POST /v5/orders} (a new order in WaitingForPayment, the order object).
 *
 * Everything runs on one event loop (one verticle): no locks, and the fake stays small next to the relay on a 2-core
 * machine. {@code java -cp <test classpath> io.orderrelay.tracking.bench.UpstreamFakeServer <port>}; prints
 * {@code LISTENING <port>} once ready.
 */
public final class UpstreamFakeServer extends AbstractVerticle {

    private static final BigDecimal MICROS = BigDecimal.valueOf(1, 6);

    /** One order; {@code text} is the JSON of its current state, rendered once per change. */
    private static final class FakeOrder {
        final String id = UUID.randomUUID().toString();
        final String email;
        final BigDecimal createdAt;
        final List<HttpServerResponse> subscribers = new ArrayList<>(1);
        String state = "WaitingForPayment";
        BigDecimal updatedAt;
        String text;

        FakeOrder(int n) {
            this.email = "bench" + n + "@example.com";
            this.createdAt = epochMicros(Instant.now());
            this.updatedAt = createdAt;
            render();
        }

        void render() {
            boolean terminal = isTerminal(state);
            JsonObject o = new JsonObject()
                    .put("order_id", id)
                    .put("order_state", state)
                    .put("created_at", createdAt)
                    .put("updated_at", updatedAt)
                    .put("wallet_address", "0x" + id.replace("-", "").substring(0, 32) + "00000000")
                    .put("coin", "USDC")
                    .put("network", "Solana")
                    .put("payment_method", "USDC_SOLANA")
                    .put("payment_via", "USER_WALLET")
                    .put("coin_amount", "25.000000")
                    .put("sent_coin_amount", "0.000000")
                    .put("original_price", new JsonObject().put("amount", "25.00").put("currency", "USD"))
                    .put("qr_text", "solana:" + id + "?amount=25.000000")
                    .put("qr_url", "https://fake.invalid/qr/" + id + ".png")
                    .put("payment_state", terminal ? "Expired" : "WalletCreated")
                    .put("payment_id", id)
                    .put("payment_value", "0")
                    .put("deliveries", new JsonArray().add(new JsonObject()
                            .put("id", id)
                            .put("delivery_state", "Pending")
                            .put("kind", "giftcard")
                            .put("deliverable", new JsonObject()
                                    .put("denomination", "25 USD")
                                    .put("localized_denomination", "$25.00")
                                    .put("brand_name", "Amazon")
                                    .put("beneficiary_account", email)
                                    .put("country_code", "US")
                                    .put("delivery_type", "email"))))
                    .put("user", new JsonObject().put("email", email));
            text = o.encode();
        }
    }

    private final int port;
    private final List<FakeOrder> orders = new ArrayList<>();
    private final Map<String, FakeOrder> byId = new HashMap<>();
    private final StringBuilder changes = new StringBuilder();
    private int subscribers;
    private long events;
    private boolean driving;
    private int bursts;
    private long advanceEveryMs;

    UpstreamFakeServer(int port) {
        this.port = port;
    }

    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 18099;
        // one event loop serves it all; a second one would only add a thread the relay could use
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
        vertx.deployVerticle(new UpstreamFakeServer(port)).onComplete(ar -> {
            if (ar.failed()) {
                ar.cause().printStackTrace();
                System.exit(1);
            }
            System.out.println("LISTENING " + port);
            System.out.flush();
        });
    }

    @Override
    public void start(Promise<Void> started) {
        Router router = Router.router(vertx);
        router.get("/v5/orders/:id/subscribe").handler(this::subscribe);
        router.get("/v5/orders/:id").handler(this::get);
        router.post("/control/orders").handler(this::create);
        router.get("/control/stats").handler(this::stats);
        router.post("/control/drive").handler(this::drive);
        router.post("/control/burst").handler(this::burst);
        router.get("/control/changes").handler(rc -> rc.response().putHeader("Content-Type", "text/plain")
                .end(changes.toString()));
        router.post("/control/terminate").handler(this::terminate);
        router.post("/control/advance-every").handler(rc -> {
            advanceEveryMs = Long.parseLong(rc.queryParam("ms").get(0));
            rc.response().end();
        });
        // a placement's two calls; their bodies are read (and not checked) so that the connection stays reusable
        router.post("/v5/orders*").handler(BodyHandler.create());
        router.post("/v5/orders/validations").handler(rc -> rc.response().putHeader("Content-Type", "application/json")
                .end("{\"problems\":null}"));
        router.post("/v5/orders").handler(this::place);
        vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port).setAcceptBacklog(4096)
                .setTcpKeepAlive(true))
                .requestHandler(router)
                .listen()
                .<Void> mapEmpty()
                .onComplete(started);
    }

    private void get(RoutingContext rc) {
        FakeOrder order = byId.get(rc.pathParam("id"));
        if (order == null) {
            rc.response().setStatusCode(404).putHeader("Content-Type", "application/json")
                    .end("{\"status\":404,\"detail\":\"order not found\"}");
            return;
        }
        rc.response().putHeader("Content-Type", "application/json").end(order.text);
    }

    private void subscribe(RoutingContext rc) {
        FakeOrder order = byId.get(rc.pathParam("id"));
        HttpServerResponse response = rc.response();
        if (order == null) {
            response.setStatusCode(404).putHeader("Content-Type", "application/json")
                    .end("{\"status\":404,\"detail\":\"order not found\"}");
            return;
        }
        response.setStatusCode(200).setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache, no-transform")
                .putHeader("X-Accel-Buffering", "no");
        response.write("data: " + order.text + "\n\n");
        if (isTerminal(order.state)) {
            response.end(stop(order));
            return;
        }
        order.subscribers.add(response);
        subscribers++;
        response.closeHandler(v -> {
            if (order.subscribers.remove(response)) {
                subscribers--;
            }
        });
    }

    private void create(RoutingContext rc) {
        int count = Integer.parseInt(rc.queryParam("count").get(0));
        StringBuilder ids = new StringBuilder(count * 37);
        for (int i = 0; i < count; i++) {
            FakeOrder order = new FakeOrder(orders.size());
            orders.add(order);
            byId.put(order.id, order);
            ids.append(order.id).append('\n');
        }
        rc.response().putHeader("Content-Type", "text/plain").end(ids.toString());
    }

    /** {@code POST /v5/orders}: a new order, answered as upstream does (200, the order object). */
    private void place(RoutingContext rc) {
        FakeOrder order = new FakeOrder(orders.size());
        orders.add(order);
        byId.put(order.id, order);
        rc.response().putHeader("Content-Type", "application/json").end(order.text);
        if (advanceEveryMs > 0) {
            advance(order, 1);
        }
    }

    private static final List<String> PATH = List.of("WaitingForPayment", "PaymentReceived", "WaitingForDelivery", "Done");

    /** The order's next step along {@link #PATH} in {@code advanceEveryMs}, unless something else moved it meanwhile. */
    private void advance(FakeOrder order, int next) {
        String expected = PATH.get(next - 1);
        vertx.setTimer(advanceEveryMs, t -> {
            if (!order.state.equals(expected)) {
                return;
            }
            setState(order, PATH.get(next));
            if (next + 1 < PATH.size()) {
                advance(order, next + 1);
            }
        });
    }

    private void stats(RoutingContext rc) {
        long cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        rc.response().putHeader("Content-Type", "application/json").end(new JsonObject()
                .put("orders", orders.size())
                .put("subscribers", subscribers)
                .put("events", events)
                .put("rss_kb", rssKb())
                .put("cpu_nanos", cpu)
                .put("open_fds", openFds())
                .put("heap_used_mb", (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20)
                .encode());
    }

    /** Changes {@code rate} orders a second, in 10 ms ticks, for {@code seconds}; answers once done. */
    private void drive(RoutingContext rc) {
        int rate = Integer.parseInt(rc.queryParam("rate").get(0));
        int seconds = Integer.parseInt(rc.queryParam("seconds").get(0));
        if (driving || orders.isEmpty()) {
            rc.response().setStatusCode(409).end();
            return;
        }
        driving = true;
        long start = System.nanoTime();
        long[] sent = { 0 };
        vertx.setPeriodic(10, timer -> {
            long elapsed = System.nanoTime() - start;
            long due = Math.min(elapsed, seconds * 1_000_000_000L) * rate / 1_000_000_000L;
            while (sent[0] < due) {
                int i = (int) (events % orders.size());
                change(orders.get(i), "BenchState" + (events / orders.size()));
                events++;
                sent[0]++;
            }
            if (elapsed >= seconds * 1_000_000_000L) {
                vertx.cancelTimer(timer);
                driving = false;
                rc.response().putHeader("Content-Type", "application/json").end(new JsonObject()
                        .put("events", sent[0]).put("seconds", (System.nanoTime() - start) / 1e9).encode());
            }
        });
    }

    /** Every open order moves once, now: the burst the relay has to absorb. */
    private void burst(RoutingContext rc) {
        String state = "BurstState" + bursts++;
        int changed = 0;
        for (FakeOrder order : orders) {
            if (!isTerminal(order.state)) {
                change(order, state);
                events++;
                changed++;
            }
        }
        rc.response().putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("events", changed).put("state", state).encode());
    }

    private void terminate(RoutingContext rc) {
        for (FakeOrder order : orders) {
            if (!isTerminal(order.state)) {
                setState(order, "Canceled");
            }
        }
        rc.response().end();
    }

    private void change(FakeOrder order, String state) {
        Instant at = setState(order, state);
        changes.append(order.id).append('\t').append(state).append('\t')
                .append(at.getEpochSecond() * 1_000_000 + at.getNano() / 1000).append('\n');
    }

    /** Applies the state and pushes it to the subscribers; returns when the change happened. */
    private Instant setState(FakeOrder order, String state) {
        Instant at = Instant.now();
        BigDecimal updated = epochMicros(at);
        order.updatedAt = updated.compareTo(order.updatedAt) > 0 ? updated : order.updatedAt.add(MICROS);
        order.state = state;
        order.render();
        String message = "data: " + order.text + "\n\n";
        boolean terminal = isTerminal(state);
        for (HttpServerResponse s : order.subscribers) {
            if (terminal) {
                s.end(message + stop(order));
                subscribers--;
            } else {
                s.write(message);
            }
        }
        if (terminal) {
            order.subscribers.clear();
        }
        return at;
    }

    private static String stop(FakeOrder order) {
        return "event: stop\ndata: " + new JsonObject().put("order_id", order.id).put("order_state", order.state).encode()
                + "\n\n";
    }

    private static boolean isTerminal(String state) {
        return switch (state) {
            case "Done", "Expired", "PaymentFailed", "PaymentSetupFailed", "Refunded", "Canceled" -> true;
            default -> false;
        };
    }

    private static BigDecimal epochMicros(Instant t) {
        return BigDecimal.valueOf(t.getEpochSecond() * 1_000_000 + t.getNano() / 1000, 6);
    }

    static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return -1;
    }

    static long openFds() {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (Exception e) {
            return -1;
        }
    }
}
