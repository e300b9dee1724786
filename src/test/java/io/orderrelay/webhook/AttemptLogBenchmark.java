package io.orderrelay.webhook;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import io.orderrelay.order.Ids;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * Recording a batch of webhook attempts: {@link AttemptLog} (the same unnest statements through Hibernate native
 * queries) against the former plain-JDBC implementation (kept here only for the comparison), on the same rows.
 * Each round writes {@code bench.batch} deliveries on distinct lines, claims them, and times one complete() call;
 * the two implementations alternate. Writes target/benchmark/attempt-log.txt.
 *
 * <p>Not part of {@code verify}: {@code ./mvnw verify -Pbenchmark -Dbenchmark=AttemptLogBenchmark}.
 */
@QuarkusTest
class AttemptLogBenchmark {

    static final int BATCH = Integer.getInteger("bench.batch", 500);
    static final int ROUNDS = Integer.getInteger("bench.rounds", 20);

    @Inject
    AttemptLog log;

    @Inject
    DeliveryQueue queue;

    @Inject
    DeliveryStore deliveries;

    @Inject
    EndpointStore endpoints;

    @Inject
    WebhookDispatcher dispatcher;

    @Inject
    DataSource db;

    @Test
    void hibernateAgainstJdbc() throws Exception {
        dispatcher.stop();
        Instant now = Instant.now();
        UUID endpoint = Ids.newId();
        endpoints.insert(new Endpoint(endpoint, "bench-partner", "http://127.0.0.1:9/", null, null, false, true, null,
                "not-a-secret", null, null, null, now, now));
        JdbcAttemptLog jdbc = new JdbcAttemptLog(db);
        List<Long> viaHibernate = new ArrayList<>();
        List<Long> viaJdbc = new ArrayList<>();
        for (int round = 0; round < ROUNDS * 2 + 4; round++) {
            List<AttemptLog.Completion> batch = claimedBatch(endpoint);
            boolean hibernate = round % 2 == 0;
            long start = System.nanoTime();
            Set<UUID> done = hibernate ? log.complete(batch) : jdbc.complete(batch);
            long micros = (System.nanoTime() - start) / 1_000;
            if (done.size() != BATCH) {
                throw new AssertionError("recorded " + done.size() + " of " + BATCH);
            }
            if (round >= 4) { // the first rounds warm both paths up
                (hibernate ? viaHibernate : viaJdbc).add(micros);
            }
        }
        String report = "AttemptLog.complete, " + BATCH + " completions per call, " + ROUNDS + " calls each (ms)\n"
                + "  hibernate native queries: " + summary(viaHibernate) + "\n"
                + "  plain JDBC (former):      " + summary(viaJdbc) + "\n";
        System.out.print(report);
        Path out = Path.of("target", "benchmark", "attempt-log.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
    }

    private List<AttemptLog.Completion> claimedBatch(UUID endpoint) {
        List<DeliveryStore.NewDelivery> rows = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            rows.add(new DeliveryStore.NewDelivery(Ids.newId(), endpoint, UUID.randomUUID(), "order.done",
                    UUID.randomUUID(), 1, "{}", false, null));
        }
        Instant now = Instant.now();
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> deliveries.insert(rows, now));
        List<DeliveryStore.Claimed> claimed = queue.claim(BATCH, BATCH, Duration.ofMinutes(5));
        if (claimed.size() != BATCH) {
            throw new AssertionError("claimed " + claimed.size() + " of " + BATCH);
        }
        Instant at = Instant.now();
        return claimed.stream().map(c -> new AttemptLog.Completion(c,
                new DeliveryStore.Attempt(at, 200, 12, null, "ok"), DeliveryStore.SUCCEEDED, null)).toList();
    }

    private static String summary(List<Long> micros) {
        List<Long> sorted = micros.stream().sorted().toList();
        return "median %.1f, min %.1f, max %.1f".formatted(sorted.get(sorted.size() / 2) / 1000.0,
                sorted.get(0) / 1000.0, sorted.get(sorted.size() - 1) / 1000.0);
    }

    /** The former AttemptLog, plain JDBC on its own connection; only here for the comparison. */
    static final class JdbcAttemptLog {

        private final DataSource db;

        JdbcAttemptLog(DataSource db) {
            this.db = db;
        }

        Set<UUID> complete(List<AttemptLog.Completion> batch) {
            if (batch.isEmpty()) {
                return Set.of();
            }
            try (Connection c = db.getConnection()) {
                c.setAutoCommit(false);
                try {
                    lockLines(c, batch);
                    Set<UUID> recorded = updateDeliveries(c, batch);
                    List<AttemptLog.Completion> done = batch.stream().filter(b -> recorded.contains(b.claim().id())).toList();
                    if (!done.isEmpty()) {
                        insertAttempts(c, done);
                        advance(c, done.stream().filter(d -> d.ended() && d.claim().orderId() != null).toList());
                    }
                    c.commit();
                    return recorded;
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        static void lockLines(Connection c, List<AttemptLog.Completion> batch) throws SQLException {
            List<String> keys = batch.stream().filter(b -> b.claim().orderId() != null)
                    .map(b -> DeliveryStore.lineKey(b.claim().endpointId(), b.claim().orderId()))
                    .distinct().sorted().toList();
            if (keys.isEmpty()) {
                return;
            }
            // unnest yields the keys in array order, so they are locked in sorted order
            try (PreparedStatement st = c.prepareStatement(
                    "select pg_advisory_xact_lock(hashtextextended(k, 0)) from unnest(?::text[]) as k")) {
                st.setArray(1, c.createArrayOf("text", keys.toArray()));
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        // each row is one lock taken
                    }
                }
            }
        }

        static Set<UUID> updateDeliveries(Connection c, List<AttemptLog.Completion> batch) throws SQLException {
            int n = batch.size();
            Object[] ids = new Object[n];
            Object[] tokens = new Object[n];
            Object[] statuses = new Object[n];
            Object[] next = new Object[n];
            Object[] completed = new Object[n];
            for (int i = 0; i < n; i++) {
                AttemptLog.Completion b = batch.get(i);
                ids[i] = b.claim().id();
                tokens[i] = b.claim().claimToken();
                statuses[i] = b.status();
                next[i] = text(b.nextAttemptAt());
                completed[i] = b.ended() ? text(b.attempt().at().plusMillis(b.attempt().durationMs())) : null;
            }
            // an ended delivery's sealed body goes: the redemption data stays on the order only
            try (PreparedStatement st = c.prepareStatement("""
                    update webhook_deliveries d
                    set status = u.status, attempt_count = d.attempt_count + 1,
                      next_attempt_at = coalesce(u.next_at::timestamptz, d.next_attempt_at),
                      claimed_until = null, claim_token = null, completed_at = u.completed_at::timestamptz,
                      body = case when d.body_sealed and u.status <> 'pending' then null else d.body end
                    from unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::text[])
                      as u(id, token, status, next_at, completed_at)
                    where d.id = u.id and d.claim_token = u.token
                    returning d.id""")) {
                st.setArray(1, c.createArrayOf("uuid", ids));
                st.setArray(2, c.createArrayOf("uuid", tokens));
                st.setArray(3, c.createArrayOf("text", statuses));
                st.setArray(4, c.createArrayOf("text", next));
                st.setArray(5, c.createArrayOf("text", completed));
                Set<UUID> recorded = new HashSet<>();
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        recorded.add(rs.getObject("id", UUID.class));
                    }
                }
                return recorded;
            }
        }

        static void insertAttempts(Connection c, List<AttemptLog.Completion> done) throws SQLException {
            int n = done.size();
            Object[] ids = new Object[n];
            Object[] numbers = new Object[n];
            Object[] at = new Object[n];
            Object[] codes = new Object[n];
            Object[] durations = new Object[n];
            Object[] errors = new Object[n];
            Object[] excerpts = new Object[n];
            for (int i = 0; i < n; i++) {
                AttemptLog.Completion b = done.get(i);
                DeliveryStore.Attempt a = b.attempt();
                ids[i] = b.claim().id();
                numbers[i] = b.claim().attemptCount() + 1;
                at[i] = text(a.at());
                codes[i] = a.statusCode();
                durations[i] = (int) Math.min(Integer.MAX_VALUE, a.durationMs());
                errors[i] = a.error();
                excerpts[i] = a.responseExcerpt();
            }
            try (PreparedStatement st = c.prepareStatement("""
                    insert into webhook_attempts (delivery_id, attempt, at, status_code, duration_ms, error, response_excerpt)
                    select id, attempt, at::timestamptz, status_code, duration_ms, error, response_excerpt
                    from unnest(?::uuid[], ?::int[], ?::text[], ?::int[], ?::int[], ?::text[], ?::text[])
                      as a(id, attempt, at, status_code, duration_ms, error, response_excerpt)""")) {
                st.setArray(1, c.createArrayOf("uuid", ids));
                st.setArray(2, c.createArrayOf("int4", numbers));
                st.setArray(3, c.createArrayOf("text", at));
                st.setArray(4, c.createArrayOf("int4", codes));
                st.setArray(5, c.createArrayOf("int4", durations));
                st.setArray(6, c.createArrayOf("text", errors));
                st.setArray(7, c.createArrayOf("text", excerpts));
                st.executeUpdate();
            }
        }

        /**
         * For every line whose head ended, its next waiting event becomes pending, due now, unless the line already
         * has a pending head.
         */
        static void advance(Connection c, List<AttemptLog.Completion> ended) throws SQLException {
            Set<List<UUID>> lines = new LinkedHashSet<>();
            ended.forEach(e -> lines.add(List.of(e.claim().endpointId(), e.claim().orderId())));
            if (lines.isEmpty()) {
                return;
            }
            List<UUID> endpoints = new ArrayList<>();
            List<UUID> orders = new ArrayList<>();
            lines.forEach(l -> {
                endpoints.add(l.get(0));
                orders.add(l.get(1));
            });
            try (PreparedStatement st = c.prepareStatement("""
                    update webhook_deliveries d set status = 'pending', next_attempt_at = now()
                    from (
                      select distinct on (w.endpoint_id, w.order_id) w.id
                      from unnest(?::uuid[], ?::uuid[]) as l(endpoint_id, order_id)
                      join webhook_deliveries w on w.endpoint_id = l.endpoint_id and w.order_id = l.order_id
                        and w.status = 'waiting'
                      where not exists (select 1 from webhook_deliveries p where p.endpoint_id = l.endpoint_id
                                        and p.order_id = l.order_id and p.status = 'pending')
                      order by w.endpoint_id, w.order_id, w.sequence, w.id) n
                    where d.id = n.id""")) {
                st.setArray(1, uuids(c, endpoints));
                st.setArray(2, uuids(c, orders));
                st.executeUpdate();
            }
        }

        static Array uuids(Connection c, List<UUID> ids) throws SQLException {
            return c.createArrayOf("uuid", ids.toArray());
        }

        /** Instants travel as ISO-8601 text in the arrays (cast back to timestamptz in SQL). */
        static String text(Instant at) {
            return at == null ? null : at.toString();
        }
    }

}
