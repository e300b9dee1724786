package io.orderrelay.order;

import static io.orderrelay.support.UpstreamFixtures.VALID;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.orderrelay.support.Api;
import io.orderrelay.support.UpstreamFixtures;
import io.orderrelay.support.WireMockUpstream;
import io.orderrelay.support.WireMockUpstream.InjectUpstream;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Idempotency-Key guarantees with the key claimed in the transaction that stores the order and answered in the one
 * that stores the outcome: two commits per placed order, one per refusal by validation.
 */
@QuarkusTest
@WithTestResource(WireMockUpstream.class)
class IdempotentPlacementTest {

    @InjectUpstream
    WireMockServer upstream;

    @Inject
    CircuitBreakerMaintenance breakers;

    @Inject
    DataSource db;

    @BeforeEach
    void reset() {
        UpstreamFixtures.resetAcceptingValidations(upstream, breakers);
    }

    @Test
    void aPlacedOrderCostsTwoCommitsAndItsAnswerCommitsWithItsOutcome() throws SQLException {
        upstream.stubFor(post("/v5/orders").willReturn(okJson(UpstreamFixtures.newOrder())));
        String key = UUID.randomUUID().toString();

        String id = Api.json(UpstreamFixtures.createBody(UpstreamFixtures.reference())).header("Idempotency-Key", key)
                .post("/v1/orders").then().statusCode(201).extract().path("id");

        List<String> transitions = strings("select xmin::text from order_transitions where order_id = ?::uuid order by sequence", id);
        assertEquals(2, transitions.size());
        assertNotEquals(transitions.get(0), transitions.get(1), "Submitting commits before the create is sent");
        assertEquals(List.of(transitions.get(1)), strings("select xmin::text from idempotency_keys where key = ?", key),
                "the key's answer commits with the outcome");
    }

    @Test
    void aRefusalByValidationIsStoredAndAnsweredInOneCommit() throws SQLException {
        upstream.stubFor(post("/v5/orders/validations").willReturn(okJson("""
                {"problems": [{"problem": "OUT_OF_STOCK", "moreDetails": null}]}""")));
        String key = UUID.randomUUID().toString();

        String id = Api.json(UpstreamFixtures.createBody(UpstreamFixtures.reference())).header("Idempotency-Key", key)
                .post("/v1/orders").then().statusCode(422).body("state", equalTo("Rejected")).extract().path("order_id");

        List<String> transitions = strings("select xmin::text from order_transitions where order_id = ?::uuid order by sequence", id);
        assertEquals(2, transitions.size());
        assertEquals(transitions.get(0), transitions.get(1), "nothing was sent: Submitting and Rejected commit together");
        assertEquals(List.of(transitions.get(0)), strings("select xmin::text from idempotency_keys where key = ?", key));
    }

    @Test
    void twoRequestsRacingWithOneKeyCreateOnceAndTheLoserNamesTheWinnersOrder() throws Exception {
        // both pass the first read of the key while validating, so the claim in the order's transaction decides
        upstream.stubFor(post("/v5/orders/validations").willReturn(okJson(VALID).withFixedDelay(400)));
        upstream.stubFor(post("/v5/orders").willReturn(okJson(UpstreamFixtures.newOrder()).withFixedDelay(1000)));
        String body = withoutReference(); // the key alone must stop the second create
        String key = UUID.randomUUID().toString();

        List<Response> answers = concurrently(2, i -> Api.json(body).header("Idempotency-Key", key).post("/v1/orders"));

        upstream.verify(1, postRequestedFor(urlEqualTo("/v5/orders")));
        Response first = answers.stream().filter(r -> r.statusCode() == 201 && r.header("Idempotent-Replayed") == null)
                .findFirst().orElseThrow(() -> new AssertionError("no placed answer: " + statuses(answers)));
        Response second = answers.get(answers.get(0) == first ? 1 : 0);
        if (second.statusCode() == 201) {
            assertEquals(first.asString(), second.asString(), "a late loser replays the answer");
        } else {
            second.then().statusCode(409).body("type", endsWith("/idempotency-settling"))
                    .body("order_id", equalTo(first.path("id")));
        }
    }

    @Test
    void aKeyWhoseCreateWasNeverSentMayDoTheWorkAgain() {
        upstream.stubFor(post("/v5/orders").willReturn(aResponse().withStatus(502)));
        for (int i = 0; i < 10; i++) { // opens the create's circuit: the next create is never sent
            Api.json(UpstreamFixtures.createBody(UpstreamFixtures.reference())).post("/v1/orders").then().statusCode(502);
        }
        String body = UpstreamFixtures.createBody(UpstreamFixtures.reference());
        String key = UUID.randomUUID().toString();
        String rejected = Api.json(body).header("Idempotency-Key", key).post("/v1/orders")
                .then().statusCode(503).body("state", equalTo("Rejected")).extract().path("order_id");

        breakers.resetAll();
        upstream.stubFor(post("/v5/orders").willReturn(okJson(UpstreamFixtures.newOrder())));
        Api.json(body).header("Idempotency-Key", key).post("/v1/orders")
                .then().statusCode(201).header("Idempotent-Replayed", nullValue())
                .body("id", not(equalTo(rejected)));
    }

    @Test
    void aKeyWhoseValidationCouldNotBeReachedHoldsNothing() throws SQLException {
        upstream.stubFor(post("/v5/orders/validations").willReturn(aResponse().withStatus(503)));
        String body = UpstreamFixtures.createBody(UpstreamFixtures.reference());
        String key = UUID.randomUUID().toString();
        Api.json(body).header("Idempotency-Key", key).post("/v1/orders").then().statusCode(503).body("order_id", nullValue());
        assertEquals(List.of(), strings("select key from idempotency_keys where key = ?", key));

        upstream.stubFor(post("/v5/orders/validations").willReturn(okJson(VALID)));
        upstream.stubFor(post("/v5/orders").willReturn(okJson(UpstreamFixtures.newOrder())));
        Api.json(body).header("Idempotency-Key", key).post("/v1/orders").then().statusCode(201);
    }

    @Test
    void aDuplicateReferenceAnswerIsKeptWithTheKeyAndReplayed() {
        upstream.stubFor(post("/v5/orders").willReturn(okJson(UpstreamFixtures.newOrder())));
        String reference = UpstreamFixtures.reference();
        Api.json(UpstreamFixtures.createBody(reference)).post("/v1/orders").then().statusCode(201);
        String key = UUID.randomUUID().toString();

        String first = Api.json(UpstreamFixtures.createBody(reference)).header("Idempotency-Key", key).post("/v1/orders")
                .then().statusCode(409).body("type", endsWith("/duplicate-client-reference")).extract().asString();
        String second = Api.json(UpstreamFixtures.createBody(reference)).header("Idempotency-Key", key).post("/v1/orders")
                .then().statusCode(409).header("Idempotent-Replayed", "true").extract().asString();

        assertEquals(first, second);
        upstream.verify(1, postRequestedFor(urlEqualTo("/v5/orders")));
    }

    @Test
    void aClientReferenceRaceLostWhileStoringIsAnsweredAndKeptWithTheKey() throws Exception {
        // both pass the first duplicate check while validating: the unique index decides, and the loser rolls back
        upstream.stubFor(post("/v5/orders/validations").willReturn(okJson(VALID).withFixedDelay(400)));
        upstream.stubFor(post("/v5/orders").willReturn(okJson(UpstreamFixtures.newOrder())));
        String body = UpstreamFixtures.createBody(UpstreamFixtures.reference());
        List<String> keys = List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString());

        List<Response> answers = concurrently(2, i -> Api.json(body).header("Idempotency-Key", keys.get(i)).post("/v1/orders"));

        int loser = answers.get(0).statusCode() == 409 ? 0 : 1;
        assertEquals(List.of(201, 409), List.of(answers.get(1 - loser).statusCode(), answers.get(loser).statusCode()),
                statuses(answers));
        answers.get(loser).then().body("type", endsWith("/duplicate-client-reference"))
                .body("order_id", equalTo(answers.get(1 - loser).path("id")));
        String replay = Api.json(body).header("Idempotency-Key", keys.get(loser)).post("/v1/orders")
                .then().statusCode(409).header("Idempotent-Replayed", "true").body("order_id", notNullValue())
                .extract().asString();
        assertEquals(answers.get(loser).asString(), replay);
        upstream.verify(1, postRequestedFor(urlEqualTo("/v5/orders")));
    }

    private static String withoutReference() {
        String reference = UpstreamFixtures.reference();
        return UpstreamFixtures.createBody(reference).replace("\"client_reference\": \"" + reference + "\", ", "");
    }

    @FunctionalInterface
    private interface Call {
        Response run(int i);
    }

    private static List<Response> concurrently(int n, Call call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Response>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> call.run(index)));
            }
            List<Response> answers = new ArrayList<>();
            for (Future<Response> f : futures) {
                answers.add(f.get());
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    private static String statuses(List<Response> answers) {
        return answers.stream().map(r -> r.statusCode() + " " + r.asString()).toList().toString();
    }

    private List<String> strings(String sql, String parameter) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, parameter);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }
}
