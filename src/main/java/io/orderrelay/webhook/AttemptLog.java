package io.orderrelay.webhook;

import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.hibernate.Session;
import org.hibernate.query.NativeQuery;

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

    private final EntityManager em;
    private final EndpointStore endpoints;

    public AttemptLog(EntityManager em, EndpointStore endpoints) {
        this.em = em;
        this.endpoints = endpoints;
    }

    /**
     * Stores the batch in one transaction, all or nothing. Answers the ids that were still this replica's and are
     * now recorded; throws when nothing could be stored (the caller tries again). An endpoint whose last recorded
     * attempt here succeeded (and none answered 410) is healthy again, in the same transaction: a commit less per
     * batch than on its own, and most batches are all successes. Failures and 410 are the caller's
     * ({@link AttemptRecorder}).
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Set<UUID> complete(List<Completion> batch) {
        if (batch.isEmpty()) {
            return Set.of();
        }
        lockLines(batch);
        Set<UUID> recorded = updateDeliveries(batch);
        List<Completion> done = batch.stream().filter(b -> recorded.contains(b.claim().id())).toList();
        if (!done.isEmpty()) {
            insertAttempts(done);
            advance(done.stream().filter(d -> d.ended() && d.claim().orderId() != null).toList());
            endpoints.markHealthy(healthy(done));
        }
        return recorded;
    }

    /** Endpoints whose last attempt in {@code done} succeeded and none of whose attempts there answered 410. */
    static List<UUID> healthy(List<Completion> done) {
        Map<UUID, Completion> last = new LinkedHashMap<>();
        Set<UUID> gone = new HashSet<>();
        for (Completion c : done) {
            last.put(c.claim().endpointId(), c);
            if (Integer.valueOf(410).equals(c.attempt().statusCode())) {
                gone.add(c.claim().endpointId());
            }
        }
        return last.values().stream()
                .filter(c -> DeliveryStore.SUCCEEDED.equals(c.status()) && !gone.contains(c.claim().endpointId()))
                .map(c -> c.claim().endpointId()).toList();
    }

    private void lockLines(List<Completion> batch) {
        String[] keys = batch.stream().filter(b -> b.claim().orderId() != null)
                .map(b -> DeliveryStore.lineKey(b.claim().endpointId(), b.claim().orderId()))
                .distinct().sorted().toArray(String[]::new);
        if (keys.length == 0) {
            return;
        }
        // unnest yields the keys in array order, so they are locked in sorted order
        sql("select 1 from unnest(cast(?1 as text[])) as k, pg_advisory_xact_lock(hashtextextended(k, 0))")
                .setParameter(1, keys, String[].class)
                .getResultList();
    }

    private Set<UUID> updateDeliveries(List<Completion> batch) {
        int n = batch.size();
        UUID[] ids = new UUID[n];
        UUID[] tokens = new UUID[n];
        String[] statuses = new String[n];
        String[] next = new String[n];
        String[] completed = new String[n];
        for (int i = 0; i < n; i++) {
            Completion b = batch.get(i);
            ids[i] = b.claim().id();
            tokens[i] = b.claim().claimToken();
            statuses[i] = b.status();
            next[i] = text(b.nextAttemptAt());
            completed[i] = b.ended() ? text(b.attempt().at().plusMillis(b.attempt().durationMs())) : null;
        }
        // an ended delivery's sealed body goes: the redemption data stays on the order only
        List<UUID> recorded = em.unwrap(Session.class).createNativeQuery("""
                update webhook_deliveries d
                set status = u.status, attempt_count = d.attempt_count + 1,
                  next_attempt_at = coalesce(cast(u.next_at as timestamptz), d.next_attempt_at),
                  claimed_until = null, claim_token = null, completed_at = cast(u.completed_at as timestamptz),
                  body = case when d.body_sealed and u.status <> 'pending' then null else d.body end
                from unnest(cast(?1 as uuid[]), cast(?2 as uuid[]), cast(?3 as text[]), cast(?4 as text[]),
                            cast(?5 as text[]))
                  as u(id, token, status, next_at, completed_at)
                where d.id = u.id and d.claim_token = u.token
                returning d.id""", UUID.class)
                .setParameter(1, ids, UUID[].class).setParameter(2, tokens, UUID[].class)
                .setParameter(3, statuses, String[].class).setParameter(4, next, String[].class)
                .setParameter(5, completed, String[].class)
                .getResultList();
        return new HashSet<>(recorded);
    }

    private void insertAttempts(List<Completion> done) {
        int n = done.size();
        UUID[] ids = new UUID[n];
        Integer[] numbers = new Integer[n];
        String[] at = new String[n];
        Integer[] codes = new Integer[n];
        Integer[] durations = new Integer[n];
        String[] errors = new String[n];
        String[] excerpts = new String[n];
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
        sql("""
                insert into webhook_attempts (delivery_id, attempt, at, status_code, duration_ms, error, response_excerpt)
                select id, attempt, cast(at as timestamptz), status_code, duration_ms, error, response_excerpt
                from unnest(cast(?1 as uuid[]), cast(?2 as int[]), cast(?3 as text[]), cast(?4 as int[]),
                            cast(?5 as int[]), cast(?6 as text[]), cast(?7 as text[]))
                  as a(id, attempt, at, status_code, duration_ms, error, response_excerpt)""")
                .setParameter(1, ids, UUID[].class).setParameter(2, numbers, Integer[].class)
                .setParameter(3, at, String[].class).setParameter(4, codes, Integer[].class)
                .setParameter(5, durations, Integer[].class).setParameter(6, errors, String[].class)
                .setParameter(7, excerpts, String[].class)
                .executeUpdate();
    }

    /**
     * For every line whose head ended, its next waiting event becomes pending, due now, unless the line already
     * has a pending head.
     */
    private void advance(List<Completion> ended) {
        Set<List<UUID>> lines = new LinkedHashSet<>();
        ended.forEach(e -> lines.add(List.of(e.claim().endpointId(), e.claim().orderId())));
        if (lines.isEmpty()) {
            return;
        }
        UUID[] endpoints = lines.stream().map(l -> l.get(0)).toArray(UUID[]::new);
        UUID[] orders = lines.stream().map(l -> l.get(1)).toArray(UUID[]::new);
        sql("""
                update webhook_deliveries d set status = 'pending', next_attempt_at = now()
                from (
                  select distinct on (w.endpoint_id, w.order_id) w.id
                  from unnest(cast(?1 as uuid[]), cast(?2 as uuid[])) as l(endpoint_id, order_id)
                  join webhook_deliveries w on w.endpoint_id = l.endpoint_id and w.order_id = l.order_id
                    and w.status = 'waiting'
                  where not exists (select 1 from webhook_deliveries p where p.endpoint_id = l.endpoint_id
                                    and p.order_id = l.order_id and p.status = 'pending')
                  order by w.endpoint_id, w.order_id, w.sequence, w.id) n
                where d.id = n.id""")
                .setParameter(1, endpoints, UUID[].class).setParameter(2, orders, UUID[].class)
                .executeUpdate();
    }

    private NativeQuery<?> sql(String sql) {
        return em.unwrap(Session.class).createNativeQuery(sql);
    }

    /** Instants travel as ISO-8601 text in the arrays (cast back to timestamptz in SQL). */
    private static String text(Instant at) {
        return at == null ? null : at.toString();
    }
}
