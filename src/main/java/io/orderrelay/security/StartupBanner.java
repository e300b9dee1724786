package io.orderrelay.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.orderrelay.config.RelayConfig;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Dev mode: prints where to start and the dev API key (the %dev bootstrap key, a well-known value) on the console,
 * not through the log (the only place a key is ever printed; never in prod or tests). Weak prod keys are refused by
 * {@link StartupSecretsValidator}.
 */
@ApplicationScoped
public class StartupBanner {

    void onStart(@Observes StartupEvent event, RelayConfig config,
            @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080") int port) {
        if (LaunchMode.current() != LaunchMode.DEVELOPMENT) {
            return;
        }
        String base = "http://localhost:" + port;
        System.out.printf("""

                ---- order-relay (dev) ----------------------------------------------
                  API           %1$s/v1
                  Swagger UI    %1$s/q/swagger-ui
                  OpenAPI       %1$s/q/openapi
                  Sandbox       %1$s/sandbox   (the simulated upstream)
                  Dev API key   %2$s   (every scope)
                  Try:  curl -H 'Authorization: Bearer %2$s' %1$s/v1/api-keys
                ----------------------------------------------------------------------

                """, base, config.bootstrapAdminKey());
    }
}
