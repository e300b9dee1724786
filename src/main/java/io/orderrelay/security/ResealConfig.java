package io.orderrelay.security;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The re-seal job that moves sealed values to the current RELAY_SECRETS_KEY (env RELAY_RESEAL_*). */
@ConfigMapping(prefix = "relay.reseal")
public interface ResealConfig {

    /** RELAY_RESEAL_INTERVAL: how often each replica looks for values under old keys. */
    @WithDefault("1m")
    Duration interval();

    /** RELAY_RESEAL_BATCH_SIZE: rows re-sealed per transaction (each batch holds its row locks only briefly). */
    @WithDefault("200")
    int batchSize();
}
