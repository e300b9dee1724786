package io.orderrelay.webhook;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * webhook_endpoints, in plain JDBC. Inside a JTA transaction (the fan-out runs in TransitionWriter's) Agroal hands
 * out the transaction's connection, so these statements commit or roll back with it.
 */
@ApplicationScoped
public class EndpointStore {

    private static final String COLUMNS = "id, partner_id, url, description, event_types, include_secrets, enabled, "
            + "disabled_reason, secret, previous_secret, previous_secret_until, failing_since, created_at, updated_at";

    private final DataSource db;

    public EndpointStore(DataSource db) {
        this.db = db;
    }

    public void insert(Endpoint e) {
        update("insert into webhook_endpoints (" + COLUMNS + ") values (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", st -> {
            st.setObject(1, e.id());
            st.setString(2, e.partnerId());
            st.setString(3, e.url());
            st.setString(4, e.description());
            st.setString(5, EventTypes.encode(e.eventTypes()));
            st.setBoolean(6, e.includeSecrets());
            st.setBoolean(7, e.enabled());
            st.setString(8, e.disabledReason());
            st.setString(9, e.sealedSecret());
            st.setString(10, e.sealedPreviousSecret());
            Jdbc.set(st, 11, e.previousSecretUntil());
            Jdbc.set(st, 12, e.failingSince());
            Jdbc.set(st, 13, e.createdAt());
            Jdbc.set(st, 14, e.updatedAt());
        });
    }

    /** Rewrites the caller-editable fields and the secrets. */
    public void save(Endpoint e) {
        update("""
                update webhook_endpoints set url = ?, description = ?, event_types = ?, enabled = ?, disabled_reason = ?,
                  secret = ?, previous_secret = ?, previous_secret_until = ?, failing_since = ?, updated_at = ?
                where id = ?""", st -> {
            st.setString(1, e.url());
            st.setString(2, e.description());
            st.setString(3, EventTypes.encode(e.eventTypes()));
            st.setBoolean(4, e.enabled());
            st.setString(5, e.disabledReason());
            st.setString(6, e.sealedSecret());
            st.setString(7, e.sealedPreviousSecret());
            Jdbc.set(st, 8, e.previousSecretUntil());
            Jdbc.set(st, 9, e.failingSince());
            Jdbc.set(st, 10, e.updatedAt());
            st.setObject(11, e.id());
        });
    }

    public boolean delete(UUID id) {
        return update("delete from webhook_endpoints where id = ?", st -> st.setObject(1, id)) > 0;
    }

    public Optional<Endpoint> find(UUID id) {
        List<Endpoint> found = query("select " + COLUMNS + " from webhook_endpoints where id = ?", st -> st.setObject(1, id));
        return found.stream().findFirst();
    }

    /** The row locked until the caller's transaction ends: for read-modify-write (PATCH, rotation). */
    public Optional<Endpoint> findForUpdate(UUID id) {
        return query("select " + COLUMNS + " from webhook_endpoints where id = ? for update", st -> st.setObject(1, id))
                .stream().findFirst();
    }

    public List<Endpoint> ofPartner(String partnerId) {
        return query("select " + COLUMNS + " from webhook_endpoints where partner_id = ? order by created_at, id",
                st -> st.setString(1, partnerId));
    }

    /**
     * How many endpoints the partner has, with the partner's endpoint list locked until the caller's transaction
     * ends, so that concurrent creations cannot both pass a limit.
     */
    public int countOfPartnerLocked(String partnerId) {
        try (Connection c = db.getConnection()) {
            try (PreparedStatement st = c.prepareStatement("select pg_advisory_xact_lock(hashtextextended(?, 0))")) {
                st.setString(1, "webhook-endpoints:" + partnerId);
                st.executeQuery().close();
            }
            try (PreparedStatement st = c.prepareStatement("select count(*) from webhook_endpoints where partner_id = ?")) {
                st.setString(1, partnerId);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        } catch (SQLException e) {
            throw Jdbc.failure(e);
        }
    }

    public List<Endpoint> enabledOfPartner(String partnerId) {
        return query("select " + COLUMNS + " from webhook_endpoints where partner_id = ? and enabled order by created_at, id",
                st -> st.setString(1, partnerId));
    }

    /** A successful attempt ends the failing period of each of these endpoints (one statement for a batch). */
    public void markHealthy(List<UUID> ids) {
        if (ids.isEmpty()) {
            return;
        }
        update("update webhook_endpoints set failing_since = null where id = any(?) and failing_since is not null",
                st -> st.setArray(1, st.getConnection().createArrayOf("uuid", ids.toArray())));
    }

    /**
     * A failed attempt: starts the failing period, and answers true when the endpoint has now failed everything for
     * longer than {@code disableAfter} and was disabled by this call.
     */
    public boolean markFailing(UUID id, Instant now, Instant disableIfFailingSince) {
        update("update webhook_endpoints set failing_since = ? where id = ? and failing_since is null", st -> {
            Jdbc.set(st, 1, now);
            st.setObject(2, id);
        });
        return update("""
                update webhook_endpoints set enabled = false, disabled_reason = 'failing', updated_at = ?
                where id = ? and enabled and failing_since <= ?""", st -> {
            Jdbc.set(st, 1, now);
            st.setObject(2, id);
            Jdbc.set(st, 3, disableIfFailingSince);
        }) > 0;
    }

    /** 410 Gone: answers true when this call disabled it. */
    public boolean disableGone(UUID id, Instant now) {
        return update("update webhook_endpoints set enabled = false, disabled_reason = 'gone', updated_at = ? "
                + "where id = ? and enabled", st -> {
                    Jdbc.set(st, 1, now);
                    st.setObject(2, id);
                }) > 0;
    }

    public long countDisabled() {
        try (Connection c = db.getConnection();
                PreparedStatement st = c.prepareStatement("select count(*) from webhook_endpoints where not enabled");
                ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw Jdbc.failure(e);
        }
    }

    interface Binder {
        void bind(PreparedStatement st) throws SQLException;
    }

    private int update(String sql, Binder binder) {
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            binder.bind(st);
            return st.executeUpdate();
        } catch (SQLException e) {
            throw Jdbc.failure(e);
        }
    }

    private List<Endpoint> query(String sql, Binder binder) {
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            binder.bind(st);
            try (ResultSet rs = st.executeQuery()) {
                List<Endpoint> all = new ArrayList<>();
                while (rs.next()) {
                    all.add(new Endpoint(Jdbc.uuid(rs, "id"), rs.getString("partner_id"), rs.getString("url"),
                            rs.getString("description"), EventTypes.decode(rs.getString("event_types")),
                            rs.getBoolean("include_secrets"), rs.getBoolean("enabled"), rs.getString("disabled_reason"),
                            rs.getString("secret"), rs.getString("previous_secret"),
                            Jdbc.instant(rs, "previous_secret_until"), Jdbc.instant(rs, "failing_since"),
                            Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "updated_at")));
                }
                return all;
            }
        } catch (SQLException e) {
            throw Jdbc.failure(e);
        }
    }
}
