package io.orderrelay.tracking;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.orderrelay.config.Gauges;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.orderrelay.order.TransitionSource;
import io.quarkus.runtime.Startup;

/**
 * Tracking meters, shared by every {@link Tracker} of the JVM: gauges sum over the registered trackers (one in
 * production; several in tests).
 */
@ApplicationScoped
@Startup // its gauges exist from the start, not from the first scheduled refresh
public class TrackingMetrics {

    private final Counter reconnects;
    private final Counter invalidPayloads;
    private final Counter leasesLost;
    private final MeterRegistry registry;
    private final Timer latency;
    private final Timer renewal;
    private final Timer commit;
    private final DistributionSummary batchSize;
    private volatile IntSupplier queueDepth = () -> 0;
    private final Set<Tracker> trackers = ConcurrentHashMap.newKeySet();
    private final java.util.Map<TransitionSource, Counter> transitions = new java.util.EnumMap<>(TransitionSource.class);

    public TrackingMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.reconnects = Counter.builder("relay.tracking.reconnects")
                .description("Upstream streams reopened after an end or a failure").register(registry);
        this.invalidPayloads = Counter.builder("relay.tracking.invalid.payloads")
                .description("Upstream order payloads (stream messages, poll answers) ignored: not a valid order of the "
                        + "stream, or over the size limits")
                .register(registry);
        this.leasesLost = Counter.builder("relay.tracking.leases.lost")
                .description("Followed orders whose lease was found lost at renewal (their subscriber was stopped)")
                .register(registry);
        this.renewal = Timer.builder("relay.tracking.lease.renewal")
                .description("One renewal of every lease a tracker holds, on the lease thread")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.commit = Timer.builder("relay.tracking.observation.commit")
                .description("One transaction applying a batch of observations (group commit), commit included")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.batchSize = DistributionSummary.builder("relay.tracking.observation.batch.size")
                .description("Observations applied in one transaction").publishPercentiles(0.5, 0.99).register(registry);
        this.latency = Timer.builder("relay.tracking.observation.latency")
                .description("From an upstream message (or poll answer) received to its transition committed")
                .publishPercentiles(0.5, 0.99).register(registry);
        for (TransitionSource source : TransitionSource.values()) {
            transitions.put(source, Counter.builder("relay.tracking.transitions").tag("source", source.wire())
                    .description("Transitions recorded by the trackers").register(registry));
        }
        Gauges.forgetPrevious(registry, "relay.tracking.orders", "relay.tracking.streams.live",
                "relay.tracking.orders.polling", "relay.tracking.streams.paused", "relay.tracking.observation.queue");
        Gauge.builder("relay.tracking.orders", this, m -> m.sum(Tracker::heldCount))
                .description("Open orders followed by this replica").register(registry);
        Gauge.builder("relay.tracking.streams.live", this, m -> m.sum(Tracker::liveStreamCount))
                .description("Upstream streams currently open").register(registry);
        Gauge.builder("relay.tracking.orders.polling", this, m -> m.sum(Tracker::pollingCount))
                .description("Followed orders whose stream is unavailable, polled instead").register(registry);
        Gauge.builder("relay.tracking.streams.paused", this, m -> m.sum(Tracker::pausedCount))
                .description("Followed orders that stopped reading their stream until the database catches up")
                .register(registry);
        Gauge.builder("relay.tracking.observation.queue", this, m -> m.queueDepth.getAsInt())
                .description("Observations waiting for a worker (bounded by relay.tracking.observation-queue)")
                .register(registry);
    }

    /** The pipeline whose queue the depth gauge shows (one per application). */
    void observe(ObservationPipeline pipeline) {
        this.queueDepth = pipeline::depth;
    }

    void batchApplied(int size, long nanos) {
        batchSize.record(size);
        commit.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Open orders followed by the trackers of this JVM (one tracker per replica in production). */
    public int followedOrders() {
        return (int) sum(Tracker::heldCount);
    }

    public int liveStreams() {
        return (int) sum(Tracker::liveStreamCount);
    }

    /** Followed orders whose stream is unavailable, polled instead. */
    public int pollingOrders() {
        return (int) sum(Tracker::pollingCount);
    }

    public double pausedStreams() {
        return sum(Tracker::pausedCount);
    }

    public double queueDepth() {
        return queueDepth.getAsInt();
    }

    public DistributionSummary batchSizes() {
        return batchSize;
    }

    void register(Tracker tracker) {
        trackers.add(tracker);
    }

    void unregister(Tracker tracker) {
        trackers.remove(tracker);
    }

    private double sum(java.util.function.ToIntFunction<Tracker> f) {
        return trackers.stream().mapToInt(f).sum();
    }

    void reconnect() {
        reconnects.increment();
    }

    void invalidPayload() {
        invalidPayloads.increment();
    }

    void leaseLost() {
        leasesLost.increment();
    }

    void renewed(long nanos) {
        renewal.record(nanos, TimeUnit.NANOSECONDS);
    }

    public double leasesLost() {
        return leasesLost.count();
    }

    void transition(TransitionSource source, Instant observedAt) {
        transitions.get(source).increment();
        if (observedAt != null) {
            latency.record(Duration.between(observedAt, Instant.now()));
        }
    }

    public Timer latency() {
        return latency;
    }

    public double invalidPayloads() {
        return invalidPayloads.count();
    }

    public double reconnects() {
        return reconnects.count();
    }

    MeterRegistry registry() {
        return registry;
    }
}
