package io.orderrelay.webhook;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * webhook_deliveries and webhook_attempts. Claims use {@code FOR UPDATE SKIP LOCKED} plus a lease
 * ({@code claimed_until}), so replicas share the work and a crashed replica's claims are taken over when the lease
 * runs out.
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
            for (NewDelivery d : deliveries) {
                lockLine(c, d.endpointId(), d.orderId());
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
                st.executeUpdate();
            }
        } catch (SQLException e) {
            throw Jdbc.failure(e);
        }
    }

    /** Serialises changes to one (endpoint, order) line until the transaction ends; no-op for test events. */
    private static void lockLine(Connection c, UUID endpointId, UUID orderId) throws SQLException {
        if (orderId == null) {
            return;
        }
        try (PreparedStatement st = c.prepareStatement("select pg_advisory_xact_lock(hashtextextended(?, 0))")) {
            st.setString(1, endpointId + ":" + orderId);
            st.executeQuery().close();
        }
    }

    /** The next waiting event of the line becomes pending, due now, unless the line already has a pending head. */
    private static void advance(Connection c, UUID endpointId, UUID orderId) throws SQLException {
        if (orderId == null) {
            return;
        }
        try (PreparedStatement st = c.prepareStatement("""
                update webhook_deliveries set status = 'pending', next_attempt_at = now()
                where id = (select id from webhook_deliveries where endpoint_id = ? and order_id = ? and status = 'waiting'
                            order by sequence, id limit 1)
                  and not exists (select 1 from webhook_deliveries where endpoint_id = ? and order_id = ?
                                  and status = 'pending')""")) {
            st.setObject(1, endpointId);
            st.setObject(2, orderId);
            st.setObject(3, endpointId);
            st.setObject(4, orderId);
            st.executeUpdate();
        }
    }

    /**
     * Claims up to {@code limit} due deliveries for this replica: pending heads whose time has come, of enabled
     * endpoints below {@code perEndpoint} requests in flight (all replicas). One order's events go out one at a
     * time in sequence order (the line), while other orders and endpoints proceed.
     */
    public List<Claimed> claim(int limit, int perEndpoint, Duration lease) {
        if (limit <= 0) {
            return List.of();
        }
        UUID token = UUID.randomUUID();
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<UUID> candidates = new ArrayList<>();
                try (PreparedStatement st = c.prepareStatement("""
                        with busy as (
                          select endpoint_id, count(*) as n from webhook_deliveries
                          where status = 'pending' and claimed_until is not null and claimed_until > now()
                          group by endpoint_id)
                        select x.id from webhook_endpoints e
                        left join busy b on b.endpoint_id = e.id
                        cross join lateral (
                          select d.id, d.next_attempt_at from webhook_deliveries d
                          where d.endpoint_id = e.id and d.status = 'pending' and d.next_attempt_at <= now()
                            and (d.claimed_until is null or d.claimed_until <= now())
                          order by d.next_attempt_at, d.id
                          limit greatest(? - coalesce(b.n, 0), 0)) x
                        where e.enabled
                        order by x.next_attempt_at
                        limit ?""")) {
                    st.setInt(1, perEndpoint);
                    st.setInt(2, limit);
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            candidates.add(Jdbc.uuid(rs, "id"));
                        }
                    }
                }
                if (candidates.isEmpty()) {
                    c.commit();
                    return List.of();
                }
                // The conditions again, on the locked row: another replica may have claimed it since we looked.
                List<Claimed> claimed = new ArrayList<>();
                try (PreparedStatement st = c.prepareStatement("""
                        with locked as (
                          select id from webhook_deliveries
                          where id = any(?) and status = 'pending' and (claimed_until is null or claimed_until <= now())
                          for update skip locked)
                        update webhook_deliveries d
                        set claimed_until = now() + make_interval(secs => ?), claim_token = ?
                        from locked, webhook_endpoints e
                        where d.id = locked.id and e.id = d.endpoint_id
                        returning d.id, d.endpoint_id, d.event_id, d.order_id, d.body, d.body_sealed, d.attempt_count, d.retry_base,
                          e.url, e.secret, e.previous_secret, e.previous_secret_until""")) {
                    st.setArray(1, uuids(c, candidates));
                    st.setDouble(2, lease.toMillis() / 1000.0);
                    st.setObject(3, token);
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            claimed.add(new Claimed(Jdbc.uuid(rs, "id"), Jdbc.uuid(rs, "endpoint_id"),
                                    Jdbc.uuid(rs, "event_id"), Jdbc.uuid(rs, "order_id"), rs.getString("body"), rs.getBoolean("body_sealed"),
                                    rs.getInt("attempt_count"), rs.getInt("retry_base"), token, rs.getString("url"),
                                    rs.getString("secret"), rs.getString("previous_secret"),
                                    Jdbc.instant(rs, "previous_secret_until")));
                        }
                    }
                }
                c.commit();
                return claimed;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw Jdbc.failure(e);
        }
    }

    /**
     * Records an attempt and its outcome, if this replica still holds the claim (else another one took it over
     * and will send again: at least once). A sealed body (redemption data) is removed once the delivery ends,
     * succeeded or given up: the order keeps the redemption data, a retry rebuilds the body from it.
     *
     * @param status       the delivery's new status
     * @param nextAttemptAt when pending, the next attempt's time
     */
    public boolean complete(Claimed claim, Attempt attempt, String status, Instant nextAttemptAt) {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                lockLine(c, claim.endpointId(), claim.orderId());
                int updated;
                try (PreparedStatement st = c.prepareStatement("""
                        update webhook_deliveries
                        set status = ?, attempt_count = attempt_count + 1, next_attempt_at = coalesce(?, next_attempt_at),
                          claimed_until = null, claim_token = null, completed_at = ?,
                          body = case when body_sealed and ? then null else body end
                        where id = ? and claim_token = ?""")) {
                    st.setString(1, status);
                    Jdbc.set(st, 2, nextAttemptAt);
                    Jdbc.set(st, 3, PENDING.equals(status) ? null : attempt.at().plusMillis(attempt.durationMs()));
                    st.setBoolean(4, !PENDING.equals(status));
                    st.setObject(5, claim.id());
                    st.setObject(6, claim.claimToken());
                    updated = st.executeUpdate();
                }
                if (updated == 0) {
                    c.rollback();
                    return false;
                }
                try (PreparedStatement st = c.prepareStatement("""
                        insert into webhook_attempts (delivery_id, attempt, at, status_code, duration_ms, error, response_excerpt)
                        values (?, ?, ?, ?, ?, ?, ?)""")) {
                    st.setObject(1, claim.id());
                    st.setInt(2, claim.attemptCount() + 1);
                    Jdbc.set(st, 3, attempt.at());
                    st.setObject(4, attempt.statusCode());
                    st.setInt(5, (int) Math.min(Integer.MAX_VALUE, attempt.durationMs()));
                    st.setString(6, attempt.error());
                    st.setString(7, attempt.responseExcerpt());
                    st.executeUpdate();
                }
                if (!PENDING.equals(status)) {
                    advance(c, claim.endpointId(), claim.orderId());
                }
                c.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw Jdbc.failure(e);
        }
    }

    /** Extends this replica's claim while its attempt is still being recorded; false when the claim is lost. */
    public boolean renew(Claimed claim, Duration lease) {
        return update("""
                update webhook_deliveries set claimed_until = now() + make_interval(secs => ?)
                where id = ? and claim_token = ?""", st -> {
                    st.setDouble(1, lease.toMillis() / 1000.0);
                    st.setObject(2, claim.id());
                    st.setObject(3, claim.claimToken());
                }) > 0;
    }

    /** Gives a claim back untried (shutdown, endpoint refused at send time without an attempt). */
    public void release(Claimed claim) {
        update("update webhook_deliveries set claimed_until = null, claim_token = null where id = ? and claim_token = ?",
                st -> {
                    st.setObject(1, claim.id());
                    st.setObject(2, claim.claimToken());
                });
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

    private int update(String sql, EndpointStore.Binder binder) {
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            binder.bind(st);
            return st.executeUpdate();
        } catch (SQLException e) {
            throw Jdbc.failure(e);
        }
    }

    private static Array uuids(Connection c, List<UUID> ids) throws SQLException {
        return c.createArrayOf("uuid", ids.toArray());
    }
}
