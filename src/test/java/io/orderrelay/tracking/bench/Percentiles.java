package io.orderrelay.tracking.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

/** Latency percentiles of a benchmark, in milliseconds. */
public record Percentiles(int samples, double p50, double p99, double max) {

    /**
     * For every event seen at the far end ({@code seenAt}: event id -> when), the time since the upstream change that
     * caused it ({@code changeOfEvent}: event id -> change key; {@code changedAt}: change key -> when).
     */
    public static Percentiles between(Map<String, String> changeOfEvent, Map<String, Instant> changedAt,
            Map<String, Instant> seenAt) {
        long[] micros = seenAt.entrySet().stream().mapToLong(e -> {
            String change = changeOfEvent.get(e.getKey());
            Instant changed = change == null ? null : changedAt.get(change);
            return changed == null ? -1 : Duration.between(changed, e.getValue()).toNanos() / 1000;
        }).filter(m -> m >= 0).sorted().toArray();
        return of(micros);
    }

    /** From sorted microseconds. */
    public static Percentiles of(long[] sortedMicros) {
        if (sortedMicros.length == 0) {
            return new Percentiles(0, 0, 0, 0);
        }
        return new Percentiles(sortedMicros.length, at(sortedMicros, 0.50), at(sortedMicros, 0.99),
                sortedMicros[sortedMicros.length - 1] / 1e3);
    }

    public static Percentiles ofNanos(long[] nanos) {
        long[] micros = Arrays.stream(nanos).map(n -> n / 1000).sorted().toArray();
        return of(micros);
    }

    private static double at(long[] sorted, double p) {
        return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1))] / 1e3;
    }

    @Override
    public String toString() {
        return String.format("%d samples: p50 %.1f ms, p99 %.1f ms, max %.1f ms", samples, p50, p99, max);
    }
}
