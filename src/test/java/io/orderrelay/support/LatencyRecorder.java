package io.orderrelay.support;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs a call N times at fixed concurrency and reports throughput and latency percentiles. */
public final class LatencyRecorder {

    public record Result(String name, int calls, int concurrency, double seconds, long p50Micros, long p99Micros,
            long maxMicros) {

        public double perSecond() {
            return calls / seconds;
        }

        @Override
        public String toString() {
            return String.format("%-28s %6d calls, concurrency %3d: %8.1f/s, p50 %7.2f ms, p99 %7.2f ms, max %7.2f ms",
                    name, calls, concurrency, perSecond(), p50Micros / 1000.0, p99Micros / 1000.0, maxMicros / 1000.0);
        }
    }

    @FunctionalInterface
    public interface Call {
        void run(int i) throws Exception;
    }

    private LatencyRecorder() {
    }

    public static Result measure(String name, int calls, int concurrency, Call call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>(calls));
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>(calls);
        for (int i = 0; i < calls; i++) {
            int n = i;
            futures.add(pool.submit(() -> {
                long t0 = System.nanoTime();
                call.run(n);
                latencies.add((System.nanoTime() - t0) / 1000);
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return new Result(name, calls, concurrency, seconds, percentile(sorted, 50), percentile(sorted, 99),
                sorted.get(sorted.size() - 1));
    }

    private static long percentile(List<Long> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
