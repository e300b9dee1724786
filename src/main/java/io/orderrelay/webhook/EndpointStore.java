package io.orderrelay.webhook;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import org.hibernate.Session;

/**
 * webhook_endpoints, through the {@link EndpointRow} entity; callers see {@link Endpoint} records. Every method
 * joins the caller's transaction (the fan-out runs in TransitionWriter's) or runs in one of its own.
 */
@ApplicationScoped
@Transactional
public class EndpointStore {

    private final EntityManager em;

    public EndpointStore(EntityManager em) {
        this.em = em;
    }

    public void insert(Endpoint e) {
        EndpointRow row = new EndpointRow();
        row.id = e.id();
        row.partnerId = e.partnerId();
        row.createdAt = e.createdAt();
        row.set(e);
        row.persist();
    }

    /** Rewrites the caller-editable fields and the secrets. */
    public void save(Endpoint e) {
        EndpointRow row = EndpointRow.findById(e.id());
        if (row != null) {
            row.set(e);
        }
    }

    public boolean delete(UUID id) {
        return EndpointRow.deleteById(id);
    }

    public Optional<Endpoint> find(UUID id) {
        return EndpointRow.<EndpointRow>findByIdOptional(id).map(EndpointRow::toEndpoint);
    }

    /** The row locked until the caller's transaction ends: for read-modify-write (PATCH, rotation). */
    public Optional<Endpoint> findForUpdate(UUID id) {
        return EndpointRow.<EndpointRow>findByIdOptional(id, LockModeType.PESSIMISTIC_WRITE).map(EndpointRow::toEndpoint);
    }

    public List<Endpoint> ofPartner(String partnerId) {
        return endpoints(EndpointRow.list("partnerId = ?1 order by createdAt, id", partnerId));
    }

    /**
     * How many endpoints the partner has, with the partner's endpoint list locked until the caller's transaction
     * ends (a PostgreSQL advisory lock: there is no row to lock before the first one), so that concurrent creations
     * cannot both pass a limit.
     */
    public int countOfPartnerLocked(String partnerId) {
        em.createNativeQuery("select 1 from pg_advisory_xact_lock(hashtextextended(?1, 0))")
                .setParameter(1, "webhook-endpoints:" + partnerId).getSingleResult();
        return (int) EndpointRow.count("partnerId", partnerId);
    }

    public List<Endpoint> enabledOfPartner(String partnerId) {
        return endpoints(EndpointRow.list("partnerId = ?1 and enabled = true order by createdAt, id", partnerId));
    }

    /** A successful attempt ends the failing period of each of these endpoints (one statement for a batch). */
    public void markHealthy(List<UUID> ids) {
        if (ids.isEmpty()) {
            return;
        }
        // runs in every recording batch: native over an array, so one SQL text whatever the number of endpoints
        // (the HQL "in ?1" was expanded and translated per size: a quarter of the recording's samples in the paced
        // burst's profile), and nothing to flush first
        em.unwrap(Session.class).createNativeQuery(
                        "update webhook_endpoints set failing_since = null where id = any(?1) and failing_since is not null")
                .setParameter(1, ids.toArray(UUID[]::new), UUID[].class)
                .addSynchronizedEntityClass(EndpointRow.class)
                .executeUpdate();
    }

    /**
     * A failed attempt: starts the failing period, and answers true when the endpoint has now failed everything for
     * longer than {@code disableAfter} and was disabled by this call.
     */
    public boolean markFailing(UUID id, Instant now, Instant disableIfFailingSince) {
        EndpointRow.update("failingSince = ?1 where id = ?2 and failingSince is null", now, id);
        return EndpointRow.update("enabled = false, disabledReason = 'failing', updatedAt = ?1"
                + " where id = ?2 and enabled = true and failingSince <= ?3", now, id, disableIfFailingSince) > 0;
    }

    /** 410 Gone: answers true when this call disabled it. */
    public boolean disableGone(UUID id, Instant now) {
        return EndpointRow.update("enabled = false, disabledReason = 'gone', updatedAt = ?1 where id = ?2 and enabled = true",
                now, id) > 0;
    }

    public long countDisabled() {
        return EndpointRow.count("enabled = false");
    }

    private static List<Endpoint> endpoints(List<EndpointRow> rows) {
        return rows.stream().map(EndpointRow::toEndpoint).toList();
    }
}
