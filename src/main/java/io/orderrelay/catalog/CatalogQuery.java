package io.orderrelay.catalog;

import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderrelay.upstream.UpstreamClient;

/**
 * One catalogue question, built from validated parameters, and the cache key of its answer. A record key keeps
 * "no filter" (null) and the text {@code "null"}, or a value holding the old ':' separator, apart: no caller can
 * fill another query's entry (e.g. empty the catalogue for everyone with {@code family_name=null}).
 */
sealed interface CatalogQuery {

    Duration ttl(CatalogConfig config);

    JsonNode fetch(UpstreamClient upstream);

    record PaymentVias() implements CatalogQuery {
        public Duration ttl(CatalogConfig config) {
            return config.paymentViasTtl();
        }

        public JsonNode fetch(UpstreamClient upstream) {
            return upstream.paymentVias();
        }
    }

    record Brands(String countryCode) implements CatalogQuery {
        public Duration ttl(CatalogConfig config) {
            return config.brandsTtl();
        }

        public JsonNode fetch(UpstreamClient upstream) {
            return upstream.brands(countryCode);
        }
    }

    record Homepage(String countryCode) implements CatalogQuery {
        public Duration ttl(CatalogConfig config) {
            return config.homepageTtl();
        }

        public JsonNode fetch(UpstreamClient upstream) {
            return upstream.homepage(countryCode);
        }
    }

    /** {@code familyName}, {@code coin} and {@code lang} are null when not filtered on. */
    record Products(String countryCode, String familyName, String coin, String lang) implements CatalogQuery {
        public Duration ttl(CatalogConfig config) {
            return config.productsTtl();
        }

        public JsonNode fetch(UpstreamClient upstream) {
            return upstream.products(countryCode, familyName, coin, lang);
        }
    }

    record Price(String brandName, String countryCode, String faceValue, String coin) implements CatalogQuery {
        public Duration ttl(CatalogConfig config) {
            return config.priceTtl();
        }

        public JsonNode fetch(UpstreamClient upstream) {
            return upstream.price(brandName, countryCode, faceValue, coin);
        }
    }
}
