package io.orderrelay.outbox;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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
 * issue 14). The background relay is off; the benchmark runs the relay's loop itself, then its cycles.
 * Run: {@code ./mvnw verify -Pbenchmark -Dbenchmark=OutboxBenchmark}.
 */
@QuarkusTest
@TestProfile(RelayDisabled.class)
class OutboxBenchmark {

    private static final int ORDERS = Integer.getInteger("outbox.benchmark.orders", 1500);
    private static final int WRITERS = Integer.getInteger("outbox.benchmark.writers", 4);
    /** After Submitting: 6 more states, 7 transitions per order. */
    private static final int BACKLOG_ORDERS = Integer.getInteger("outbox.benchmark.backlog-orders", 10_000);
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
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(RawProducer.producerConfig(kafkaConfig, config))) {
            String topic = relayConfig.kafka().topic();
            OutboxRelay plainRelay = new OutboxRelay(store, row -> {
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
            }, metrics, config);
            drain(plainRelay, 1000, sustained.avgPayloadBytes()); // warm-up of the plain producer
            for (int round = 0; round < 2; round++) {
                channel.add(drain(relay, BACKLOG_ORDERS, sustained.avgPayloadBytes()));
                plain.add(drain(plainRelay, BACKLOG_ORDERS, sustained.avgPayloadBytes()));
            }
        }
        Result raw = rawProducer(sustained.transitions(), sustained.avgPayloadBytes());
        double channelRate = channel.stream().mapToDouble(r -> r.transitions() / r.ackSeconds()).max().orElseThrow();
        double plainRate = plain.stream().mapToDouble(r -> r.transitions() / r.ackSeconds()).max().orElseThrow();

        System.out.printf("""

                ==== OutboxBenchmark (%d orders x %d transitions, %d writer threads, in-JVM broker, %d cores) ====
                outbox relay : %,d transitions committed in %.2f s (%,.0f commits/s); all acknowledged after %.2f s
                               -> sustained %,.0f transitions/s commit-to-ack
                               commit-to-ack latency (row insert -> marked sent after the ack): p50 %.1f ms, p99 %.1f ms, max %.1f ms
                backlog drain: %,d rows (%,d orders x 5) committed at once, drained by the relay's cycles (claim, send, ack, mark)
                               Reactive Messaging channel : %s rows/s (best %,.0f)
                               plain KafkaProducer        : %s rows/s (best %,.0f)
                               -> channel / plain = %.2f
                raw producer : %,d records of %d bytes, same settings (acks=all, idempotent), one send loop + flush
                               -> %,.0f records/s; send-to-ack p50 %.1f ms, p99 %.1f ms
                ==========================================================================================
                %n""", ORDERS, STATES.size() + 1, WRITERS, Runtime.getRuntime().availableProcessors(),
                sustained.transitions(), sustained.commitSeconds(), sustained.transitions() / sustained.commitSeconds(),
                sustained.ackSeconds(), sustained.transitions() / sustained.ackSeconds(), sustained.p50(), sustained.p99(),
                sustained.max(), BACKLOG_ORDERS * 5L, BACKLOG_ORDERS, rates(channel), channelRate, rates(plain), plainRate,
                channelRate / plainRate, raw.transitions(), sustained.avgPayloadBytes(), raw.transitions() / raw.ackSeconds(),
                raw.p50(), raw.p99());
    }

    private static String rates(List<Result> runs) {
        return String.join(", ", runs.stream().map(r -> String.format("%,.0f", r.transitions() / r.ackSeconds())).toList());
    }

    record Result(long transitions, double commitSeconds, double ackSeconds, double p50, double p99, double max,
            int avgPayloadBytes) {
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
        long start = System.nanoTime();
        while (drainer.publishBatch().claimed() > 0) {
            // cycles until nothing is left
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long left = QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery("""
                select count(*) from outbox x join orders o on o.id = x.order_id
                where x.sent_at is null and o.partner_id = ?1""").setParameter(1, bench).getSingleResult()).longValue());
        if (left > 0) {
            throw new IllegalStateException(left + " rows of the backlog were not acknowledged");
        }
        return new Result(orders * 5L, seconds, seconds, 0, 0, 0, payloadBytes);
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
