package io.orderrelay.webhook;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Records finished attempts, many in one transaction: the deliveries' new status (one update over arrays), their
 * attempt rows (one multi-row insert), and the next waiting event of every line whose head ended (one update). A
 * statement per batch rather than per delivery is what lets one endpoint take thousands of deliveries a second.
 *
 * <p>Only the claim holder records: a row whose claim token no longer matches (the lease ran out and another
 * replica took it) is left alone, without an attempt row. The lines touched are locked first, in one sorted
 * order ({@link DeliveryStore#lineKey}), so that a transition's fan-out and the end of its predecessor cannot miss
 * each other, and two transactions locking several lines cannot deadlock.
 */
@ApplicationScoped
public class AttemptLog {

    /** What to store for one claimed delivery: {@code nextAttemptAt} only when it stays pending (a retry). */
    public record Completion(DeliveryStore.Claimed claim, DeliveryStore.Attempt attempt, String status,
            Instant nextAttemptAt) {

        boolean ended() {
            return !DeliveryStore.PENDING.equals(status);
        }
    }

    private final DataSource db;

    public AttemptLog(DataSource db) {
        this.db = db;
    }

    /**
     * Stores the batch in one transaction, all or nothing. Answers the ids that were still this replica's and are
     * now recorded; throws when nothing could be stored (the caller tries again).
     */
    public Set<UUID> complete(List<Completion> batch) {
        if (batch.isEmpty()) {
            return Set.of();
        }
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                lockLines(c, batch);
                Set<UUID> recorded = updateDeliveries(c, batch);
                List<Completion> done = batch.stream().filter(b -> recorded.contains(b.claim().id())).toList();
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
            throw Jdbc.failure(e);
        }
    }

    private static void lockLines(Connection c, List<Completion> batch) throws SQLException {
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

    private static Set<UUID> updateDeliveries(Connection c, List<Completion> batch) throws SQLException {
        int n = batch.size();
        Object[] ids = new Object[n];
        Object[] tokens = new Object[n];
        Object[] statuses = new Object[n];
        Object[] next = new Object[n];
        Object[] completed = new Object[n];
        for (int i = 0; i < n; i++) {
            Completion b = batch.get(i);
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
                    recorded.add(Jdbc.uuid(rs, "id"));
                }
            }
            return recorded;
        }
    }

    private static void insertAttempts(Connection c, List<Completion> done) throws SQLException {
        int n = done.size();
        Object[] ids = new Object[n];
        Object[] numbers = new Object[n];
        Object[] at = new Object[n];
        Object[] codes = new Object[n];
        Object[] durations = new Object[n];
        Object[] errors = new Object[n];
        Object[] excerpts = new Object[n];
        for (int i = 0; i < n; i++) {
            Completion b = done.get(i);
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
    private static void advance(Connection c, List<Completion> ended) throws SQLException {
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

    private static Array uuids(Connection c, List<UUID> ids) throws SQLException {
        return c.createArrayOf("uuid", ids.toArray());
    }

    /** Instants travel as ISO-8601 text in the arrays (cast back to timestamptz in SQL). */
    private static String text(Instant at) {
        return at == null ? null : at.toString();
    }
}
