package io.orderrelay.security;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/**
 * After a key rotation (this profile's RELAY_SECRETS_KEY is new, the %test key is listed as old), the re-seal job
 * moves every sealed value (redemption data, webhook secrets and previous secrets, sealed delivery bodies) to the
 * current key, in batches of 2 here, skipping rows another transaction holds; relay.secrets.reseal.remaining counts
 * what is left under other keys.
 */
@QuarkusTest
@TestProfile(SecurityLimitsProfile.class)
class SecretResealTest {

    static final SecretBox OLD = new SecretBox(SecurityLimitsProfile.OLD_SECRETS_KEY, List.of());
    static final SecretBox NEW_ONLY = new SecretBox(SecurityLimitsProfile.NEW_SECRETS_KEY, List.of());

    @Inject
    DataSource db;

    @Inject
    SecretBox box;

    @Inject
    MeterRegistry registry;

    double remaining() {
        var gauge = registry.find("relay.secrets.reseal.remaining").gauge();
        return gauge == null ? Double.NaN : gauge.value();
    }

    @Test
    void valuesSealedUnderAnOldKeyEndUpUnderTheCurrentKeyAndStillOpen() throws Exception {
        List<UUID> orders = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            orders.add(insertOrder(OLD.seal("[{\"code\":\"PIN-" + i + "\"}]")));
        }
        UUID endpoint = insertEndpoint(OLD.seal("whsec_current"), OLD.seal("whsec_previous"));
        // binary bodies survive: the job re-seals bytes, not strings
        byte[] body = {0, 1, 2, (byte) 0xff, (byte) 0xfe, '{', '}'};
        UUID delivery = insertDelivery(endpoint, OLD.seal(body));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (UUID order : orders) {
                assertUnderCurrentKey(value("select redemption_sealed from orders where id = ?", order));
            }
            assertUnderCurrentKey(value("select secret from webhook_endpoints where id = ?", endpoint));
            assertUnderCurrentKey(value("select previous_secret from webhook_endpoints where id = ?", endpoint));
            assertUnderCurrentKey(value("select body from webhook_deliveries where id = ?", delivery));
            assertEquals(0.0, remaining());
        });
        for (int i = 0; i < orders.size(); i++) {
            assertEquals("[{\"code\":\"PIN-" + i + "\"}]",
                    NEW_ONLY.open(value("select redemption_sealed from orders where id = ?", orders.get(i))));
        }
        assertEquals("whsec_current", NEW_ONLY.open(value("select secret from webhook_endpoints where id = ?", endpoint)));
        assertEquals("whsec_previous",
                NEW_ONLY.open(value("select previous_secret from webhook_endpoints where id = ?", endpoint)));
        assertArrayEquals(body, NEW_ONLY.openBytes(value("select body from webhook_deliveries where id = ?", delivery)));
        // the old key alone can no longer open them: it can be retired
        String resealed = value("select secret from webhook_endpoints where id = ?", endpoint);
        assertThrows(SecretBoxException.class, () -> OLD.open(resealed));
    }

    /** A row another transaction holds is skipped (never waited for) and done on a later run; the metric shows it. */
    @Test
    void rowsLockedByAConcurrentWriterAreSkippedAndDoneLater() throws Exception {
        UUID locked = insertEndpoint(OLD.seal("whsec_locked"), null);
        UUID free = insertEndpoint(OLD.seal("whsec_free"), null);
        try (Connection writer = db.getConnection()) {
            writer.setAutoCommit(false);
            try (var st = writer.prepareStatement("select secret from webhook_endpoints where id = ? for update")) {
                st.setObject(1, locked);
                st.executeQuery().close();
            }
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertUnderCurrentKey(value("select secret from webhook_endpoints where id = ?", free));
                assertEquals(1.0, remaining());
            });
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertEquals(1.0, remaining()));
            writer.rollback();
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertUnderCurrentKey(value("select secret from webhook_endpoints where id = ?", locked));
            assertEquals(0.0, remaining());
        });
        assertEquals("whsec_locked", box.open(value("select secret from webhook_endpoints where id = ?", locked)));
    }

    void assertUnderCurrentKey(String sealed) {
        assertTrue(sealed.startsWith(box.currentHeader()), "still under an old key: " + sealed.substring(0, 12));
    }

    String value(String sql, UUID id) throws SQLException {
        try (Connection c = db.getConnection(); var st = c.prepareStatement(sql)) {
            st.setObject(1, id);
            try (var rs = st.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    UUID insertOrder(String redemptionSealed) throws SQLException {
        return insert("""
                insert into orders (id, partner_id, state, sequence, country_code, request, coin, payment_via, deliveries,
                  redemption_sealed, created_at, updated_at)
                values (?, 'reseal-partner', 'Done', 1, 'US', '{}'::jsonb, 'USDC', 'USER_WALLET', '[]'::jsonb, ?, now(), now())""",
                redemptionSealed);
    }

    UUID insertEndpoint(String secret, String previousSecret) throws SQLException {
        return insert("""
                insert into webhook_endpoints (id, partner_id, url, include_secrets, enabled, secret, previous_secret,
                  previous_secret_until, created_at, updated_at)
                values (?, 'reseal-partner', 'https://93.184.215.14/hook', true, false, ?, ?, now(), now(), now())""",
                secret, previousSecret);
    }

    UUID insertDelivery(UUID endpoint, String sealedBody) throws SQLException {
        return insert("""
                insert into webhook_deliveries (id, endpoint_id, event_id, event_type, body, body_sealed, status,
                  next_attempt_at, created_at, completed_at)
                values (?, ?, ?, 'order.state_changed', ?, true, 'succeeded', now(), now(), now())""",
                endpoint, UUID.randomUUID(), sealedBody);
    }

    /** Inserts a row whose first parameter is a new id, then {@code values}; answers the id. */
    private UUID insert(String sql, Object... values) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = db.getConnection(); var st = c.prepareStatement(sql)) {
            st.setObject(1, id);
            for (int i = 0; i < values.length; i++) {
                st.setObject(i + 2, values[i]);
            }
            st.executeUpdate();
        }
        return id;
    }
}
