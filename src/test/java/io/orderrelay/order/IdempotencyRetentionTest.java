package io.orderrelay.order;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import javax.sql.DataSource;

import io.orderrelay.sandbox.SandboxControl;
import io.orderrelay.support.Api;
import io.orderrelay.support.UpstreamFixtures;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** Idempotency keys are kept for relay.idempotency.retention (24 h) after their first request, then pruned. */
@QuarkusTest
class IdempotencyRetentionTest {

    @Inject
    IdempotencyHousekeeping housekeeping;

    @Inject
    SandboxControl sandbox;

    @Inject
    DataSource db;

    private static io.restassured.response.ValidatableResponse post(String body, String key) {
        return Api.json(body).header("Idempotency-Key", key).post("/v1/orders").then();
    }

    @Test
    void keysPastTheRetentionArePrunedAndYoungerOnesStillReplay() throws Exception {
        String pastKey = "past-" + UUID.randomUUID();
        String pastBody = UpstreamFixtures.createBody(UpstreamFixtures.reference());
        String pastOrder = post(pastBody, pastKey).statusCode(201).extract().path("id");
        String keptKey = "kept-" + UUID.randomUUID();
        String keptBody = UpstreamFixtures.createBody(UpstreamFixtures.reference());
        String keptAnswer = post(keptBody, keptKey).statusCode(201).extract().asString();
        // a claim whose request died before answering, long ago: nothing refers to it any more
        String abandonedKey = "abandoned-" + UUID.randomUUID();
        insertClaim(abandonedKey, Instant.now().minus(Duration.ofDays(3)));

        age(pastKey, Duration.ofHours(25));
        age(keptKey, Duration.ofHours(23));
        assertTrue(housekeeping.prune() >= 2);

        assertEquals(0, rows(pastKey));
        assertEquals(0, rows(abandonedKey));
        assertEquals(1, rows(keptKey));
        // within the retention: the first answer again, byte for byte
        String replay = post(keptBody, keptKey).statusCode(201).header("Idempotent-Replayed", "true")
                .extract().asString();
        assertEquals(keptAnswer, replay);
        // past it the key is unknown: the request is new, and the client_reference it carries names the order
        // already placed instead of buying a second time
        long creates = sandbox.count("POST", "/v5/orders");
        post(pastBody, pastKey).statusCode(409).header("Idempotent-Replayed", nullValue())
                .contentType("application/problem+json").body("order_id", equalTo(pastOrder));
        assertEquals(creates, sandbox.count("POST", "/v5/orders"));
    }

    private void age(String key, Duration age) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("update idempotency_keys set created_at = ? where key = ?")) {
            s.setTimestamp(1, Timestamp.from(Instant.now().minus(age)));
            s.setString(2, key);
            assertEquals(1, s.executeUpdate());
        }
    }

    private void insertClaim(String key, Instant at) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "insert into idempotency_keys (scope, key, request_hash, created_at) values ('bootstrap', ?, 'h', ?)")) {
            s.setString(1, key);
            s.setTimestamp(2, Timestamp.from(at));
            s.executeUpdate();
        }
    }

    private int rows(String key) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("select count(*) from idempotency_keys where key = ?")) {
            s.setString(1, key);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }
}
