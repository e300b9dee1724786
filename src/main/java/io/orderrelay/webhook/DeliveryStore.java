package io.orderrelay.webhook;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * webhook_deliveries and webhook_attempts: writing deliveries, retries by hand, reading them back. Claims are in
 * {@link DeliveryQueue}, recording attempts in {@link AttemptLog}.
 *
 * <p>Per endpoint, one order's events form a line: only its head is {@code pending} (claimable when due), the rest
 * are {@code waiting} and the next one is made pending when the head succeeds or fails for good. Claims therefore
 * only scan due heads, however large the backlog of an endpoint that is down. Every change to a line takes a
 * transaction-scoped advisory lock on (endpoint, order), so a transition's fan-out and the end of its predecessor
 * cannot miss each other.
 */
@ApplicationScoped
public class DeliveryStore {

    public static final String PENDING = "pending";
    /** Behind an earlier event of the same order for the same endpoint; shown to callers as pending. */
    public static final String WAITING = "waiting";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";

    private final DataSource db;

    public DeliveryStore(DataSource db) {
        this.db = db;
    }

    /** A delivery to write; {@code body} already sealed when {@code sealed}. */
    public record NewDelivery(UUID id, UUID endpointId, UUID eventId, String eventType, UUID orderId, Integer sequence,
            String body, boolean sealed) {
    }

    /** A claimed delivery with what sending it needs. */
    public record Claimed(UUID id, UUID endpointId, UUID eventId, UUID orderId, String body, boolean sealed, int attemptCount,
            int retryBase, UUID claimToken, String url, String sealedSecret, String sealedPreviousSecret,
            Instant previousSecretUntil) {
    }

    public record Attempt(Instant at, Integer statusCode, long durationMs, String error, String responseExcerpt) {
    }

    public record Row(UUID id, UUID endpointId, UUID eventId, String eventType, UUID orderId, Integer sequence,
            String status, Instant nextAttemptAt, List<Attempt> attempts) {
    }

    /** Writes the rows in the caller's transaction (the fan-out runs in the transition's). */
    public void insert(List<NewDelivery> deliveries, Instant now) {
        if (deliveries.isEmpty()) {
            return;
        }
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement("""
                insert into webhook_deliveries (id, endpoint_id, event_id, event_type, order_id, sequence, body,
                  body_sealed, status, next_attempt_at, created_at)
                select ?, ?, ?, ?, ?, ?, ?, ?,
                  case when exists (select 1 from webhook_deliveries w where w.endpoint_id = ? and w.order_id = ?
                                    and w.status in ('pending', 'waiting'))
                       then 'waiting' else 'pending' end, ?, ?""")) {
            // lines locked in the one order every multi-line transaction uses (AttemptLog too), so none deadlock;
            // the sort is stable, so one line's events keep their order (the first is its head)
            List<NewDelivery> sorted = new ArrayList<>(deliveries);
            sorted.sort(Comparator.comparing(d -> d.orderId() == null ? "" : lineKey(d.endpointId(), d.orderId())));
            lockLines(c, sorted);
            for (NewDelivery d : sorted) {
                st.setObject(1, d.id());
                st.setObject(2, d.endpointId());
                st.setObject(3, d.eventId());
                st.setString(4, d.eventType());
                st.setObject(5, d.orderId());
                st.setObject(6, d.sequence());
                st.setString(7, d.body());
                st.setBoolean(8, d.sealed());
                st.setObject(9, d.endpointId());
                st.setObject(10, d.orderId());
                Jdbc.set(st, 11, now);
                Jdbc.set(st, 12, now);
                st.addBatch();
            }
            // one round trip for a group's deliveries; each row still sees the rows before it (its line's head)
            st.executeBatch();
        } catch (SQLException e) {
            throw Jdbc.failure(e);
        }
    }

    /** The advisory lock key of one (endpoint, order) line; several lines are always locked in its sort order. */
    static String lineKey(UUID endpointId, UUID orderId) {
        return endpointId + ":" + orderId;
    }

    /** Locks the lines of these deliveries, in their order, in one statement (a group's fan-out). */
    private static void lockLines(Connection c, List<NewDelivery> sorted) throws SQLException {
        Object[] keys = sorted.stream().filter(d -> d.orderId() != null)
                .map(d -> lineKey(d.endpointId(), d.orderId())).distinct().toArray();
        if (keys.length == 0) {
            return;
        }
        try (PreparedStatement st = c.prepareStatement("""
                select pg_advisory_xact_lock(hashtextextended(k, 0))
                from (select k from unnest(?::text[]) with ordinality as l(k, n) order by n) lines""")) {
            st.setArray(1, c.createArrayOf("text", keys));
            st.executeQuery().close();
        }
    }

    /** Serialises changes to one (endpoint, order) line until the transaction ends; no-op for test events. */
    private static void lockLine(Connection c, UUID endpointId, UUID orderId) throws SQLException {
        if (orderId == null) {
            return;
        }
        try (PreparedStatement st = c.prepareStatement("select pg_advisory_xact_lock(hashtextextended(?, 0))")) {
            st.setString(1, lineKey(endpointId, orderId));
            st.executeQuery().close();
        }
    }

    /**
     * Sends it again with a fresh retry schedule: now, or after the earlier events of its order still in line.
     * Answers false when it is being sent right now. Runs in the caller's transaction.
     */
    public boolean retry(UUID endpointId, UUID deliveryId, UUID orderId, Instant now) {
        try (Connection c = db.getConnection()) {
            lockLine(c, endpointId, orderId);
            try (PreparedStatement st = c.prepareStatement("""
                    update webhook_deliveries d set
                      status = case when d.order_id is not null and exists (select 1 from webhook_deliveries w
                                 where w.endpoint_id = d.endpoint_id and w.order_id = d.order_id and w.id <> d.id
                                   and w.status in ('pending', 'waiting'))
                               then 'waiting' else 'pending' end,
                      next_attempt_at = ?, retry_base = attempt_count, completed_at = null
                    where d.id = ? and d.endpoint_id = ? and d.status in ('succeeded', 'failed')""")) {
                Jdbc.set(st, 1, now);
                st.setObject(2, deliveryId);
                st.setObject(3, endpointId);
                if (st.executeUpdate() > 0) {
                    return true;
                }
            }
            // already pending: bring it forward unless in flight
            try (PreparedStatement st = c.prepareStatement("""
                    update webhook_deliveries set next_attempt_at = ?, retry_base = attempt_count
                    where id = ? and endpoint_id = ? and status in ('pending', 'waiting')
                      and (claimed_until is null or claimed_until <= now())""")) {
                Jdbc.set(st, 1, now);
                st.setObject(2, deliveryId);
                st.setObject(3, endpointId);
                return st.executeUpdate() > 0;
            }
        } catch (SQLException e) {
            throw Jdbc.failure(e);
        }
    }

    public Optional<Row> find(UUID endpointId, UUID deliveryId) {
        List<Row> rows = rows("select * from webhook_deliveries where endpoint_id = ? and id = ?", st -> {
            st.setObject(1, endpointId);
            st.setObject(2, deliveryId);
        });
        return rows.stream().findFirst();
    }

    /** Newest first; {@code before} is the last id of the previous page (ids are time-ordered). */
    public List<Row> list(UUID endpointId, String status, UUID before, int limit) {
        return rows("""
                select * from webhook_deliveries
                where endpoint_id = ? and (?::text is null or status = ? or (? = 'pending' and status = 'waiting'))
                  and (?::uuid is null or id < ?)
                order by id desc limit ?""", st -> {
            st.setObject(1, endpointId);
            st.setString(2, status);
            st.setString(3, status);
            st.setString(4, status);
            st.setObject(5, before);
            st.setObject(6, before);
            st.setInt(7, limit);
        });
    }

    /** Pending deliveries per enabled endpoint, for the backlog gauge. */
    public Map<UUID, Long> backlog() {
        Map<UUID, Long> backlog = new LinkedHashMap<>();
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement("""
                select d.endpoint_id, count(*) from webhook_deliveries d
                where d.status in ('pending', 'waiting') group by d.endpoint_id""");
                ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                backlog.put(Jdbc.uuid(rs, "endpoint_id"), rs.getLong(2));
            }
        } catch (SQLException e) {
            throw Jdbc.failure(e);
        }
        return backlog;
    }

    private List<Row> rows(String sql, EndpointStore.Binder binder) {
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            binder.bind(st);
            Map<UUID, Row> rows = new LinkedHashMap<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    UUID id = Jdbc.uuid(rs, "id");
                    String stored = rs.getString("status");
                    String status = WAITING.equals(stored) ? PENDING : stored;
                    rows.put(id, new Row(id, Jdbc.uuid(rs, "endpoint_id"), Jdbc.uuid(rs, "event_id"),
                            rs.getString("event_type"), Jdbc.uuid(rs, "order_id"), Jdbc.integer(rs, "sequence"), status,
                            PENDING.equals(stored) ? Jdbc.instant(rs, "next_attempt_at") : null, new ArrayList<>()));
                }
            }
            if (!rows.isEmpty()) {
                try (PreparedStatement st2 = c.prepareStatement("""
                        select * from webhook_attempts where delivery_id = any(?) order by delivery_id, attempt""")) {
                    st2.setArray(1, uuids(c, new ArrayList<>(rows.keySet())));
                    try (ResultSet rs = st2.executeQuery()) {
                        while (rs.next()) {
                            rows.get(Jdbc.uuid(rs, "delivery_id")).attempts().add(new Attempt(Jdbc.instant(rs, "at"),
                                    Jdbc.integer(rs, "status_code"), rs.getLong("duration_ms"), rs.getString("error"),
                                    rs.getString("response_excerpt")));
                        }
                    }
                }
            }
            return new ArrayList<>(rows.values());
        } catch (SQLException e) {
            throw Jdbc.failure(e);
        }
    }

    private static Array uuids(Connection c, List<UUID> ids) throws SQLException {
        return c.createArrayOf("uuid", ids.toArray());
    }
}
