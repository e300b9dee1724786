package io.orderrelay.webhook;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The claim side of webhook_deliveries: which due heads this replica sends now. Claims use
 * {@code FOR UPDATE SKIP LOCKED} plus a lease ({@code claimed_until}), so replicas share the work and a crashed
 * replica's claims are taken over when the lease runs out.
 */
@ApplicationScoped
public class DeliveryQueue {

    private final DataSource db;

    public DeliveryQueue(DataSource db) {
        this.db = db;
    }

    /**
     * Claims up to {@code limit} due deliveries for this replica in one statement: per enabled endpoint, as many due
     * pending heads as it has free slots ({@code perEndpoint} minus its requests in flight on all replicas). One
     * order's events go out one at a time in sequence order (the line), while other orders and endpoints proceed.
     * Rows another replica is claiming right now are skipped, and a row claimed meanwhile fails the recheck that
     * PostgreSQL runs on the locked row.
     */
    public List<DeliveryStore.Claimed> claim(int limit, int perEndpoint, Duration lease) {
        if (limit <= 0) {
            return List.of();
        }
        UUID token = UUID.randomUUID();
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement("""
                with busy as (
                  select endpoint_id, count(*) as n from webhook_deliveries
                  where status = 'pending' and claimed_until is not null and claimed_until > now()
                  group by endpoint_id),
                picked as (
                  select x.id from webhook_endpoints e
                  left join busy b on b.endpoint_id = e.id
                  cross join lateral (
                    select d.id, d.next_attempt_at from webhook_deliveries d
                    where d.endpoint_id = e.id and d.status = 'pending' and d.next_attempt_at <= now()
                      and (d.claimed_until is null or d.claimed_until <= now())
                    order by d.next_attempt_at, d.id
                    limit greatest(? - coalesce(b.n, 0), 0)
                    for update of d skip locked) x
                  where e.enabled
                  order by x.next_attempt_at
                  limit ?)
                update webhook_deliveries d
                set claimed_until = now() + make_interval(secs => ?), claim_token = ?
                from picked, webhook_endpoints e
                where d.id = picked.id and e.id = d.endpoint_id
                returning d.id, d.endpoint_id, d.event_id, d.order_id, d.body, d.body_sealed, d.attempt_count,
                  d.retry_base, e.url, e.secret, e.previous_secret, e.previous_secret_until, d.traceparent""")) {
            st.setInt(1, perEndpoint);
            st.setInt(2, limit);
            st.setDouble(3, lease.toMillis() / 1000.0);
            st.setObject(4, token);
            List<DeliveryStore.Claimed> claimed = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    claimed.add(new DeliveryStore.Claimed(Jdbc.uuid(rs, "id"), Jdbc.uuid(rs, "endpoint_id"),
                            Jdbc.uuid(rs, "event_id"), Jdbc.uuid(rs, "order_id"), rs.getString("body"),
                            rs.getBoolean("body_sealed"), rs.getInt("attempt_count"), rs.getInt("retry_base"), token,
                            rs.getString("url"), rs.getString("secret"), rs.getString("previous_secret"),
                            Jdbc.instant(rs, "previous_secret_until"), rs.getString("traceparent")));
                }
            }
            return claimed;
        } catch (SQLException e) {
            throw Jdbc.failure(e);
        }
    }

    /** Extends this replica's claim while its attempt is still being recorded; false when the claim is lost. */
    public boolean renew(DeliveryStore.Claimed claim, Duration lease) {
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement("""
                update webhook_deliveries set claimed_until = now() + make_interval(secs => ?)
                where id = ? and claim_token = ?""")) {
            st.setDouble(1, lease.toMillis() / 1000.0);
            st.setObject(2, claim.id());
            st.setObject(3, claim.claimToken());
            return st.executeUpdate() > 0;
        } catch (SQLException e) {
            throw Jdbc.failure(e);
        }
    }
}
