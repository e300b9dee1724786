package io.orderrelay.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The outbox claim keeps an index-driven plan whatever the statistics say. The plans are read with EXPLAIN on a copy
 * of the outbox table (same columns, same indexes, autovacuum off) in a schema of its own, so the relay of the
 * running application never sees these rows and the copy's statistics are exactly what each case sets up.
 */
@QuarkusTest
class OutboxClaimPlanTest {

    private static final String SCHEMA = "claim_plan";

    @Inject
    DataSource dataSource;
    @Inject
    OutboxStore store;
    @Inject
    EntityManager em;
    @Inject
    ObjectMapper json;

    @BeforeEach
    void copyTheOutboxTable() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("drop schema if exists " + SCHEMA + " cascade");
            s.execute("create schema " + SCHEMA);
            s.execute("create table " + SCHEMA + ".outbox (like public.outbox including defaults including identity)"
                    + " with (autovacuum_enabled = false)");
            List<String> indexes = new ArrayList<>();
            try (ResultSet r = s.executeQuery(
                    "select indexdef from pg_indexes where schemaname = 'public' and tablename = 'outbox'")) {
                while (r.next()) {
                    indexes.add(r.getString("indexdef"));
                }
            }
            for (String index : indexes) {
                // same index names and definitions as the real table's, so the plans name them alike
                s.execute(index.replace(" ON public.outbox ", " ON " + SCHEMA + ".outbox "));
            }
        }
    }

    @AfterEach
    void dropTheCopy() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("drop schema if exists " + SCHEMA + " cascade");
        }
    }

    @Test
    void claimsHeadsThroughIndexesOnAnEmptyNeverAnalyzedTable() throws Exception {
        assertIndexDriven(claimPlan());
    }

    @Test
    void claimsHeadsThroughIndexesWithManyPendingRowsNeverAnalyzed() throws Exception {
        queue(1, 4);

        assertIndexDriven(claimPlan());
    }

    @Test
    void claimsHeadsThroughIndexesWhenTheStatisticsSayNothingIsPending() throws Exception {
        queue(1, 4);
        sql("update " + SCHEMA + ".outbox set sent_at = now()");
        sql("analyze " + SCHEMA + ".outbox");
        queue(5, 8);

        assertIndexDriven(claimPlan());
    }

    @Test
    void plansTheClaimAfreshAtEveryExecution() {
        long prepared = QuarkusTransaction.requiringNew().call(() -> {
            for (int i = 0; i < 10; i++) {
                store.claimHeads(1);
            }
            return ((Number) em.createNativeQuery(
                    "select count(*) from pg_prepared_statements where statement like '%with heads as%'")
                    .getSingleResult()).longValue();
        });

        assertEquals(0, prepared, "no server-prepared claim statement (with a plan kept) on the connection");
    }

    /** 5,000 orders with pending rows of sequences {@code from..to}, interleaved across orders as a burst writes them. */
    private void queue(int from, int to) throws Exception {
        sql("""
                insert into %s.outbox (event_id, order_id, sequence, type, payload, created_at)
                select gen_random_uuid(), o.id, s, 'order.paid', convert_to(repeat('x', 900), 'UTF8'), now()
                from (select ('00000000-0000-7000-8000-' || lpad(n::text, 12, '0'))::uuid as id
                      from generate_series(1, 5000) n) o, generate_series(%d, %d) s
                order by s, o.id""".formatted(SCHEMA, from, to));
    }

    private JsonNode claimPlan() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("set search_path = " + SCHEMA);
            try (ResultSet r = s.executeQuery("explain (format json) " + OutboxStore.claimSql(100))) {
                r.next();
                JsonNode plan = json.readTree(r.getString(1)).get(0).get("Plan");
                s.execute("reset search_path");
                return plan;
            }
        }
    }

    /**
     * Every read of the outbox is an index scan: the heads in id order from the index of exactly the claim's
     * predicate, the per-order probe from (order_id, sequence) with the order as index condition, the rows by id.
     * A seq scan, a bitmap scan (reads every pending row) or a probe on another index is what costs seconds
     * per claim once thousands of rows wait.
     */
    private void assertIndexDriven(JsonNode plan) {
        Map<String, String> scans = new TreeMap<>();
        List<JsonNode> nodes = new ArrayList<>();
        collect(plan, nodes);
        for (JsonNode node : nodes) {
            if (!"outbox".equals(node.path("Relation Name").asText())) {
                continue;
            }
            String type = node.get("Node Type").asText();
            assertTrue(type.equals("Index Scan") || type.equals("Index Only Scan"),
                    "outbox read by " + type + " in " + plan.toPrettyString());
            String index = node.get("Index Name").asText();
            scans.put(node.get("Alias").asText(), index + " " + node.path("Index Cond").asText());
        }
        assertTrue(scans.get("h").startsWith("outbox_claimable "), "heads from outbox_claimable: " + scans);
        assertTrue(scans.get("p").startsWith("outbox_pending_order ((order_id = h.order_id)"),
                "probe by order in outbox_pending_order: " + scans);
        assertTrue(scans.get("o").startsWith("outbox_pkey "), "rows by id: " + scans);
    }

    private static void collect(JsonNode node, List<JsonNode> into) {
        into.add(node);
        for (JsonNode child : node.path("Plans")) {
            collect(child, into);
        }
    }

    private void sql(String statement) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
