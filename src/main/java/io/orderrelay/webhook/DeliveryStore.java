package io.orderrelay.webhook;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;


import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;
import jakarta.transaction.Transactional;


import org.hibernate.Session;
import org.hibernate.query.NativeQuery;

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
@Transactional
public class DeliveryStore {

    public static final String PENDING = "pending";
    /** Behind an earlier event of the same order for the same endpoint; shown to callers as pending. */
    public static final String WAITING = "waiting";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";

    private final EntityManager em;

    public DeliveryStore(EntityManager em) {
        this.em = em;
    }

    /**
     * A delivery to write; {@code body} already sealed when {@code sealed}; {@code traceparent}: the trace context of
     * what caused it (sent as the traceparent header), or null.
     */
    public record NewDelivery(UUID id, UUID endpointId, UUID eventId, String eventType, UUID orderId, Integer sequence,
            String body, boolean sealed, String traceparent) {
    }

    /** A claimed delivery with what sending it needs. */
    public record Claimed(UUID id, UUID endpointId, UUID eventId, UUID orderId, String body, boolean sealed, int attemptCount,
            int retryBase, UUID claimToken, String url, String sealedSecret, String sealedPreviousSecret,
            Instant previousSecretUntil, String traceparent) {
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
        // lines locked in the one order every multi-line transaction uses (AttemptLog too), so none deadlock;
        // the sort is stable, so one line's events keep their order (the first is its head)
        List<NewDelivery> sorted = new ArrayList<>(deliveries);
        sorted.sort(Comparator.comparing(d -> d.orderId() == null ? "" : lineKey(d.endpointId(), d.orderId())));
        lockLines(sorted);
        // one statement for a group's deliveries: a row waits behind an earlier row of its line in this group
        // (row_number) or behind one already queued (exists)
        sql("""
                insert into webhook_deliveries (id, endpoint_id, event_id, event_type, order_id, sequence, body,
                  body_sealed, status, next_attempt_at, created_at, traceparent)
                select d.id, d.endpoint_id, d.event_id, d.event_type, d.order_id, d.sequence, d.body, d.sealed,
                  case when d.order_id is not null
                        and (row_number() over (partition by d.endpoint_id, d.order_id order by d.n) > 1
                             or exists (select 1 from webhook_deliveries w where w.endpoint_id = d.endpoint_id
                                        and w.order_id = d.order_id and w.status in ('pending', 'waiting')))
                       then 'waiting' else 'pending' end, ?10, ?10, d.traceparent
                from unnest(cast(?1 as uuid[]), cast(?2 as uuid[]), cast(?3 as uuid[]), cast(?4 as text[]),
                            cast(?5 as uuid[]), cast(?6 as int[]), cast(?7 as text[]), cast(?8 as boolean[]),
                            cast(?9 as text[]))
                  with ordinality as d(id, endpoint_id, event_id, event_type, order_id, sequence, body, sealed,
                                       traceparent, n)
                order by d.n""")
                .setParameter(1, sorted.stream().map(NewDelivery::id).toArray(UUID[]::new), UUID[].class)
                .setParameter(2, sorted.stream().map(NewDelivery::endpointId).toArray(UUID[]::new), UUID[].class)
                .setParameter(3, sorted.stream().map(NewDelivery::eventId).toArray(UUID[]::new), UUID[].class)
                .setParameter(4, sorted.stream().map(NewDelivery::eventType).toArray(String[]::new), String[].class)
                .setParameter(5, sorted.stream().map(NewDelivery::orderId).toArray(UUID[]::new), UUID[].class)
                .setParameter(6, sorted.stream().map(NewDelivery::sequence).toArray(Integer[]::new), Integer[].class)
                .setParameter(7, sorted.stream().map(NewDelivery::body).toArray(String[]::new), String[].class)
                .setParameter(8, sorted.stream().map(NewDelivery::sealed).toArray(Boolean[]::new), Boolean[].class)
                .setParameter(9, sorted.stream().map(NewDelivery::traceparent).toArray(String[]::new), String[].class)
                .setParameter(10, now)
                .executeUpdate();
    }

    /** The advisory lock key of one (endpoint, order) line; several lines are always locked in its sort order. */
    static String lineKey(UUID endpointId, UUID orderId) {
        return endpointId + ":" + orderId;
    }

    /** Locks the lines of these deliveries, in their order, in one statement (a group's fan-out). */
    private void lockLines(List<NewDelivery> sorted) {
        String[] keys = sorted.stream().filter(d -> d.orderId() != null)
                .map(d -> lineKey(d.endpointId(), d.orderId())).distinct().toArray(String[]::new);
        if (keys.length == 0) {
            return;
        }
        // unnest yields the keys in array order, so they are locked in sorted order
        sql("select 1 from unnest(cast(?1 as text[])) as k, pg_advisory_xact_lock(hashtextextended(k, 0))")
                .setParameter(1, keys, String[].class)
                .getResultList();
    }

    /** Serialises changes to one (endpoint, order) line until the transaction ends; no-op for test events. */
    private void lockLine(UUID endpointId, UUID orderId) {
        if (orderId == null) {
            return;
        }
        sql("select 1 from pg_advisory_xact_lock(hashtextextended(?1, 0))")
                .setParameter(1, lineKey(endpointId, orderId)).getSingleResult();
    }

    /**
     * Sends it again with a fresh retry schedule: now, or after the earlier events of its order still in line.
     * Answers false when it is being sent right now. Runs in the caller's transaction.
     */
    public boolean retry(UUID endpointId, UUID deliveryId, UUID orderId, Instant now) {
        lockLine(endpointId, orderId);
        int ended = sql("""
                update webhook_deliveries d set
                  status = case when d.order_id is not null and exists (select 1 from webhook_deliveries w
                             where w.endpoint_id = d.endpoint_id and w.order_id = d.order_id and w.id <> d.id
                               and w.status in ('pending', 'waiting'))
                           then 'waiting' else 'pending' end,
                  next_attempt_at = ?1, retry_base = attempt_count, completed_at = null
                where d.id = ?2 and d.endpoint_id = ?3 and d.status in ('succeeded', 'failed')""")
                .setParameter(1, now).setParameter(2, deliveryId).setParameter(3, endpointId)
                .executeUpdate();
        if (ended > 0) {
            return true;
        }
        // already pending: bring it forward unless in flight
        return sql("""
                update webhook_deliveries set next_attempt_at = ?1, retry_base = attempt_count
                where id = ?2 and endpoint_id = ?3 and status in ('pending', 'waiting')
                  and (claimed_until is null or claimed_until <= now())""")
                .setParameter(1, now).setParameter(2, deliveryId).setParameter(3, endpointId)
                .executeUpdate() > 0;
    }

    public Optional<Row> find(UUID endpointId, UUID deliveryId) {
        return rows(query("select * from webhook_deliveries where endpoint_id = ?1 and id = ?2")
                .setParameter(1, endpointId).setParameter(2, deliveryId)).stream().findFirst();
    }

    /** Newest first; {@code before} is the last id of the previous page (ids are time-ordered). */
    public List<Row> list(UUID endpointId, String status, UUID before, int limit) {
        return rows(query("""
                select * from webhook_deliveries
                where endpoint_id = ?1 and (cast(?2 as text) is null or status = ?2 or (?2 = 'pending' and status = 'waiting'))
                  and (cast(?3 as uuid) is null or id < ?3)
                order by id desc limit ?4""")
                .setParameter(1, endpointId).setParameter(2, status, String.class)
                .setParameter(3, before, UUID.class).setParameter(4, limit));
    }

    /** Pending deliveries per enabled endpoint, for the backlog gauge. */
    public Map<UUID, Long> backlog() {
        Map<UUID, Long> backlog = new LinkedHashMap<>();
        em.unwrap(Session.class).createNativeQuery("""
                select d.endpoint_id, count(*) as n from webhook_deliveries d
                where d.status in ('pending', 'waiting') group by d.endpoint_id""", Tuple.class)
                .addScalar("endpoint_id", UUID.class).addScalar("n", Long.class)
                .getResultList()
                .forEach(t -> backlog.put(t.get("endpoint_id", UUID.class), t.get("n", Long.class)));
        return backlog;
    }

    private NativeQuery<?> sql(String sql) {
        return em.unwrap(Session.class).createNativeQuery(sql);
    }

    private NativeQuery<Tuple> query(String sql) {
        return em.unwrap(Session.class).createNativeQuery(sql, Tuple.class)
                .addScalar("id", UUID.class).addScalar("endpoint_id", UUID.class).addScalar("event_id", UUID.class)
                .addScalar("event_type", String.class).addScalar("order_id", UUID.class)
                .addScalar("sequence", Integer.class).addScalar("status", String.class)
                .addScalar("next_attempt_at", Instant.class);
    }

    private List<Row> rows(NativeQuery<Tuple> query) {
        Map<UUID, Row> rows = new LinkedHashMap<>();
        for (Tuple t : query.getResultList()) {
            UUID id = t.get("id", UUID.class);
            String stored = t.get("status", String.class);
            String status = WAITING.equals(stored) ? PENDING : stored;
            rows.put(id, new Row(id, t.get("endpoint_id", UUID.class), t.get("event_id", UUID.class),
                    t.get("event_type", String.class), t.get("order_id", UUID.class), t.get("sequence", Integer.class),
                    status, PENDING.equals(stored) ? t.get("next_attempt_at", Instant.class) : null, new ArrayList<>()));
        }
        if (!rows.isEmpty()) {
            em.unwrap(Session.class).createNativeQuery("""
                    select delivery_id, at, status_code, duration_ms, error, response_excerpt from webhook_attempts
                    where delivery_id in (?1) order by delivery_id, attempt""", Tuple.class)
                    .setParameterList(1, rows.keySet())
                    .addScalar("delivery_id", UUID.class).addScalar("at", Instant.class)
                    .addScalar("status_code", Integer.class).addScalar("duration_ms", Long.class)
                    .addScalar("error", String.class).addScalar("response_excerpt", String.class)
                    .getResultList()
                    .forEach(a -> rows.get(a.get("delivery_id", UUID.class)).attempts().add(new Attempt(
                            a.get("at", Instant.class), a.get("status_code", Integer.class),
                            a.get("duration_ms", Long.class), a.get("error", String.class),
                            a.get("response_excerpt", String.class))));
        }
        return new ArrayList<>(rows.values());
    }
}
