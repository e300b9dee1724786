package io.orderrelay.tracking;

import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.orderrelay.order.OrderState;
import io.orderrelay.order.TransitionRecorded;
import io.orderrelay.upstream.UpstreamClient;
import io.orderrelay.upstream.UpstreamStreams;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * This replica's {@link Tracker}: started with the application (every open order is resumed by claiming it),
 * stopped gracefully at shutdown (leases released so that the other replicas take over at once), woken when a
 * new trackable order is committed.
 */
@ApplicationScoped
public class TrackingService {

    private final TrackingConfig config;
    private final Tracker.Dependencies deps;
    private final ObservationPipeline pipeline;
    private final ScheduledExecutorService leaseThread;
    private volatile Tracker tracker;
    private volatile Tracker.Settings settings;

    public TrackingService(TrackingConfig config, Leases leases, ObservationApplier applier, UpstreamClient upstream,
            UpstreamStreams streams, Vertx vertx, TrackingMetrics metrics, ObjectMapper json, ObservationTraces traces) {
        this.config = config;
        this.pipeline = new ObservationPipeline(applier, metrics, config.observationQueue(), config.observationBatch(),
                config.workerThreads());
        metrics.observe(pipeline);
        pipeline.start();
        // one thread for the leases of every tracker of the JVM: claims, renewals and releases are short statements
        // on the leases pool, and must never queue behind observation work
        this.leaseThread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tracking-leases");
            t.setDaemon(true);
            return t;
        });
        this.deps = new Tracker.Dependencies(leases, upstream, streams, vertx, pipeline, leaseThread, metrics, json,
                traces);
    }

    void onStart(@Observes StartupEvent event) {
        if (config.enabled()) {
            settings = withinOpenFiles(Tracker.Settings.of(config), maxOpenFiles(), config.openFilesReserve());
            tracker = newTracker(ownerId(), settings);
            tracker.start();
        } else {
            Log.info("Tracking is disabled on this replica (relay.tracking.enabled=false)");
        }
    }

    /** Before the datasource and HTTP client go: release every lease (priority: early among shutdown observers). */
    void onStop(@Observes @Priority(1) ShutdownEvent event) {
        Tracker current = tracker;
        if (current != null) {
            current.stop();
        }
        pipeline.stop();
        leaseThread.shutdown();
        try {
            leaseThread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A newly trackable order (e.g. just placed) is claimed at once rather than at the next tick. */
    void onTransition(@Observes(during = TransactionPhase.AFTER_SUCCESS) TransitionRecorded recorded) {
        Tracker current = tracker;
        String from = recorded.transition().fromState();
        String to = recorded.transition().toState();
        // only an order becoming trackable (its create answered, or resolved by an operator) needs a claim;
        // the changes of orders already followed must not cost a claim query each
        boolean becameTrackable = from == null || OrderState.LOCAL.contains(from);
        if (current != null && becameTrackable && recorded.order().upstreamOrderId() != null
                && !OrderState.isTerminal(to) && !OrderState.LOCAL.contains(to)) {
            current.follow(recorded.order().id());
        }
    }

    /** The replica's tracker, null when tracking is disabled. */
    public Tracker tracker() {
        return tracker;
    }

    public boolean enabled() {
        return config.enabled();
    }

    private Tracker newTracker(String owner, Tracker.Settings settings) {
        return new Tracker(owner, settings, deps);
    }

    /** This replica's settings: the configured ones, the capacity lowered to fit the open files allowed. */
    public Tracker.Settings settings() {
        Tracker.Settings s = settings;
        return s != null ? s : Tracker.Settings.of(config);
    }

    /**
     * Each followed order holds an upstream stream, one file descriptor. The JVM raises its soft limit of open files
     * to the hard limit by itself (-XX:+MaxFDLimit, the default on Linux), so what it reports is all there is; past
     * it every accept, database connection and delivery fails, not only the streams: follow fewer orders instead.
     */
    static Tracker.Settings withinOpenFiles(Tracker.Settings s, long maxOpenFiles, int reserve) {
        long room = maxOpenFiles - reserve;
        if (maxOpenFiles <= 0 || s.capacity() <= room) {
            Log.infof("Tracking: up to %d orders (open files allowed: %d, kept for the rest: %d)", s.capacity(),
                    maxOpenFiles, reserve);
            return s;
        }
        int capacity = (int) Math.max(0, room);
        Log.warnf("Tracking: this process may open %d files and keeps %d for the rest: it follows at most %d orders, "
                + "not the %d configured (relay.tracking.capacity). Raise the container's hard limit of open files "
                + "(RLIMIT_NOFILE) to follow more here", maxOpenFiles, reserve, capacity, s.capacity());
        return s.withCapacity(capacity);
    }

    /** The limit of open files of this process, -1 when the platform does not say. */
    static long maxOpenFiles() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount();
        }
        return -1;
    }

    /**
     * Replaces the replica's tracker by a fresh one with a new owner id (the old one stopped gracefully if still
     * running): what a restarted replica does.
     */
    public synchronized Tracker restart() {
        Tracker old = tracker;
        if (old != null) {
            old.stop();
        }
        tracker = newTracker(ownerId(), settings());
        tracker.start();
        return tracker;
    }

    private static String ownerId() {
        String host = System.getenv().getOrDefault("HOSTNAME", "local");
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
