package io.orderrelay.deploy;

import static io.orderrelay.deploy.KustomizeRenderTest.PROD;
import static io.orderrelay.deploy.KustomizeRenderTest.ofKind;
import static io.orderrelay.deploy.KustomizeRenderTest.one;
import static io.orderrelay.deploy.KustomizeRenderTest.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The prod overlay renders the Grafana dashboard (a ConfigMap the Grafana sidecar picks up) and the PrometheusRule;
 * every alert has its runbook paragraph in docs/operations.md, and the dashboard and the alerts only query relay
 * metrics that docs/operations.md lists (a renamed metric cannot leave a blind panel or a silent alert). Rendering
 * goes through KustomizeRenderTest (kubectl kustomize; skipped without kubectl).
 */
class MonitoringRenderTest {

    /** The alerts issue 14 asks for, by what they watch. */
    static final Set<String> ALERTS = Set.of(
            "OrderRelayOutboxStalled", // outbox oldest pending age
            "OrderRelayKafkaRecordsParked", "OrderRelayKafkaPublishFailing", // parked or failing Kafka records
            "OrderRelayWebhookEndpointFailing", // webhook failure ratio per endpoint
            "OrderRelayWebhookEndpointsDisabled",
            "OrderRelayLiveStreamsBelowOpenOrders",
            "OrderRelayOrdersPolling", // share of orders polling
            "OrderRelaySubmissionUncertain",
            "OrderRelayUpstreamCircuitOpen",
            "OrderRelayLeaseTakeovers");
    static final Pattern RELAY_METRIC = Pattern.compile("\\brelay_[a-z0-9_]+");
    static final Pattern DOCUMENTED = Pattern.compile("^\\| `(relay_[a-z0-9_]+)`", Pattern.MULTILINE);
    static final Pattern HEADING = Pattern.compile("^#{2,4} (.+)$", Pattern.MULTILINE);

    @BeforeAll
    static void requireKubectl() {
        assumeTrue(KustomizeRenderTest.kubectlAvailable(), "kubectl not found on PATH: skipping");
    }

    @Test
    void prodShipsTheDashboardForTheGrafanaSidecar() throws IOException {
        JsonNode dashboard = ofKind(render(PROD), "ConfigMap").stream()
                .filter(cm -> "1".equals(cm.at("/metadata/labels/grafana_dashboard").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no ConfigMap labelled grafana_dashboard: \"1\""));
        assertEquals(1, dashboard.get("data").size(), "one dashboard per ConfigMap");
        JsonNode json = new ObjectMapper().readTree(dashboard.get("data").elements().next().asText());
        assertEquals("order-relay", json.get("uid").asText());
        assertTrue(json.get("panels").size() >= 10, "panels: " + json.get("panels").size());
        Set<String> queried = new TreeSet<>();
        for (JsonNode panel : json.get("panels")) {
            assertFalse(panel.get("targets").isEmpty(), panel.get("title") + " has no query");
            panel.get("targets").forEach(t -> queried.addAll(relayMetrics(t.get("expr").asText())));
        }
        assertDocumented(queried, "dashboard");
    }

    @Test
    void prodShipsTheAlertsEachWithItsRunbook() throws IOException {
        JsonNode rule = one(render(PROD), "PrometheusRule");
        assertEquals("monitoring.coreos.com/v1", rule.get("apiVersion").asText());
        assertEquals("order-relay", rule.at("/metadata/namespace").asText());
        String operations = Files.readString(Path.of("docs/operations.md"));
        Set<String> anchors = new HashSet<>();
        Matcher h = HEADING.matcher(operations);
        while (h.find()) {
            anchors.add(h.group(1).trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 -]", "").replace(' ', '-'));
        }
        Set<String> alerts = new TreeSet<>();
        Set<String> queried = new TreeSet<>();
        for (JsonNode group : rule.at("/spec/groups")) {
            for (JsonNode r : group.get("rules")) {
                String name = r.get("alert").asText();
                alerts.add(name);
                assertFalse(r.at("/labels/severity").asText().isBlank(), name + ": severity");
                String runbook = r.at("/annotations/runbook").asText();
                assertEquals("docs/operations.md#" + name.toLowerCase(Locale.ROOT), runbook, name + ": runbook");
                assertTrue(anchors.contains(name.toLowerCase(Locale.ROOT)), name + ": no runbook heading in docs/operations.md");
                queried.addAll(relayMetrics(r.get("expr").asText()));
            }
        }
        assertEquals(ALERTS, alerts);
        assertDocumented(queried, "PrometheusRule");
    }

    static Set<String> relayMetrics(String expr) {
        Set<String> names = new TreeSet<>();
        Matcher m = RELAY_METRIC.matcher(expr);
        while (m.find()) {
            // histogram series: _bucket, _count and _sum belong to the documented family
            names.add(m.group().replaceAll("_(bucket|count|sum)$", ""));
        }
        return names;
    }

    static void assertDocumented(Set<String> queried, String where) throws IOException {
        Set<String> documented = new HashSet<>();
        Matcher m = DOCUMENTED.matcher(Files.readString(Path.of("docs/operations.md")));
        while (m.find()) {
            documented.add(m.group(1));
        }
        List<String> unknown = queried.stream().filter(q -> !documented.contains(q)).toList();
        assertTrue(unknown.isEmpty(), where + " queries metrics that docs/operations.md does not list: " + unknown);
        assertFalse(queried.isEmpty(), where + " queries no relay metric");
    }
}
