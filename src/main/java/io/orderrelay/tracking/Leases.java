package io.orderrelay.tracking;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import io.orderrelay.order.OrderState;

/**
 * The {@code tracking_leases} table: which replica follows which open order. Plain JDBC, autocommit: each
 * statement is its own short transaction, run on the trackers' lease thread. The connections come from a small pool
 * of their own (datasource {@code leases}): observation writes can take every connection of the main pool in a burst,
 * and a renewal that waits for one lets every lease expire.
 */
@ApplicationScoped
public class Leases {

    /** An order to follow, as claimed. */
    public record Claimed(UUID orderId, String upstreamOrderId, String countryCode) {
    }

    /**
     * {@link OrderState#UNTRACKABLE} as an SQL list. Written into the statement rather than bound: PostgreSQL
     * only uses the partial index orders_trackable (V2) when it can prove the query's predicate implies the
     * index's, which it cannot do with a bind parameter once the driver switches to a generic prepared plan.
     * The names are our own constants, never input.
     */
    private static final String UNTRACKABLE = OrderState.UNTRACKABLE.stream()
            .map(s -> "'" + s + "'").collect(java.util.stream.Collectors.joining(", "));

    /**
     * Open orders without a live lease, oldest first; the order rows are locked with SKIP LOCKED so that two
     * replicas claiming at once take different orders, and the upsert only replaces a lease that has expired
     * (checked on the latest committed row), so an order never gets two live owners. The answer's columns come
     * from the candidates, not from a second read of orders: joined back to orders, the planner hashed a seq scan
     * of the whole table (every order ever placed) at each claim tick (10,000 orders, no statistics).
     */
    private static final String CLAIM = """
            with candidates as (
                select o.id, o.upstream_order_id, o.country_code from orders o
                left join tracking_leases l on l.order_id = o.id
                where o.upstream_order_id is not null %1$s
                  and o.state not in (%2$s)
                  and (l.order_id is null or l.expires_at < now())
                order by o.created_at
                limit ?
                for update of o skip locked
            ), taken as (
                insert into tracking_leases (order_id, owner, expires_at)
                select id, ?, now() + ? * interval '1 millisecond' from candidates
                on conflict (order_id) do update set owner = excluded.owner, expires_at = excluded.expires_at
                    where tracking_leases.expires_at < now()
                returning order_id
            )
            select c.id, c.upstream_order_id, c.country_code from taken t join candidates c on c.id = t.order_id
            """;
    /** Any unfollowed open order: walks the open orders, skipping every one with a live lease. */
    private static final String CLAIM_ANY = CLAIM.formatted("", UNTRACKABLE);
    /** Only these orders (just placed or resolved here): a few primary-key lookups, however many orders are followed. */
    private static final String CLAIM_THESE = CLAIM.formatted("and o.id = any(?)", UNTRACKABLE);

    private final DataSource dataSource;

    public Leases(@io.quarkus.agroal.DataSource("leases") DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Claims up to {@code limit} unfollowed open orders for {@code owner}. */
    public List<Claimed> claim(String owner, int limit, Duration lease) throws SQLException {
        return claim(owner, null, limit, lease);
    }

    /** Claims those of {@code orders} that are open and unfollowed for {@code owner}. */
    public List<Claimed> claim(String owner, Collection<UUID> orders, Duration lease) throws SQLException {
        return claim(owner, orders, orders.size(), lease);
    }

    private List<Claimed> claim(String owner, Collection<UUID> orders, int limit, Duration lease) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(orders == null ? CLAIM_ANY : CLAIM_THESE)) {
            int i = 1;
            if (orders != null) {
                s.setArray(i++, c.createArrayOf("uuid", orders.toArray()));
            }
            s.setInt(i++, limit);
            s.setString(i++, owner);
            s.setLong(i, lease.toMillis());
            List<Claimed> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String country = r.getString(3);
                    out.add(new Claimed(r.getObject(1, UUID.class), r.getString(2), country == null ? null : country.trim()));
                }
            }
            return out;
        }
    }

    /**
     * Extends the leases of {@code orders} still held by {@code owner}, expired or not; answers those. A lease that
     * expired is still ours as long as no other replica took it (a claim changes the owner): renewing it loses nothing,
     * whereas dropping it would restart the subscriber for nothing. The others were lost.
     */
    public Set<UUID> renew(String owner, Collection<UUID> orders, Duration lease) throws SQLException {
        Set<UUID> kept = new HashSet<>();
        if (orders.isEmpty()) {
            return kept;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                update tracking_leases set expires_at = now() + ? * interval '1 millisecond'
                where owner = ? and order_id = any(?)
                returning order_id""")) {
            Array ids = c.createArrayOf("uuid", orders.toArray());
            s.setLong(1, lease.toMillis());
            s.setString(2, owner);
            s.setArray(3, ids);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    kept.add(r.getObject(1, UUID.class));
                }
            }
        }
        return kept;
    }

    /** Gives one order up (it ended, or we stop following it). */
    public void release(String owner, UUID orderId) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("delete from tracking_leases where owner = ? and order_id = ?")) {
            s.setString(1, owner);
            s.setObject(2, orderId);
            s.executeUpdate();
        }
    }

    /** Gives every order of {@code owner} up at once (graceful shutdown): other replicas claim them immediately. */
    public int releaseAll(String owner) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("delete from tracking_leases where owner = ?")) {
            s.setString(1, owner);
            return s.executeUpdate();
        }
    }

    /** Leases left behind by dead replicas on orders that ended meanwhile: nobody will ever claim them again. */
    public int purgeExpired(Duration olderThan) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "delete from tracking_leases where expires_at < now() - ? * interval '1 millisecond'")) {
            s.setLong(1, olderThan.toMillis());
            return s.executeUpdate();
        }
    }

    /** The owner of each lease of these orders, live or not: for tests and operators. */
    public java.util.Map<UUID, String> owners(Collection<UUID> orders) throws SQLException {
        java.util.Map<UUID, String> out = new java.util.HashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "select order_id, owner from tracking_leases where order_id = any(?) and expires_at >= now()")) {
            s.setArray(1, c.createArrayOf("uuid", orders.toArray()));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.put(r.getObject(1, UUID.class), r.getString(2));
                }
            }
        }
        return out;
    }
}
