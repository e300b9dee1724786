package io.orderrelay.tracking;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderrelay.tracing.OrderMdc;
import io.orderrelay.upstream.UpstreamClient;
import io.orderrelay.upstream.UpstreamStreams;
import io.quarkus.logging.Log;
import io.vertx.core.Vertx;

/**
 * One replica's tracking: claims open orders by lease, runs one {@link OrderSubscriber} per claimed order, renews
 * the leases, and gives orders up when they end or when it stops. The bean {@link TrackingService} runs one per
 * replica; several trackers (each with its own owner id) may share one JVM and one database.
 */
public final class Tracker {

    /** The knobs of one tracker; from {@link TrackingConfig}, with the capacity overridable for tests. */
    public record Settings(Duration leaseDuration, Duration renewInterval, Duration claimInterval, int claimBatch,
            int capacity, Duration pollInterval, Duration reconcileInterval, Duration backoffMin, Duration backoffMax) {

        public static Settings of(TrackingConfig c) {
            return new Settings(c.leaseDuration(), c.renewInterval(), c.claimInterval(), c.claimBatch(), c.capacity(),
                    c.pollInterval(), c.reconcileInterval(), c.backoffMin(), c.backoffMax());
        }

        public Settings withCapacity(int capacity) {
            return new Settings(leaseDuration, renewInterval, claimInterval, claimBatch, capacity, pollInterval,
                    reconcileInterval, backoffMin, backoffMax);
        }
    }

    /**
     * What a tracker needs from the application; one instance shared by every tracker of the JVM.
     *
     * @param pipeline    where observations wait for the database (bounded, applied in batches)
     * @param leaseThread runs every claim, renewal and release, and nothing else: ownership never waits behind
     *                    observation work (the pipeline's workers), and {@link Leases} has its own connections
     * @param traces      gives each upstream observation its trace
     */
    public record Dependencies(Leases leases, UpstreamClient upstream,
            UpstreamStreams streams, Vertx vertx, ObservationPipeline pipeline, ScheduledExecutorService leaseThread,
            TrackingMetrics metrics, ObjectMapper json, ObservationTraces traces) {
    }

    /** Leases of orders that ended while their owner was dead are purged after this long. */
    private static final Duration PURGE_AFTER = Duration.ofHours(1);

    final String owner;
    final Settings settings;
    final Dependencies deps;
    private final Map<UUID, OrderSubscriber> held = new ConcurrentHashMap<>();
    /** A claim is queued on the lease thread and has not started yet: further wake-ups add nothing. */
    private final AtomicBoolean claimQueued = new AtomicBoolean();
    /** Orders named by {@link #follow}, claimed by id on the lease thread. */
    private final Queue<UUID> wanted = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean followQueued = new AtomicBoolean();
    final AtomicInteger liveStreams = new AtomicInteger();
    final AtomicInteger polling = new AtomicInteger();
    final AtomicInteger paused = new AtomicInteger();
    private volatile boolean running;
    private volatile boolean claimedOnce;
    private ScheduledFuture<?> claimTick;
    private ScheduledFuture<?> renewTick;
    private int renewals;

    public Tracker(String owner, Settings settings, Dependencies deps) {
        this.owner = owner;
        this.settings = settings;
        this.deps = deps;
    }

    public String owner() {
        return owner;
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        deps.metrics().register(this);
        long claimEvery = settings.claimInterval().toMillis();
        long renewEvery = settings.renewInterval().toMillis();
        claimTick = deps.leaseThread().scheduleWithFixedDelay(this::claim, claimEvery, claimEvery, TimeUnit.MILLISECONDS);
        renewTick = deps.leaseThread().scheduleWithFixedDelay(this::renew, renewEvery, renewEvery, TimeUnit.MILLISECONDS);
        Log.infof("Tracker %s started (capacity %d)", owner, settings.capacity());
        wake();
    }

    /** Graceful stop: every subscriber closed and every lease released, so other replicas take over at once. */
    public void stop() {
        if (halt()) {
            try {
                int released = deps.leases().releaseAll(owner);
                Log.infof("Tracker %s stopped; released %d orders", owner, released);
            } catch (Exception e) {
                Log.warnf("Tracker %s could not release its leases (they expire by themselves): %s", owner, e.getMessage());
            }
        }
    }

    private synchronized boolean halt() {
        if (!running) {
            return false;
        }
        running = false;
        claimTick.cancel(false);
        renewTick.cancel(false);
        held.values().forEach(OrderSubscriber::stop);
        held.clear();
        deps.metrics().unregister(this);
        return true;
    }

    public boolean running() {
        return running;
    }

    /** True once the tracker has run its first claim: readiness. */
    public boolean ready() {
        return running && claimedOnce;
    }

    public Set<UUID> heldOrders() {
        return Set.copyOf(held.keySet());
    }

    int heldCount() {
        return held.size();
    }

    int liveStreamCount() {
        return liveStreams.get();
    }

    int pollingCount() {
        return polling.get();
    }

    int pausedCount() {
        return paused.get();
    }

    /** Looks for unclaimed open orders now (a claim found more than one batch, room was freed). */
    public void wake() {
        if (running && claimQueued.compareAndSet(false, true)) {
            deps.leaseThread().execute(this::claim);
        }
    }

    /**
     * Claims this order soon (it just became trackable on this replica): by its id, which costs a lookup, where a
     * {@link #wake} walks the open orders past every followed one (so a placement each would cost a walk each). The
     * periodic claim still finds any order this misses.
     */
    public void follow(UUID orderId) {
        if (running) {
            wanted.add(orderId);
            if (followQueued.compareAndSet(false, true)) {
                deps.leaseThread().execute(this::claimWanted);
            }
        }
    }

    /** On the lease thread: the orders {@link #follow} named since the last time. */
    private void claimWanted() {
        followQueued.set(false);
        int limit = Math.min(settings.capacity() - held.size(), settings.claimBatch());
        List<UUID> ids = new ArrayList<>();
        for (UUID id; ids.size() < limit && (id = wanted.poll()) != null;) {
            ids.add(id);
        }
        if (limit <= 0) {
            wanted.clear(); // no room: the periodic claim takes them once there is
        }
        if (ids.isEmpty() || !running) {
            return;
        }
        try {
            start(deps.leases().claim(owner, ids, settings.leaseDuration()));
        } catch (Exception e) {
            Log.warnf("Tracker %s could not claim orders: %s", owner, e.getMessage());
        }
        if (!wanted.isEmpty() && followQueued.compareAndSet(false, true)) {
            deps.leaseThread().execute(this::claimWanted);
        }
    }

    /** On the lease thread (the tick or a wake-up). */
    private void claim() {
        claimQueued.set(false);
        boolean full = false;
        try {
            int room = settings.capacity() - held.size();
            if (running && room > 0) {
                int limit = Math.min(room, settings.claimBatch());
                List<Leases.Claimed> claimed = deps.leases().claim(owner, limit, settings.leaseDuration());
                start(claimed);
                full = claimed.size() == limit;
                if (!claimed.isEmpty()) {
                    Log.debugf("Tracker %s claimed %d orders (%d held)", owner, claimed.size(), held.size());
                }
            }
            claimedOnce = true;
        } catch (Exception e) {
            Log.warnf("Tracker %s could not claim orders: %s", owner, e.getMessage());
        }
        if (full) {
            wake();
        }
    }

    /** A subscriber for each order just claimed. */
    private synchronized void start(List<Leases.Claimed> claimed) { // not while halt() clears the subscribers
        for (Leases.Claimed c : claimed) {
            if (!running) {
                return; // the leases expire and another replica takes them
            }
            OrderSubscriber subscriber = new OrderSubscriber(this, c.orderId(), c.upstreamOrderId(), c.countryCode());
            // an order already followed here (its lease expired unrenewed and we took it again) keeps its subscriber:
            // a second one would be a second follower
            if (held.putIfAbsent(c.orderId(), subscriber) == null) {
                subscriber.start();
            }
        }
    }

    /**
     * On the lease thread. Renews every lease still ours, expired or not: a lease nobody else took is kept, only one
     * another replica took (or that was deleted) is lost, and its subscriber stops.
     */
    private void renew() {
        if (!running) {
            return;
        }
        long started = System.nanoTime();
        try {
            Set<UUID> mine = Set.copyOf(held.keySet());
            Set<UUID> kept = deps.leases().renew(owner, mine, settings.leaseDuration());
            for (UUID id : mine) {
                if (!kept.contains(id)) {
                    // taken over by another replica (we were paused or cut off longer than a lease)
                    OrderSubscriber lost = held.remove(id);
                    if (lost != null && !lost.isEnded()) {
                        try (OrderMdc mdc = OrderMdc.of(id)) {
                            Log.warnf("Tracker %s lost its lease on order %s; no longer following it", owner, id);
                        }
                        deps.metrics().leaseLost();
                        lost.stop();
                    }
                }
            }
            deps.metrics().renewed(System.nanoTime() - started);
            if (++renewals % 100 == 0) {
                deps.leases().purgeExpired(PURGE_AFTER);
            }
        } catch (Exception e) {
            Log.warnf("Tracker %s could not renew its leases: %s", owner, e.getMessage());
        }
    }

    /** Called by a subscriber whose order reached a terminal state: the lease is given up. */
    void finished(OrderSubscriber subscriber) {
        if (!held.remove(subscriber.orderId, subscriber)) {
            return;
        }
        deps.leaseThread().execute(() -> {
            try {
                deps.leases().release(owner, subscriber.orderId);
            } catch (Exception e) {
                Log.debugf("Tracker %s could not release order %s (the lease expires): %s", owner, subscriber.orderId,
                        e.getMessage());
            }
        });
        if (running) {
            wake(); // room for another order
        }
    }
}
