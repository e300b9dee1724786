package io.orderrelay.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.orderrelay.security.StartupSecretsValidator;
import io.quarkus.runtime.configuration.DurationConverter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders deploy/k8s with `kubectl kustomize` and checks the manifests against the service's contract
 * (README.md "Configuration" and "Runtime profiles"). Plain JUnit: no Quarkus start. Skipped, with a
 * message, where kubectl is not installed. ProbePathsTest checks the probe paths exist in the app.
 */
class KustomizeRenderTest {

    static final String BASE = "deploy/k8s/base";
    static final String PROD = "deploy/k8s/overlays/prod";

    /** README.md's configuration table: each must reach the container. */
    static final List<String> CONFIGURATION = List.of(
            "QUARKUS_DATASOURCE_JDBC_URL", "QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD",
            "KAFKA_BOOTSTRAP_SERVERS", "RELAY_KAFKA_TOPIC", "RELAY_UPSTREAM_URL", "RELAY_UPSTREAM_PARTNER_ID",
            "RELAY_BOOTSTRAP_ADMIN_KEY", "RELAY_SECRETS_KEY", "RELAY_WEBHOOK_RETRY_SCHEDULE",
            "RELAY_WEBHOOK_ALLOW_PRIVATE_TARGETS", "QUARKUS_HTTP_PORT", "RELAY_SECRETS_OLD_KEYS");

    /** Of those, the ones that must come from a Secret and never from a ConfigMap. */
    static final Set<String> SECRETS = Set.of(
            "QUARKUS_DATASOURCE_PASSWORD", "RELAY_UPSTREAM_PARTNER_ID", "RELAY_BOOTSTRAP_ADMIN_KEY", "RELAY_SECRETS_KEY",
            "RELAY_SECRETS_OLD_KEYS");

    // jackson-dataformat-yaml is already on the class path at compile scope (quarkus-smallrye-openapi needs it).
    static final YAMLMapper YAML = new YAMLMapper();
    static final Map<String, List<JsonNode>> RENDERED = new ConcurrentHashMap<>();

    @BeforeAll
    static void requireKubectl() {
        assumeTrue(kubectlAvailable(),
                "kubectl not found on PATH: skipping the checks of the rendered deploy/k8s manifests "
                        + "(install kubectl >= 1.27 to run them)");
    }

    @Test
    void prodWiresEveryConfigurationVariableIntoTheContainer() {
        List<JsonNode> docs = render(PROD);
        Set<String> wired = wiredVariables(docs, container(docs));
        List<String> missing = CONFIGURATION.stream().filter(v -> !wired.contains(v)).toList();
        assertTrue(missing.isEmpty(), "not wired into the order-relay container: " + missing);
    }

    @Test
    void prodTakesSecretsFromTheSecretTemplateAndNothingSecretFromTheConfigMap() throws IOException {
        List<JsonNode> docs = render(PROD);
        JsonNode template = YAML.readTree(Path.of(BASE, "secret.template.yaml").toFile());
        String secretName = template.at("/metadata/name").asText();
        Set<String> templateKeys = fieldNames(template.get("stringData"));

        Map<String, JsonNode> env = envByName(container(docs));
        for (String secret : SECRETS) {
            JsonNode ref = env.containsKey(secret) ? env.get(secret).at("/valueFrom/secretKeyRef") : null;
            assertTrue(ref != null && !ref.isMissingNode(), secret + " must come from a secretKeyRef");
            assertEquals(secretName, ref.get("name").asText(), secret + " must come from the templated Secret");
            assertTrue(templateKeys.contains(ref.get("key").asText()),
                    secret + " refers to key " + ref.get("key") + ", absent from secret.template.yaml");
        }
        for (JsonNode configMap : ofKind(docs, "ConfigMap")) {
            Set<String> keys = fieldNames(configMap.get("data"));
            keys.retainAll(SECRETS);
            assertTrue(keys.isEmpty(), "secrets in a ConfigMap: " + keys);
        }
    }

    /**
     * The template must not ship a value the application would run with: every key is empty (a Secret applied without
     * filling it in stops the start on the missing value), and the two keys the startup validator judges are refused
     * by it as they stand. No manifest under deploy/k8s carries the old "change-me" placeholder either.
     */
    @Test
    void theSecretTemplateShipsNoValueTheApplicationWouldAccept() throws IOException {
        JsonNode data = YAML.readTree(Path.of(BASE, "secret.template.yaml").toFile()).get("stringData");
        assertEquals(SECRETS, fieldNames(data), "the template lists exactly the secret variables");
        data.fields().forEachRemaining(e -> assertEquals("", e.getValue().asText(), e.getKey() + " must ship empty"));
        List<String> problems = StartupSecretsValidator.problems(data.get("RELAY_BOOTSTRAP_ADMIN_KEY").asText(),
                data.get("RELAY_SECRETS_KEY").asText());
        assertEquals(2, problems.size(), "both template keys must be refused at start: " + problems);
        try (var files = Files.walk(Path.of("deploy/k8s"))) {
            // the manifests and env files (the README may name the placeholders the application refuses)
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".env")).toList()) {
                String text = Files.readString(file, StandardCharsets.UTF_8).toLowerCase(java.util.Locale.ROOT);
                assertFalse(text.contains("change-me") || text.contains("changeme"), file + " ships a placeholder");
            }
        }
    }

    @Test
    void prodRunsThreeReplicasOfTheRegistryImage() {
        List<JsonNode> docs = render(PROD);
        JsonNode deployment = one(docs, "Deployment");
        assertEquals(3, deployment.at("/spec/replicas").asInt());
        String image = container(docs).get("image").asText();
        assertTrue(image.endsWith("/order-relay:0.1.0"), "prod image comes from the overlay's images: " + image);
        assertEquals("false", configMapValue(docs, "RELAY_WEBHOOK_ALLOW_PRIVATE_TARGETS"));
    }

    @Test
    void baseUsesTheUnqualifiedImage() {
        assertEquals("order-relay:0.1.0", container(render(BASE)).get("image").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = { BASE, PROD })
    void probesUseTheQuarkusHealthPathsOnTheHttpPort(String dir) {
        JsonNode container = container(render(dir));
        assertEquals(8080, container.at("/ports/0/containerPort").asInt());
        assertEquals("http", container.at("/ports/0/name").asText());
        assertEquals("/q/health/ready", container.at("/readinessProbe/httpGet/path").asText());
        assertEquals("/q/health/live", container.at("/livenessProbe/httpGet/path").asText());
        assertEquals("/q/health/started", container.at("/startupProbe/httpGet/path").asText());
        for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
            assertEquals("http", container.at("/" + probe + "/httpGet/port").asText(), probe + " port");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { BASE, PROD })
    void containerRunsAsNonRootOnAReadOnlyRootFilesystemWithAWritableTmp(String dir) {
        List<JsonNode> docs = render(dir);
        JsonNode pod = one(docs, "Deployment").at("/spec/template/spec");
        JsonNode container = container(docs);
        JsonNode sc = container.get("securityContext");
        assertTrue(sc.get("runAsNonRoot").asBoolean());
        assertEquals(185, sc.get("runAsUser").asInt());
        assertTrue(sc.get("readOnlyRootFilesystem").asBoolean());
        assertFalse(sc.get("allowPrivilegeEscalation").asBoolean());
        assertEquals(List.of("ALL"), texts(sc.at("/capabilities/drop")));
        assertEquals("RuntimeDefault", sc.at("/seccompProfile/type").asText());
        assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean());

        String tmpVolume = null;
        for (JsonNode mount : container.get("volumeMounts")) {
            if ("/tmp".equals(mount.get("mountPath").asText())) {
                tmpVolume = mount.get("name").asText();
            }
        }
        assertNotNull(tmpVolume, "/tmp must be mounted (the root filesystem is read-only)");
        boolean emptyDir = false;
        for (JsonNode volume : pod.get("volumes")) {
            emptyDir |= tmpVolume.equals(volume.get("name").asText()) && volume.has("emptyDir");
        }
        assertTrue(emptyDir, "/tmp must be an emptyDir");

        assertEquals("1Gi", container.at("/resources/requests/memory").asText());
        assertEquals("1536Mi", container.at("/resources/limits/memory").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = { BASE, PROD })
    void shutdownFitsInTheGracePeriod(String dir) {
        List<JsonNode> docs = render(dir);
        JsonNode pod = one(docs, "Deployment").at("/spec/template/spec");
        int grace = pod.get("terminationGracePeriodSeconds").asInt();
        assertEquals(45, grace);
        List<String> preStop = texts(container(docs).at("/lifecycle/preStop/exec/command"));
        assertEquals("sleep", preStop.get(0), "preStop: " + preStop);
        long sleep = Long.parseLong(preStop.get(1));
        Duration drain = DurationConverter.parseDuration(configMapValue(docs, "QUARKUS_SHUTDOWN_TIMEOUT"));
        // What is left after the sleep and the HTTP drain is for lease release, producer flush, pool close.
        long left = grace - sleep - drain.toSeconds();
        assertTrue(left >= 10, "only " + left + " s left for lease release after preStop and drain");
    }

    @Test
    void javaOptionsOfTheDeploymentKeepTheImageFlags() throws IOException {
        String dockerfile = Files.readString(Path.of("src/main/docker/Dockerfile.jvm"), StandardCharsets.UTF_8);
        Matcher image = Pattern.compile("ENV JAVA_OPTS_APPEND=\"([^\"]*)\"").matcher(dockerfile);
        assertTrue(image.find(), "Dockerfile.jvm sets JAVA_OPTS_APPEND");
        // The Deployment's JAVA_OPTS_APPEND replaces the image's: it must repeat its flags.
        List<String> deployed = Arrays.asList(
                envByName(container(render(PROD))).get("JAVA_OPTS_APPEND").get("value").asText().trim().split("\\s+"));
        for (String flag : image.group(1).trim().split("\\s+")) {
            assertTrue(deployed.contains(flag), "JAVA_OPTS_APPEND of the Deployment lacks " + flag);
        }
        assertTrue(deployed.stream().anyMatch(f -> f.startsWith("-XX:MaxRAMPercentage=")), "heap sized from the limit");
    }

    @Test
    void prodHasServicePdbHpaNetworkPolicyAndServiceMonitorSelectingThePods() {
        List<JsonNode> docs = render(PROD);
        Map<String, String> podLabels = stringMap(one(docs, "Deployment").at("/spec/template/metadata/labels"));

        JsonNode service = one(docs, "Service");
        assertSelects(podLabels, service.at("/spec/selector"), "Service");
        assertEquals(8080, service.at("/spec/ports/0/port").asInt());
        assertEquals("http", service.at("/spec/ports/0/targetPort").asText());

        JsonNode pdb = one(docs, "PodDisruptionBudget");
        assertSelects(podLabels, pdb.at("/spec/selector/matchLabels"), "PodDisruptionBudget");
        assertTrue(pdb.at("/spec/maxUnavailable").asInt() == 1 || pdb.at("/spec/minAvailable").asInt() == 2);

        JsonNode hpa = one(docs, "HorizontalPodAutoscaler");
        assertEquals("autoscaling/v2", hpa.get("apiVersion").asText());
        assertEquals("Deployment", hpa.at("/spec/scaleTargetRef/kind").asText());
        assertEquals("order-relay", hpa.at("/spec/scaleTargetRef/name").asText());
        assertEquals(3, hpa.at("/spec/minReplicas").asInt());
        assertEquals(10, hpa.at("/spec/maxReplicas").asInt());
        assertEquals("cpu", hpa.at("/spec/metrics/0/resource/name").asText());

        JsonNode policy = one(docs, "NetworkPolicy");
        assertSelects(podLabels, policy.at("/spec/podSelector/matchLabels"), "NetworkPolicy");
        assertEquals(List.of("Ingress", "Egress"), texts(policy.at("/spec/policyTypes")));
        assertEquals(Set.of(8080), ports(policy.at("/spec/ingress")));
        assertEquals(Set.of(53, 5432, 9092, 9093, 443), ports(policy.at("/spec/egress")));

        JsonNode monitor = one(docs, "ServiceMonitor");
        assertEquals("monitoring.coreos.com/v1", monitor.get("apiVersion").asText());
        assertSelects(stringMap(service.at("/metadata/labels")), monitor.at("/spec/selector/matchLabels"), "ServiceMonitor");
        assertEquals("/q/metrics", monitor.at("/spec/endpoints/0/path").asText());
        assertEquals("http", monitor.at("/spec/endpoints/0/port").asText());

        JsonNode annotations = one(docs, "Deployment").at("/spec/template/metadata/annotations");
        assertEquals("true", annotations.get("prometheus.io/scrape").asText());
        assertEquals("/q/metrics", annotations.get("prometheus.io/path").asText());
        assertEquals("8080", annotations.get("prometheus.io/port").asText());
    }

    @Test
    void prodDeclaresTheConfiguredKafkaTopic() {
        List<JsonNode> docs = render(PROD);
        JsonNode topic = one(docs, "KafkaTopic");
        assertEquals("kafka.strimzi.io/v1beta2", topic.get("apiVersion").asText());
        assertFalse(topic.at("/metadata/labels/strimzi.io~1cluster").asText().isBlank(), "strimzi.io/cluster label");
        String name = topic.at("/spec/topicName").asText(topic.at("/metadata/name").asText());
        assertEquals(configMapValue(docs, "RELAY_KAFKA_TOPIC"), name);
        assertEquals(12, topic.at("/spec/partitions").asInt());
        assertEquals(3, topic.at("/spec/replicas").asInt());
        assertEquals(7L * 24 * 3600 * 1000, topic.at("/spec/config/retention.ms").asLong());
        assertEquals(2, topic.at("/spec/config/min.insync.replicas").asInt());
        assertEquals("delete", topic.at("/spec/config/cleanup.policy").asText());
    }

    // ---- helpers ----

    static boolean kubectlAvailable() {
        try {
            Process p = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static List<JsonNode> render(String dir) {
        return RENDERED.computeIfAbsent(dir, KustomizeRenderTest::kustomize);
    }

    static List<JsonNode> kustomize(String dir) {
        try {
            Path out = Files.createTempFile("kustomize", ".yaml");
            Path err = Files.createTempFile("kustomize", ".err");
            try {
                Process p = new ProcessBuilder("kubectl", "kustomize", dir)
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    fail("kubectl kustomize " + dir + " did not finish in 60 s");
                }
                assertEquals(0, p.exitValue(), "kubectl kustomize " + dir + " failed: " + Files.readString(err));
                List<JsonNode> docs = new ArrayList<>();
                try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(out.toFile())) {
                    while (it.hasNext()) {
                        JsonNode doc = it.next();
                        if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                            docs.add(doc);
                        }
                    }
                }
                return docs;
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot render " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted rendering " + dir, e);
        }
    }

    static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    static JsonNode one(List<JsonNode> docs, String kind) {
        List<JsonNode> found = ofKind(docs, kind);
        assertEquals(1, found.size(), "exactly one " + kind + " expected");
        return found.get(0);
    }

    static JsonNode container(List<JsonNode> docs) {
        for (JsonNode c : one(docs, "Deployment").at("/spec/template/spec/containers")) {
            if ("order-relay".equals(c.get("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no container named order-relay");
    }

    static Map<String, JsonNode> envByName(JsonNode container) {
        Map<String, JsonNode> env = new HashMap<>();
        for (JsonNode e : container.path("env")) {
            env.put(e.get("name").asText(), e);
        }
        return env;
    }

    /** Names set by env, plus the keys of the rendered ConfigMaps and Secrets that envFrom pulls in. */
    static Set<String> wiredVariables(List<JsonNode> docs, JsonNode container) {
        Set<String> names = new HashSet<>(envByName(container).keySet());
        for (JsonNode from : container.path("envFrom")) {
            String prefix = from.path("prefix").asText("");
            String kind = from.has("configMapRef") ? "ConfigMap" : "Secret";
            String ref = from.has("configMapRef") ? from.at("/configMapRef/name").asText() : from.at("/secretRef/name").asText();
            JsonNode source = ofKind(docs, kind).stream()
                    .filter(d -> ref.equals(d.at("/metadata/name").asText())).findFirst()
                    .orElseThrow(() -> new AssertionError("envFrom refers to " + kind + " " + ref + ", not rendered"));
            for (String key : fieldNames(source.has("data") ? source.get("data") : source.get("stringData"))) {
                names.add(prefix + key);
            }
        }
        return names;
    }

    static String configMapValue(List<JsonNode> docs, String key) {
        for (JsonNode from : container(docs).path("envFrom")) {
            String ref = from.at("/configMapRef/name").asText();
            for (JsonNode cm : ofKind(docs, "ConfigMap")) {
                if (ref.equals(cm.at("/metadata/name").asText()) && cm.at("/data").has(key)) {
                    return cm.at("/data").get(key).asText();
                }
            }
        }
        throw new AssertionError(key + " is in no ConfigMap of the container");
    }

    static void assertSelects(Map<String, String> podLabels, JsonNode selector, String what) {
        Map<String, String> wanted = stringMap(selector);
        assertFalse(wanted.isEmpty(), what + " has an empty selector");
        wanted.forEach((k, v) -> assertEquals(v, podLabels.get(k), what + " selector " + k + " does not match the pods"));
    }

    static Set<Integer> ports(JsonNode rules) {
        Set<Integer> ports = new HashSet<>();
        for (JsonNode rule : rules) {
            for (JsonNode port : rule.path("ports")) {
                ports.add(port.get("port").asInt());
            }
        }
        return ports;
    }

    static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        if (node != null) {
            node.fieldNames().forEachRemaining(names::add);
        }
        return names;
    }

    static Map<String, String> stringMap(JsonNode node) {
        Map<String, String> map = new HashMap<>();
        node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(n -> texts.add(n.asText()));
        return texts;
    }
}
