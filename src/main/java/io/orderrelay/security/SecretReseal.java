package io.orderrelay.security;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderrelay.config.Gauges;
import io.quarkus.runtime.Startup;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import org.hibernate.Session;
import io.quarkus.scheduler.Scheduled;

/**
 * Moves sealed values to the current RELAY_SECRETS_KEY after a rotation, so that the old key can be retired.
 *
 * <p>Every {@code relay.reseal.interval}, on every replica: for each sealed column, claim up to
 * {@code relay.reseal.batch-size} rows whose value starts with the header of a key listed in RELAY_SECRETS_OLD_KEYS
 * ({@code FOR NO KEY UPDATE SKIP LOCKED}: a row a writer holds is skipped, never waited for, and done on a later run;
 * replicas share the work; references to the row, which take KEY SHARE locks, are not blocked), open each under
 * its old key, seal it under the current one and write it back in the same short transaction, batch after batch.
 * Writers that change these columns lock the row first (TransitionWriter, the endpoint PATCH and rotation), so a
 * re-sealed value never overwrites a newer one. Then count what is left under any other key:
 * {@code relay.secrets.reseal.remaining} (values under a key that is not configured at all are counted and cannot
 * be re-sealed: they are unreadable). At 0 the old key can be removed from RELAY_SECRETS_OLD_KEYS.
 *
 * <p>Every column SecretBox writes to must be listed in {@link #COLUMNS}.
 */
@ApplicationScoped
@Startup // its gauges exist from the start, not from the first scheduled refresh
public class SecretReseal {

    /** A column holding sealed values; {@code sealedRows} selects the rows where it holds one. */
    record SealedColumn(String table, String column, String sealedRows) {
    }

    static final List<SealedColumn> COLUMNS = List.of(
            new SealedColumn("orders", "redemption_sealed", "redemption_sealed is not null"),
            new SealedColumn("webhook_endpoints", "secret", "secret is not null"),
            new SealedColumn("webhook_endpoints", "previous_secret", "previous_secret is not null"),
            new SealedColumn("webhook_deliveries", "body", "body_sealed"));

    private final EntityManager em;
    private final SecretBox box;
    private final int batchSize;
    private final Counter resealed;
    /** -1 until the first count. */
    private final AtomicLong remaining = new AtomicLong(-1);

    public SecretReseal(EntityManager em, SecretBox box, ResealConfig config, MeterRegistry registry) {
        if (config.batchSize() < 1) {
            throw new IllegalStateException("RELAY_RESEAL_BATCH_SIZE must be at least 1");
        }
        this.em = em;
        this.box = box;
        this.batchSize = config.batchSize();
        Gauges.forgetPrevious(registry, "relay.secrets.reseal.remaining");
        Gauge.builder("relay.secrets.reseal.remaining", remaining, r -> r.get() < 0 ? Double.NaN : r.get())
                .description("Sealed values not under RELAY_SECRETS_KEY; 0: the old keys can be retired")
                .register(registry);
        this.resealed = Counter.builder("relay.secrets.resealed")
                .description("Sealed values moved from an old key to RELAY_SECRETS_KEY by this replica")
                .register(registry);
    }

    @Scheduled(every = "${relay.reseal.interval:1m}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            run();
        } catch (RuntimeException e) {
            Log.warnf("Re-sealing secrets failed, retrying next run: %s", e.getMessage());
        }
    }

    /** One pass: re-seals what it can, then counts what is left. Answers the number of values re-sealed. */
    public int run() {
        int total = 0;
        List<String> oldHeaders = box.oldHeaders();
        if (!oldHeaders.isEmpty()) {
            for (SealedColumn column : COLUMNS) {
                total += resealColumn(column, oldHeaders);
            }
        }
        long left = 0;
        for (SealedColumn column : COLUMNS) {
            left += QuarkusTransaction.requiringNew().call(() -> countNotCurrent(column));
        }
        long before = remaining.getAndSet(left);
        if (total > 0 || (left > 0 && before != left)) {
            Log.infof("Re-sealed %d secret values under the current key (id %s); %d remain under other keys%s", total,
                    box.currentKeyId(), left, left > 0 && oldHeaders.isEmpty()
                            ? " and no RELAY_SECRETS_OLD_KEYS to open them" : "");
        }
        return total;
    }

    private int resealColumn(SealedColumn column, List<String> oldHeaders) {
        int total = 0;
        while (true) {
            Batch batch = QuarkusTransaction.requiringNew().call(() -> resealBatch(column, oldHeaders));
            total += batch.resealed();
            resealed.increment(batch.resealed());
            // a short batch: nothing more is free now; a failed row: stop, so it is not picked again and again
            if (batch.claimed() < batchSize || batch.resealed() < batch.claimed()) {
                return total;
            }
        }
    }

    record Batch(int claimed, int resealed) {
    }

    private Batch resealBatch(SealedColumn c, List<String> oldHeaders) {
        String select = "select id, " + c.column() + " as sealed from " + c.table() + " where " + c.sealedRows()
                + " and left(" + c.column() + ", " + SecretBox.HEADER_LENGTH + ") in (?1) limit ?2"
                + " for no key update skip locked";
        String update = "update " + c.table() + " set " + c.column() + " = ?1 where id = ?2 and " + c.column() + " = ?3";
        List<Tuple> rows = em.unwrap(Session.class).createNativeQuery(select, Tuple.class)
                .setParameterList(1, oldHeaders).setParameter(2, batchSize)
                .addScalar("id", UUID.class).addScalar("sealed", String.class)
                .getResultList();
        int done = 0;
        for (Tuple row : rows) {
            UUID id = row.get("id", UUID.class);
            String sealed = row.get("sealed", String.class);
            String fresh;
            try {
                fresh = box.reseal(sealed);
            } catch (SecretBoxException e) {
                // the message names no value; the id says where to look
                Log.warnf("%s.%s of row %s cannot be re-sealed: %s", c.table(), c.column(), id, e.getMessage());
                continue;
            }
            done += em.createNativeQuery(update).setParameter(1, fresh).setParameter(2, id).setParameter(3, sealed)
                    .executeUpdate();
        }
        return new Batch(rows.size(), done);
    }

    private long countNotCurrent(SealedColumn c) {
        // "< or >" rather than "<>": both halves can use the index on the header (V10)
        String header = "left(" + c.column() + ", " + SecretBox.HEADER_LENGTH + ")";
        String sql = "select count(*) from " + c.table() + " where " + c.sealedRows() + " and (" + header + " < ?1 or "
                + header + " > ?1)";
        return em.unwrap(Session.class).createNativeQuery(sql, Long.class).setParameter(1, box.currentHeader())
                .getSingleResult();
    }
}
