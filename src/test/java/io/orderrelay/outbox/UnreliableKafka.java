package io.orderrelay.outbox;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Exit;

/**
 * A Kafka broker of this test's own, reachable only through a {@link TcpProxy} on a fixed port that the
 * test can close (broker unreachable) and open again; the broker keeps its data meanwhile. Short
 * producer timeouts so failures show within seconds.
 */
public class UnreliableKafka implements QuarkusTestResourceLifecycleManager {

    @Target(ElementType.FIELD)
    @Retention(RetentionPolicy.RUNTIME)
    public @interface InjectProxy {
    }

    private KafkaClusterTestKit cluster;
    private TcpProxy proxy;

    @Override
    public Map<String, String> start() {
        Exit.setHaltProcedure((code, message) -> {
        });
        Exit.setExitProcedure((code, message) -> {
        });
        int proxyPort = TcpProxy.freePort();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(KafkaClusterTestKit.class.getClassLoader());
        try {
            Path base = Files.createTempDirectory("order-relay-unreliable-kafka");
            cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBaseDirectory(base)
                    .setBrokerListenerName(ListenerName.normalised("EXTERNAL"))
                    .build())
                    .setConfigProp("advertised.listeners", "EXTERNAL://localhost:" + proxyPort)
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("num.partitions", "3")
                    .build();
            cluster.format();
            cluster.startup();
            String direct = cluster.bootstrapServers();
            int brokerPort = Integer.parseInt(direct.substring(direct.lastIndexOf(':') + 1));
            proxy = new TcpProxy(proxyPort, brokerPort);
            proxy.start();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the test's own Kafka broker", e);
        } finally {
            thread.setContextClassLoader(previous);
        }
        return Map.of(
                "kafka.bootstrap.servers", "localhost:" + proxyPort,
                "relay.outbox.delivery-timeout", "5s",
                "relay.outbox.max-backoff", "1s",
                "relay.outbox.max-pending-age", "3s");
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(proxy, new TestInjector.AnnotatedAndMatchesType(InjectProxy.class, TcpProxy.class));
    }

    @Override
    public void stop() {
        if (proxy != null) {
            proxy.stop();
        }
        if (cluster != null) {
            try {
                cluster.close();
            } catch (Exception ignored) {
                // test JVM cleanup
            }
        }
    }
}
