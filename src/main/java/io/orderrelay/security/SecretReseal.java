package io.orderrelay.security;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderrelay.config.Gauges;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
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
public class SecretReseal {

    /** A column holding sealed values; {@code sealedRows} selects the rows where it holds one. */
    record SealedColumn(String table, String column, String sealedRows) {
    }

    static final List<SealedColumn> COLUMNS = List.of(
            new SealedColumn("orders", "redemption_sealed", "redemption_sealed is not null"),
            new SealedColumn("webhook_endpoints", "secret", "secret is not null"),
            new SealedColumn("webhook_endpoints", "previous_secret", "previous_secret is not null"),
            new SealedColumn("webhook_deliveries", "body", "body_sealed"));

    private final DataSource db;
    private final SecretBox box;
    private final int batchSize;
    private final Counter resealed;
    /** -1 until the first count. */
    private final AtomicLong remaining = new AtomicLong(-1);

    public SecretReseal(DataSource db, SecretBox box, ResealConfig config, MeterRegistry registry) {
        if (config.batchSize() < 1) {
            throw new IllegalStateException("RELAY_RESEAL_BATCH_SIZE must be at least 1");
        }
        this.db = db;
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

    private Batch resealBatch(SealedColumn c, List<String> oldHeaders) throws SQLException {
        String select = "select id, " + c.column() + " from " + c.table() + " where " + c.sealedRows() + " and left("
                + c.column() + ", " + SecretBox.HEADER_LENGTH + ") = any(?) limit ? for no key update skip locked";
        String update = "update " + c.table() + " set " + c.column() + " = ? where id = ? and " + c.column() + " = ?";
        try (Connection connection = db.getConnection()) {
            List<Object[]> rows = new ArrayList<>();
            try (PreparedStatement st = connection.prepareStatement(select)) {
                Array headers = connection.createArrayOf("text", oldHeaders.toArray());
                st.setArray(1, headers);
                st.setInt(2, batchSize);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new Object[] {rs.getObject(1), rs.getString(2)});
                    }
                }
            }
            int done = 0;
            try (PreparedStatement st = connection.prepareStatement(update)) {
                for (Object[] row : rows) {
                    String sealed = (String) row[1];
                    String fresh;
                    try {
                        fresh = box.reseal(sealed);
                    } catch (SecretBoxException e) {
                        // the message names no value; the id says where to look
                        Log.warnf("%s.%s of row %s cannot be re-sealed: %s", c.table(), c.column(), row[0], e.getMessage());
                        continue;
                    }
                    st.setString(1, fresh);
                    st.setObject(2, row[0]);
                    st.setString(3, sealed);
                    done += st.executeUpdate();
                }
            }
            return new Batch(rows.size(), done);
        }
    }

    private long countNotCurrent(SealedColumn c) throws SQLException {
        // "< or >" rather than "<>": both halves can use the index on the header (V10)
        String header = "left(" + c.column() + ", " + SecretBox.HEADER_LENGTH + ")";
        String sql = "select count(*) from " + c.table() + " where " + c.sealedRows() + " and (" + header + " < ? or "
                + header + " > ?)";
        try (Connection connection = db.getConnection(); PreparedStatement st = connection.prepareStatement(sql)) {
            st.setString(1, box.currentHeader());
            st.setString(2, box.currentHeader());
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
