package io.orderrelay.catalog;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How long each catalogue answer is fresh, and how long a stale one may still be served when upstream fails. */
@ConfigMapping(prefix = "relay.catalog")
public interface CatalogConfig {

    @WithDefault("10M")
    Duration paymentViasTtl();

    @WithDefault("15M")
    Duration brandsTtl();

    @WithDefault("5M")
    Duration homepageTtl();

    @WithDefault("5M")
    Duration productsTtl();

    /** Prices follow coin rates: short. */
    @WithDefault("30S")
    Duration priceTtl();

    @WithDefault("24H")
    Duration maxStaleness();

    @WithDefault("10000")
    long maxEntries();
}
