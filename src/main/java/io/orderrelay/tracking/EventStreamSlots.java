package io.orderrelay.tracking;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderrelay.config.Gauges;

/** Counts the open event streams of this replica, per API key and in all, against the configured limits. */
@ApplicationScoped
public class EventStreamSlots {

    /** Which limit refused a stream. */
    public enum Limit {
        KEY, REPLICA
    }

    public sealed interface Admission {
    }

    /** Admitted: {@link Slot#release()} when the stream ends, however it ends. */
    public static final class Slot implements Admission {
        private final EventStreamSlots owner;
        private final String keyId;
        private final AtomicBoolean released = new AtomicBoolean();

        private Slot(EventStreamSlots owner, String keyId) {
            this.owner = owner;
            this.keyId = keyId;
        }

        public String keyId() {
            return keyId;
        }

        /** Idempotent. */
        public void release() {
            if (released.compareAndSet(false, true)) {
                owner.free(keyId);
            }
        }
    }

    public record Refused(Limit limit, int max) implements Admission {
    }

    private final AtomicInteger total = new AtomicInteger();
    private final Map<String, Integer> perKey = new ConcurrentHashMap<>();
    private final EventStreamConfig config;
    private final Counter refusedByKey;
    private final Counter refusedByReplica;

    public EventStreamSlots(EventStreamConfig config, MeterRegistry registry) {
        this.config = config;
        Gauges.forgetPrevious(registry, "relay.events.streams");
        Gauge.builder("relay.events.streams", total, AtomicInteger::get)
                .description("Open GET /v1/orders/{id}/events streams on this replica").register(registry);
        this.refusedByKey = Counter.builder("relay.events.streams.refused").tag("limit", "key")
                .description("Event streams refused with 429 over a limit").register(registry);
        this.refusedByReplica = Counter.builder("relay.events.streams.refused").tag("limit", "replica")
                .description("Event streams refused with 429 over a limit").register(registry);
    }

    public Admission admit(String keyId) {
        if (total.incrementAndGet() > config.maxStreamsPerReplica()) {
            total.decrementAndGet();
            refusedByReplica.increment();
            return new Refused(Limit.REPLICA, config.maxStreamsPerReplica());
        }
        AtomicBoolean admitted = new AtomicBoolean();
        perKey.compute(keyId, (k, open) -> {
            int n = open == null ? 0 : open;
            if (n >= config.maxStreamsPerKey()) {
                return open;
            }
            admitted.set(true);
            return n + 1;
        });
        if (!admitted.get()) {
            total.decrementAndGet();
            refusedByKey.increment();
            return new Refused(Limit.KEY, config.maxStreamsPerKey());
        }
        return new Slot(this, keyId);
    }

    private void free(String keyId) {
        perKey.computeIfPresent(keyId, (k, open) -> open <= 1 ? null : open - 1);
        total.decrementAndGet();
    }

    /** Open streams on this replica. */
    public int open() {
        return total.get();
    }

    /** The keys holding at least one open stream. */
    Set<String> keys() {
        return Set.copyOf(perKey.keySet());
    }
}
