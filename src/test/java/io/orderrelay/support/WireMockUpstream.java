package io.orderrelay.support;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real HTTP server standing in for upstream, for tests that need exact control of its answers
 * (the sandbox covers the rest). Inject it with {@link InjectUpstream}.
 */
public class WireMockUpstream implements QuarkusTestResourceLifecycleManager {

    @Target(ElementType.FIELD)
    @Retention(RetentionPolicy.RUNTIME)
    public @interface InjectUpstream {
    }

    private WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(wireMockConfig().dynamicPort());
        server.start();
        return Map.of(
                "relay.upstream.url", server.baseUrl(),
                // stale-on-failure is tested by refetching on every call
                "relay.catalog.homepage-ttl", "0S",
                "quarkus.rest-client.upstream.read-timeout", "1500",
                // WireMock stubs answer exactly what a test asks for: no tracker polling them behind its back
                "relay.tracking.enabled", "false");
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(server, new TestInjector.AnnotatedAndMatchesType(InjectUpstream.class, WireMockServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
