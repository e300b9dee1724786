package io.orderrelay.sandbox;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * The sandbox's state (orders, faults, request log) and its Java control API for tests running in the same JVM. The
 * same operations are exposed over HTTP under {@code /sandbox/control}. Removed from prod builds.
 */
@IfBuildProfile(anyOf = { "dev", "test" })
@ApplicationScoped
public class SandboxControl {

    private final SandboxConfig config;
    private final Vertx vertx;
    private final Map<String, SandboxOrder> orders = new ConcurrentHashMap<>();
    private final List<ActiveFault> faults = new CopyOnWriteArrayList<>();
    private final Deque<RecordedRequest> requests = new ArrayDeque<>();
    private volatile Duration advanceEvery = Duration.ZERO;
    private long timerId = -1;

    private record ActiveFault(Fault fault, AtomicInteger remaining) {
    }

    public SandboxControl(SandboxConfig config, Vertx vertx) {
        this.config = config;
        this.vertx = vertx;
    }

    void onStart(@Observes StartupEvent event) {
        autoAdvance(config.advanceEvery());
    }

    void onStop(@Observes ShutdownEvent event) {
        autoAdvance(Duration.ZERO);
    }

    // ---- orders ----

    /** The order as upstream would answer GET /v5/orders/{id}. */
    public Optional<JsonNode> order(String id) {
        return find(id).map(o -> o.current().json().deepCopy());
    }

    public List<JsonNode> orders() {
        return orders.values().stream().map(o -> (JsonNode) o.current().json().deepCopy()).toList();
    }

    /** Moves the order one step along its remaining path; IllegalStateException when the path is empty. */
    public JsonNode advance(String id) {
        SandboxOrder order = require(id);
        if (!order.advance()) {
            throw new IllegalStateException("Order " + id + " has no further state on its path (state "
                    + order.state() + ")");
        }
        return order.current().json().deepCopy();
    }

    /** Forces any state, unknown strings included, and pushes it to the subscribers. */
    public JsonNode setState(String id, String state) {
        SandboxOrder order = require(id);
        order.forceState(state);
        return order.current().json().deepCopy();
    }

    /** Replaces the states the order will go through next (advance or auto-advance), e.g. {@code ["Expired"]}. */
    public void setPath(String id, List<String> states) {
        require(id).setPath(states);
    }

    public List<String> remainingPath(String id) {
        return require(id).remainingPath();
    }

    /** Live /subscribe streams of the order. */
    public int subscriberCount(String id) {
        return require(id).subscribers.size();
    }

    /** Auto-advance every order one step this often; zero or negative stops it. */
    public synchronized void autoAdvance(Duration every) {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
            timerId = -1;
        }
        advanceEvery = every == null || every.isNegative() ? Duration.ZERO : every;
        if (!advanceEvery.isZero()) {
            long tick = Math.max(20, advanceEvery.toMillis() / 4);
            timerId = vertx.setPeriodic(tick, t -> advanceDue());
            Log.infof("Sandbox orders advance every %s", advanceEvery);
        }
    }

    private void advanceDue() {
        long due = System.nanoTime() - advanceEvery.toNanos();
        for (SandboxOrder order : orders.values()) {
            if (order.lastChangeNanos() <= due) {
                order.advance();
            }
        }
    }

    /** Creates an Airbnb 100 USD order paid in USDC on Solana, as if POST /v5/orders had been called; returns it. */
    public JsonNode createOrder(String email) {
        return createOrder(email, "Airbnb", "US", "100", 1, "USDC", "Solana");
    }

    /** Creates an order directly (no request recorded, no fault applied); IllegalArgumentException lists problems. */
    public JsonNode createOrder(String email, String brand, String country, String denomination, int quantity, String coin,
            String network) {
        var result = SandboxValidator.validate(new SandboxValidator.Request(email, "USER_WALLET", coin, network,
                List.of(new SandboxValidator.Item(null, brand, country, denomination, quantity))),
                config.maxOrderAmount());
        if (!result.valid()) {
            throw new IllegalArgumentException("Invalid sandbox order: " + result.problems());
        }
        return create(result, email).current().json().deepCopy();
    }

    SandboxOrder create(SandboxValidator.Result valid, String email) {
        SandboxOrder order = new SandboxOrder(email, valid.lines(), valid.coin(), valid.network());
        orders.put(order.id, order);
        return order;
    }

    Optional<SandboxOrder> find(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(orders.get(id));
    }

    private SandboxOrder require(String id) {
        return find(id).orElseThrow(() -> new NoSuchElementException("Order not found: " + id));
    }

    SandboxConfig config() {
        return config;
    }

    // ---- faults ----

    /** Adds a fault (defaults filled in); returns it with its id. IllegalArgumentException when it is invalid. */
    public Fault addFault(Fault fault) {
        Fault f = fault.normalized().withId(UUID.randomUUID().toString());
        faults.add(new ActiveFault(f, new AtomicInteger(f.times())));
        return f;
    }

    /** Active faults, with {@code times} showing how many uses remain (-1 forever). */
    public List<Fault> faults() {
        return faults.stream().map(a -> a.fault().times(a.remaining().get())).toList();
    }

    public boolean removeFault(String id) {
        return faults.removeIf(a -> a.fault().id().equals(id));
    }

    public void clearFaults() {
        faults.clear();
    }

    /** Consumes one use of the first fault of {@code kind} matching the request, if any. */
    Optional<Fault> takeFault(Fault.Kind kind, String method, String path, String orderId) {
        for (ActiveFault a : faults) {
            Fault f = a.fault();
            if (f.kind() != kind || (f.method() != null && !f.method().equals(method))
                    || (f.pathPrefix() != null && !path.startsWith(stripPrefix(f.pathPrefix())))
                    || (f.orderId() != null && !f.orderId().equals(orderId))) {
                continue;
            }
            if (consume(a)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    private boolean consume(ActiveFault a) {
        while (true) {
            int left = a.remaining().get();
            if (left == -1) {
                return true;
            }
            if (left <= 0) {
                return false;
            }
            if (a.remaining().compareAndSet(left, left - 1)) {
                if (left == 1) {
                    faults.remove(a);
                }
                return true;
            }
        }
    }

    // ---- request log ----

    void record(RecordedRequest request) {
        synchronized (requests) {
            requests.addLast(request);
            while (requests.size() > Math.max(1, config.requestLogSize())) {
                requests.removeFirst();
            }
        }
    }

    /** Every recorded upstream request, oldest first. */
    public List<RecordedRequest> requests() {
        return requests(null, null);
    }

    /** Recorded upstream requests with this method (null: any) and path prefix (null: any), oldest first. */
    public List<RecordedRequest> requests(String method, String pathPrefix) {
        List<RecordedRequest> out = new ArrayList<>();
        synchronized (requests) {
            for (Iterator<RecordedRequest> it = requests.iterator(); it.hasNext();) {
                RecordedRequest r = it.next();
                if ((method == null || method.isEmpty() || r.method().equalsIgnoreCase(method))
                        && (pathPrefix == null || pathPrefix.isEmpty() || r.path().startsWith(stripPrefix(pathPrefix)))) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    /** How many requests had exactly this method and path, e.g. {@code count("POST", "/v5/orders")}. */
    public long count(String method, String path) {
        return requests(method, path).stream().filter(r -> r.path().equals(stripPrefix(path))).count();
    }

    public void clearRequests() {
        synchronized (requests) {
            requests.clear();
        }
    }

    /** Forgets orders, faults and the request log; live streams of forgotten orders stay open but get nothing more. */
    public void reset() {
        orders.clear();
        clearFaults();
        clearRequests();
    }

    static String stripPrefix(String path) {
        return path.startsWith(SandboxRoutes.PREFIX + "/") ? path.substring(SandboxRoutes.PREFIX.length()) : path;
    }
}
