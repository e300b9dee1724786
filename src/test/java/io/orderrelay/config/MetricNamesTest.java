package io.orderrelay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

/**
 * Every metric of our own, as Prometheus scrapes it from /q/metrics, follows one scheme (docs/operations.md):
 * the {@code relay_} prefix, snake case, {@code _total} on counters and only there, {@code _seconds} on timings;
 * and the table in docs/operations.md lists exactly the relay metrics the application exposes.
 */
@QuarkusTest
class MetricNamesTest {

    /** Names our code once used without the relay_ prefix: none may come back. */
    static final Pattern OLD_PREFIXES = Pattern.compile("^(outbox|webhook|tracking|events|secrets|api|orders)_.*");
    static final Pattern NAME = Pattern.compile("^relay_[a-z][a-z0-9]*(_[a-z0-9]+)*$");
    static final Pattern TYPE_LINE = Pattern.compile("^# TYPE (\\S+) (\\S+)$", Pattern.MULTILINE);
    static final Pattern DOC_ROW = Pattern.compile("^\\| `(relay_[a-z0-9_]+)`(?:\\{[^}]*\\})? \\| (\\w+) \\|",
            Pattern.MULTILINE);
    /**
     * Registered at their first use (a webhook attempt, an API key looked up, an event stream opened), so absent
     * from a freshly started application.
     */
    static final Set<String> REGISTERED_ON_FIRST_USE = Set.of("relay_webhook_deliveries_total",
            "relay_webhook_attempt_duration_seconds", "relay_webhook_backlog", "relay_api_key_lookups_total",
            "relay_events_streams", "relay_events_streams_refused_total", "relay_events_streams_dropped_total");

    @Test
    void everyRelayMetricFollowsTheSchemeAndIsDocumented() throws IOException {
        Map<String, String> exposed = relayFamilies();
        Map<String, String> documented = documented();

        for (var family : exposed.entrySet()) {
            String name = family.getKey();
            String type = family.getValue();
            assertTrue(NAME.matcher(name).matches(), name + ": relay_ and snake case");
            assertEquals(type.equals("counter"), name.endsWith("_total"), name + " (" + type + "): _total on counters only");
            if (name.endsWith("_max")) {
                String timing = name.substring(0, name.length() - "_max".length());
                assertTrue(documented.containsKey(timing), name + ": the maximum of a documented timing or size");
                continue;
            }
            assertTrue(documented.containsKey(name), name + " is not in the metrics table of docs/operations.md");
            assertEquals(documented.get(name), type, name + ": type in docs/operations.md");
            if (name.contains("duration") || name.contains("latency") || name.contains("renewal")
                    || name.contains("commit") || name.contains("age")) {
                assertTrue(name.endsWith("_seconds"), name + ": a timing is in seconds");
            }
        }
        for (String name : documented.keySet()) {
            if (!REGISTERED_ON_FIRST_USE.contains(name)) {
                assertTrue(exposed.containsKey(name), name + " is documented but not exposed; exposed: " + exposed.keySet());
            }
        }
    }

    @Test
    void noMetricKeepsAnOldPrefix() {
        String text = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        Set<String> old = new TreeSet<>();
        Matcher m = TYPE_LINE.matcher(text);
        while (m.find()) {
            if (OLD_PREFIXES.matcher(m.group(1)).matches()) {
                old.add(m.group(1));
            }
        }
        assertEquals(Set.of(), old);
    }

    /** relay_ metric families by Prometheus type (counter, gauge, histogram, summary). */
    static Map<String, String> relayFamilies() {
        String text = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        Map<String, String> families = new TreeMap<>();
        Matcher m = TYPE_LINE.matcher(text);
        while (m.find()) {
            String name = m.group(1);
            if (name.startsWith("relay_")) {
                // the OpenMetrics format names a counter family without _total
                families.put(m.group(2).equals("counter") && !name.endsWith("_total") ? name + "_total" : name,
                        m.group(2));
            }
        }
        return families;
    }

    static Map<String, String> documented() throws IOException {
        String doc = Files.readString(Path.of("docs/operations.md"));
        Map<String, String> rows = new TreeMap<>();
        Matcher m = DOC_ROW.matcher(doc);
        while (m.find()) {
            rows.put(m.group(1), m.group(2));
        }
        assertTrue(rows.size() > 20, "the metrics table of docs/operations.md: " + rows);
        return rows;
    }
}
