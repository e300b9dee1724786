package io.orderrelay.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;
import org.junit.jupiter.api.Test;

/**
 * The webhook claim never runs on a generic plan: PostgreSQL would keep the one it made when webhook_deliveries was
 * empty or never analyzed (a seq scan of every delivery at each claim), whatever the table has become since.
 */
@QuarkusTest
class WebhookClaimPlanTest {

    @Inject
    DeliveryQueue queue;
    @Inject
    EntityManager em;

    @Test
    void plansEveryClaimForTheTableAsItIsNow() {
        List<Tuple> plans = QuarkusTransaction.requiringNew().call(() -> {
            // well past the driver's 5 executions before it prepares the statement on the server and PostgreSQL's
            // 5 custom plans before it considers the generic one
            for (int i = 0; i < 20; i++) {
                queue.claim(1, 1, Duration.ofSeconds(30));
            }
            @SuppressWarnings("unchecked")
            List<Tuple> rows = em.createNativeQuery("""
                    select generic_plans, custom_plans from pg_prepared_statements
                    where statement like '%with busy as%'""", Tuple.class).getResultList();
            return rows;
        });

        assertEquals(1, plans.size(), "the claim is a server-prepared statement on this connection");
        assertTrue(((Number) plans.get(0).get("custom_plans")).longValue() > 5, "custom plans: " + plans.get(0).toArray()[1]);
        assertEquals(0L, ((Number) plans.get(0).get("generic_plans")).longValue(), "no generic plan");
    }
}
