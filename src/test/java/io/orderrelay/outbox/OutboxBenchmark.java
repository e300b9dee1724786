package io.orderrelay.outbox;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.orderrelay.order.Ids;
import io.orderrelay.order.Observation;
import io.orderrelay.order.Order;
import io.orderrelay.order.TransitionSource;
import io.orderrelay.order.TransitionWriter;
import io.orderrelay.support.RawProducer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Sustained transitions per second from commit to broker acknowledgement, and the commit-to-ack latency,
 * beside the raw producer rate of the same broker with the same producer settings (the ceiling). The backlog
 * drain runs twice per sender, alternating, in the same run: the relay sending through the Reactive Messaging
 * channel (production) and the same relay sending through a plain KafkaProducer with the same settings (before
 * issue 14), {@code outbox.benchmark.rounds} rounds (3); then the send path alone, without the database, both ways.
 * Each comparison also gives this JVM's CPU time per row (broker included), steadier than rates when other processes
 * load the machine. The background relay is off; the benchmark runs the relay's loop itself, then its cycles.
 * Run: {@code ./mvnw verify -Pbenchmark -Dbenchmark=OutboxBenchmark}.
 */
@QuarkusTest
@TestProfile(RelayDisabled.class)
class OutboxBenchmark {

    private static final int ORDERS = Integer.getInteger("outbox.benchmark.orders", 1500);
    private static final int WRITERS = Integer.getInteger("outbox.benchmark.writers", 4);
    /** After Submitting: 6 more states, 7 transitions per order. */
    private static final int BACKLOG_ORDERS = Integer.getInteger("outbox.benchmark.backlog-orders", 10_000);
    /** Rounds of each comparison, the two senders alternating; the ratio is taken per round, then the median. */
    private static final int ROUNDS = Integer.getInteger("outbox.benchmark.rounds", 3);
    private static final List<String> STATES = List.of("Created", "WaitingForPayment", "PaymentStarted",
            "PaymentReceived", "WaitingForDelivery", "Done");

    @Inject
    TransitionWriter writer;
    @Inject
    OutboxRelay relay;
    @Inject
    OutboxStore store;
    @Inject
    OutboxMetrics metrics;
    @Inject
    io.orderrelay.config.RelayConfig relayConfig;
    @Inject
    EntityManager em;
    @Inject
    OutboxConfig config;
    @Inject
    TransitionPublisher publisher;
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @Test
    void measuresCommitToAckThroughputAndLatencyAgainstTheRawProducerCeiling() throws Exception {
        relay.startLoop();
        Result sustained;
        try {
            run(200, "warm-up");
            sustained = run(ORDERS, "measured");
        } finally {
            relay.stopLoop();
        }
        List<Result> channel = new ArrayList<>();
        List<Result> plain = new ArrayList<>();
        List<Result> channelSends = new ArrayList<>();
        List<Result> plainSends = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(RawProducer.producerConfig(kafkaConfig, config))) {
            String topic = relayConfig.kafka().topic();
            Function<OutboxRow, CompletableFuture<Void>> plainSend = row -> {
                CompletableFuture<Void> acked = new CompletableFuture<>();
                producer.send(new ProducerRecord<>(topic, null, row.orderId().toString(), row.payload(),
                        TransitionPublisher.headers(row, row.traceparent())), (m, error) -> {
                            if (error == null) {
                                acked.complete(null);
                            } else {
                                acked.completeExceptionally(error);
                            }
                        });
                return acked;
            };
            OutboxRelay plainRelay = new OutboxRelay(store, plainSend, metrics, config);
            drain(plainRelay, 1000, sustained.avgPayloadBytes()); // warm-up of the plain producer
            sendOnly(publisher::send, 5000, sustained.avgPayloadBytes()); // warm-up of both send paths
            sendOnly(plainSend, 5000, sustained.avgPayloadBytes());
            for (int round = 0; round < ROUNDS; round++) {
                channel.add(drain(relay, BACKLOG_ORDERS, sustained.avgPayloadBytes()));
                plain.add(drain(plainRelay, BACKLOG_ORDERS, sustained.avgPayloadBytes()));
                channelSends.add(sendOnly(publisher::send, BACKLOG_ORDERS * 5, sustained.avgPayloadBytes()));
                plainSends.add(sendOnly(plainSend, BACKLOG_ORDERS * 5, sustained.avgPayloadBytes()));
                System.out.printf("round %d at %s: drain channel %s, plain %s rows/s (JVM CPU %s / %s us per row);"
                        + " sends channel %s, plain %s rows/s (JVM CPU %s / %s us per row); load %s%n", round, Instant.now(),
                        rates(channel.subList(round, round + 1)), rates(plain.subList(round, round + 1)),
                        cpu(channel.subList(round, round + 1)), cpu(plain.subList(round, round + 1)),
                        rates(channelSends.subList(round, round + 1)), rates(plainSends.subList(round, round + 1)),
                        cpu(channelSends.subList(round, round + 1)), cpu(plainSends.subList(round, round + 1)),
                        loadAverage());
            }
        }
        Result raw = rawProducer(sustained.transitions(), sustained.avgPayloadBytes());
        double channelRate = channel.stream().mapToDouble(r -> r.transitions() / r.ackSeconds()).max().orElseThrow();
        double plainRate = plain.stream().mapToDouble(r -> r.transitions() / r.ackSeconds()).max().orElseThrow();
        double channelSendRate = channelSends.stream().mapToDouble(r -> r.transitions() / r.ackSeconds()).max().orElseThrow();
        double plainSendRate = plainSends.stream().mapToDouble(r -> r.transitions() / r.ackSeconds()).max().orElseThrow();

        System.out.printf("""

                ==== OutboxBenchmark (%d orders x %d transitions, %d writer threads, in-JVM broker, %d cores) ====
                outbox relay : %,d transitions committed in %.2f s (%,.0f commits/s); all acknowledged after %.2f s
                               -> sustained %,.0f transitions/s commit-to-ack
                               commit-to-ack latency (row insert -> marked sent after the ack): p50 %.1f ms, p99 %.1f ms, max %.1f ms
                backlog drain: %,d rows (%,d orders x 5) committed at once, drained by the relay's cycles (claim, send, ack, mark)
                               Reactive Messaging channel : %s rows/s (best %,.0f); JVM CPU %s us per row
                               plain KafkaProducer        : %s rows/s (best %,.0f); JVM CPU %s us per row
                               -> channel / plain = %.2f (best against best), per round %s (median %.2f)
                send and ack only (no database): the same rows in batches of relay.outbox.batch-size, each batch's
                               acknowledgements awaited before the next
                               Reactive Messaging channel : %s rows/s (best %,.0f); JVM CPU %s us per row
                               plain KafkaProducer        : %s rows/s (best %,.0f); JVM CPU %s us per row
                               -> channel / plain = %.2f (best against best), per round %s (median %.2f)
                raw producer : %,d records of %d bytes, same settings (acks=all, idempotent), one send loop + flush
                               -> %,.0f records/s; send-to-ack p50 %.1f ms, p99 %.1f ms
                ==========================================================================================
                %n""", ORDERS, STATES.size() + 1, WRITERS, Runtime.getRuntime().availableProcessors(),
                sustained.transitions(), sustained.commitSeconds(), sustained.transitions() / sustained.commitSeconds(),
                sustained.ackSeconds(), sustained.transitions() / sustained.ackSeconds(), sustained.p50(), sustained.p99(),
                sustained.max(), BACKLOG_ORDERS * 5L, BACKLOG_ORDERS, rates(channel), channelRate, cpu(channel), rates(plain),
                plainRate, cpu(plain), channelRate / plainRate, ratios(channel, plain), median(channel, plain),
                rates(channelSends), channelSendRate, cpu(channelSends), rates(plainSends), plainSendRate, cpu(plainSends),
                channelSendRate / plainSendRate,
                ratios(channelSends, plainSends), median(channelSends, plainSends), raw.transitions(), sustained.avgPayloadBytes(), raw.transitions() / raw.ackSeconds(),
                raw.p50(), raw.p99());
    }

    private static String rates(List<Result> runs) {
        return String.join(", ", runs.stream().map(r -> String.format("%,.0f", r.transitions() / r.ackSeconds())).toList());
    }

    private static String cpu(List<Result> runs) {
        return String.join(", ", runs.stream().map(r -> String.format("%.1f", r.cpuMicrosPerRow())).toList());
    }

    private static double[] roundRatios(List<Result> a, List<Result> b) {
        double[] ratios = new double[a.size()];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = (a.get(i).transitions() / a.get(i).ackSeconds()) / (b.get(i).transitions() / b.get(i).ackSeconds());
        }
        return ratios;
    }

    private static String ratios(List<Result> a, List<Result> b) {
        return String.join(", ", Arrays.stream(roundRatios(a, b)).mapToObj(r -> String.format("%.2f", r)).toList());
    }

    private static double median(List<Result> a, List<Result> b) {
        double[] ratios = roundRatios(a, b);
        Arrays.sort(ratios);
        return ratios.length % 2 == 1 ? ratios[ratios.length / 2]
                : (ratios[ratios.length / 2 - 1] + ratios[ratios.length / 2]) / 2;
    }

    private static String loadAverage() {
        return String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /**
     * The send path alone: {@code rows} rows of 5 per order sent by {@code send} in batches of the relay's batch size,
     * outside any transaction (the relay suspends its cycle's transaction to send), waiting for all its
     * acknowledgements before the next.
     */
    private Result sendOnly(Function<OutboxRow, CompletableFuture<Void>> send, int rows, int payloadBytes) {
        byte[] payload = "x".repeat(payloadBytes).getBytes(StandardCharsets.UTF_8);
        List<OutboxRow> all = new ArrayList<>(rows);
        for (int i = 0; i < rows / 5; i++) {
            UUID order = UUID.randomUUID();
            for (int s = 1; s <= 5; s++) {
                all.add(new OutboxRow(i * 5L + s, UUID.randomUUID(), order, s, "order.bench", payload, Instant.now(), null));
            }
        }
        double cpu = cpuSeconds();
        long start = System.nanoTime();
        for (int from = 0; from < all.size(); from += config.batchSize()) {
            List<OutboxRow> batch = all.subList(from, Math.min(all.size(), from + config.batchSize()));
            List<CompletableFuture<Void>> sends = new ArrayList<>(batch.size());
            for (OutboxRow row : batch) {
                sends.add(send.apply(row));
            }
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(rows, seconds, seconds, 0, 0, 0, payloadBytes, cpuSeconds() - cpu);
    }

    /** {@code cpuSeconds}: this JVM's CPU time over the run (broker included), steadier than rates on a loaded host. */
    record Result(long transitions, double commitSeconds, double ackSeconds, double p50, double p99, double max,
            int avgPayloadBytes, double cpuSeconds) {

        Result(long transitions, double commitSeconds, double ackSeconds, double p50, double p99, double max,
                int avgPayloadBytes) {
            this(transitions, commitSeconds, ackSeconds, p50, p99, max, avgPayloadBytes, 0);
        }

        double cpuMicrosPerRow() {
            return cpuSeconds * 1e6 / transitions;
        }
    }

    private static double cpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    private Result run(int orders, String label) throws Exception {
        List<UUID> ids = new ArrayList<>(orders);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        AtomicLong transitions = new AtomicLong();
        long start = System.nanoTime();
        Instant startedAt = Instant.now();
        List<Future<?>> work = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int share = orders / WRITERS;
            work.add(pool.submit(() -> {
                for (int i = 0; i < share; i++) {
                    UUID id = QuarkusTransaction.requiringNew().call(() -> writer.open(newOrder()).order().id());
                    transitions.incrementAndGet();
                    synchronized (ids) {
                        ids.add(id);
                    }
                    for (String state : STATES) {
                        QuarkusTransaction.requiringNew()
                                .run(() -> writer.apply(id, Observation.local(state, TransitionSource.STREAM)));
                        transitions.incrementAndGet();
                    }
                }
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        pool.shutdown();
        double commitSeconds = (System.nanoTime() - start) / 1e9;
        UUID[] batch = ids.toArray(UUID[]::new);
        while (pending(batch) > 0) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        double ackSeconds = (System.nanoTime() - start) / 1e9;
        Object[] stats = QuarkusTransaction.requiringNew().call(() -> (Object[]) em.createNativeQuery("""
                select percentile_cont(0.5) within group (order by extract(epoch from sent_at - created_at)),
                       percentile_cont(0.99) within group (order by extract(epoch from sent_at - created_at)),
                       max(extract(epoch from sent_at - created_at)), avg(length(payload))
                from outbox where order_id = any(?1)""").setParameter(1, batch).getSingleResult());
        System.out.printf("%s: %d transitions since %s%n", label, transitions.get(), startedAt);
        return new Result(transitions.get(), commitSeconds, ackSeconds, ms(stats[0]), ms(stats[1]), ms(stats[2]),
                ((Number) stats[3]).intValue());
    }

    /**
     * A backlog committed in one transaction (orders and 5 outbox rows each, by SQL), then drained by
     * {@code drainer}'s cycles: the relay's throughput when commits are not the bottleneck.
     */
    private Result drain(OutboxRelay drainer, int orders, int payloadBytes) throws Exception {
        String bench = "drain-" + UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> {
            em.createNativeQuery("""
                    insert into orders (id, partner_id, client_reference, state, sequence, country_code, request, coin,
                                        payment_via, deliveries, created_at, updated_at)
                    select gen_random_uuid(), ?1, ?1 || '-' || g, 'Done', 5, 'US', '{}', 'USDC', 'USER_WALLET', '[]', now(), now()
                    from generate_series(1, ?2) g""").setParameter(1, bench).setParameter(2, orders).executeUpdate();
            em.createNativeQuery("""
                    insert into outbox (event_id, order_id, sequence, type, payload, created_at)
                    select gen_random_uuid(), o.id, s, 'order.bench', convert_to(repeat('x', ?2), 'UTF8'), clock_timestamp()
                    from orders o cross join generate_series(1, 5) s where o.partner_id = ?1
                    order by o.id, s""").setParameter(1, bench).setParameter(2, payloadBytes).executeUpdate();
        });
        // as production's autovacuum would after such a load (autovacuum is off on the test databases here): a claim
        // planned on stale statistics can take seconds per cycle
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("analyze outbox, orders").executeUpdate());
        double cpu = cpuSeconds();
        long start = System.nanoTime();
        while (drainer.publishBatch().claimed() > 0) {
            // cycles until nothing is left
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        cpu = cpuSeconds() - cpu;
        long left = QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery("""
                select count(*) from outbox x join orders o on o.id = x.order_id
                where x.sent_at is null and o.partner_id = ?1""").setParameter(1, bench).getSingleResult()).longValue());
        if (left > 0) {
            throw new IllegalStateException(left + " rows of the backlog were not acknowledged");
        }
        return new Result(orders * 5L, seconds, seconds, 0, 0, 0, payloadBytes, cpu);
    }

    /** The same producer settings as the relay, a tight send loop: what the broker takes at most. */
    private Result rawProducer(long records, int payloadBytes) throws Exception {
        RawProducer.Run run = RawProducer.measure(kafkaConfig, config, (int) records, payloadBytes);
        return new Result(records, run.seconds(), run.seconds(), run.percentileMillis(0.5), run.percentileMillis(0.99),
                run.percentileMillis(1.0), payloadBytes);
    }

    private long pending(UUID[] orders) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em
                .createNativeQuery("select count(*) from outbox where sent_at is null and order_id = any(?1)")
                .setParameter(1, orders).getSingleResult()).longValue());
    }

    private static double ms(Object seconds) {
        return ((Number) seconds).doubleValue() * 1000;
    }

    private static Order newOrder() {
        Order order = new Order();
        order.id = Ids.newId();
        order.partnerId = "bench";
        order.clientReference = "bench-" + order.id;
        order.countryCode = "US";
        order.lang = "en";
        order.request = "{\"partner_id\":\"bench\"}";
        order.coin = "USDC";
        order.network = "Solana";
        order.paymentVia = "USER_WALLET";
        order.deliveries = "[{\"brand_name\":\"Airbnb\",\"country_code\":\"US\",\"denomination\":\"100\",\"quantity\":1}]";
        return order;
    }
}
