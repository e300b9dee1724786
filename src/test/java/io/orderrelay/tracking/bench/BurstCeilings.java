package io.orderrelay.tracking.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

import javax.sql.DataSource;

import io.orderrelay.order.Ids;
import io.orderrelay.outbox.OutboxConfig;
import io.orderrelay.support.RawProducer;

/**
 * What each part of the write and publish path allows at most on this machine, measured beside the relay in the same
 * run: the write path's statements in a plain JDBC loop, a raw Kafka producer with the relay's settings, and a raw HTTP
 * client against the benchmark's webhook receiver.
 */
public final class BurstCeilings {

    /** Prints one line of the report: a format and its arguments. */
    public interface Report {
        void line(String format, Object... args);
    }

    private final DataSource dataSource;
    private final Map<String, Object> kafka;
    private final OutboxConfig outbox;
    private final Report report;

    public BurstCeilings(DataSource dataSource, Map<String, Object> kafka, OutboxConfig outbox, Report report) {
        this.dataSource = dataSource;
        this.kafka = kafka;
        this.outbox = outbox;
        this.report = report;
    }

    /**
     * The statements one observation costs (lock the order, check the state is new, update it, append the transition,
     * its outbox row, look up the partner's endpoints, one delivery row), {@code batch} observations per commit, on
     * orders and an endpoint of their own. The outbox and delivery rows are written as already sent, so that the
     * running relay and dispatcher leave them alone.
     */
    public void jdbcLoop(int n, int batch) throws Exception {
        String partner = "bench-jdbc-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> upstream = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            upstream.add(partner + "-" + i);
        }
        List<UUID> orders = BenchOrders.insert(dataSource, partner, upstream);
        UUID endpoint = UUID.randomUUID();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                insert into webhook_endpoints (id, partner_id, url, include_secrets, enabled, secret, created_at, updated_at)
                values (?, ?, 'http://127.0.0.1:9/none', false, true, 'x', now(), now())""")) {
            s.setObject(1, endpoint);
            s.setString(2, partner);
            s.executeUpdate();
        }
        byte[] payload = "x".repeat(1500).getBytes(StandardCharsets.UTF_8);
        long start = System.nanoTime();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement lock = c.prepareStatement("select state, sequence from orders where id = ? for update");
                    PreparedStatement seen = c.prepareStatement("select 1 from order_transitions where order_id = ? and to_state = ?");
                    PreparedStatement update = c.prepareStatement(
                            "update orders set state = ?, sequence = ?, updated_at = ?, upstream_updated_at = ? where id = ?");
                    PreparedStatement transition = c.prepareStatement("""
                            insert into order_transitions (order_id, sequence, event_id, from_state, to_state, occurred_at, source)
                            values (?, ?, ?, ?, ?, ?, 'stream')""");
                    PreparedStatement outboxRow = c.prepareStatement("""
                            insert into outbox (event_id, order_id, sequence, type, payload, created_at, sent_at)
                            values (?, ?, ?, 'order.bench', ?, ?, ?)""");
                    PreparedStatement endpoints = c.prepareStatement(
                            "select id, event_types, include_secrets from webhook_endpoints where partner_id = ? and enabled");
                    PreparedStatement delivery = c.prepareStatement("""
                            insert into webhook_deliveries (id, endpoint_id, event_id, event_type, order_id, sequence, body,
                              body_sealed, status, next_attempt_at, created_at, completed_at)
                            values (?, ?, ?, 'order.bench', ?, ?, ?, false, 'succeeded', ?, ?, ?)""")) {
                String body = new String(payload, StandardCharsets.UTF_8);
                int inBatch = 0;
                for (UUID order : orders) {
                    Timestamp now = Timestamp.from(Instant.now());
                    lock.setObject(1, order);
                    String from;
                    int sequence;
                    try (ResultSet r = lock.executeQuery()) {
                        r.next();
                        from = r.getString(1);
                        sequence = r.getInt(2) + 1;
                    }
                    seen.setObject(1, order);
                    seen.setString(2, "JdbcState");
                    seen.executeQuery().close();
                    update.setString(1, "JdbcState");
                    update.setInt(2, sequence);
                    update.setTimestamp(3, now);
                    update.setBigDecimal(4, java.math.BigDecimal.ONE);
                    update.setObject(5, order);
                    update.addBatch();
                    UUID event = Ids.newId();
                    transition.setObject(1, order);
                    transition.setInt(2, sequence);
                    transition.setObject(3, event);
                    transition.setString(4, from);
                    transition.setString(5, "JdbcState");
                    transition.setTimestamp(6, now);
                    transition.addBatch();
                    outboxRow.setObject(1, event);
                    outboxRow.setObject(2, order);
                    outboxRow.setInt(3, sequence);
                    outboxRow.setBytes(4, payload);
                    outboxRow.setTimestamp(5, now);
                    outboxRow.setTimestamp(6, now);
                    outboxRow.addBatch();
                    endpoints.setString(1, partner);
                    endpoints.executeQuery().close();
                    delivery.setObject(1, UUID.randomUUID());
                    delivery.setObject(2, endpoint);
                    delivery.setObject(3, event);
                    delivery.setObject(4, order);
                    delivery.setInt(5, sequence);
                    delivery.setString(6, body);
                    delivery.setTimestamp(7, now);
                    delivery.setTimestamp(8, now);
                    delivery.setTimestamp(9, now);
                    delivery.addBatch();
                    if (++inBatch == batch) {
                        flush(c, update, transition, outboxRow, delivery);
                        inBatch = 0;
                    }
                }
                if (inBatch > 0) {
                    flush(c, update, transition, outboxRow, delivery);
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        report.line("ceiling, plain JDBC loop of the write path (%d observations, %d per commit): %.2f s, %.0f transitions/s",
                n, batch, seconds, n / seconds);
    }

    private static void flush(Connection c, PreparedStatement... batches) throws Exception {
        for (PreparedStatement s : batches) {
            s.executeBatch();
        }
        c.commit();
    }

    /** The relay's producer settings, a tight send loop to a topic of its own: what the broker takes at most. */
    public void rawProducer(int n, int payloadBytes) throws Exception {
        RawProducer.Run run = RawProducer.measure(kafka, outbox, n, payloadBytes);
        report.line("ceiling, raw producer (%d records of %d bytes, acks=all, idempotent): %.2f s, %.0f records/s; send->ack %s",
                n, payloadBytes, run.seconds(), n / run.seconds(), Percentiles.ofNanos(run.sortedLatencyNanos()));
    }

    /** {@code n} POSTs of {@code bytes} bytes, {@code concurrency} in flight, to the same receiver as the relay's. */
    public void rawHttp(String url, int n, int bytes, int concurrency) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String body = "{\"data\":\"" + "x".repeat(Math.max(0, bytes - 11)) + "\"}";
        Semaphore inFlight = new Semaphore(concurrency);
        long[] latencies = new long[n];
        List<CompletableFuture<?>> all = new ArrayList<>(n);
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            inFlight.acquire();
            int index = i;
            long sentAt = System.nanoTime();
            all.add(client.sendAsync(HttpRequest.newBuilder(URI.create(url)).header("content-type", "application/json")
                    .header("webhook-id", UUID.randomUUID().toString())
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((r, e) -> {
                        latencies[index] = System.nanoTime() - sentAt;
                        inFlight.release();
                    }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        double seconds = (System.nanoTime() - start) / 1e9;
        report.line("ceiling, raw HTTP client (%d POSTs of %d bytes, %d in flight, same receiver): %.2f s, %.0f requests/s; %s",
                n, bytes, concurrency, seconds, n / seconds, Percentiles.ofNanos(latencies));
    }
}
