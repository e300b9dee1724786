package io.orderrelay.support;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;

import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

/** JSON as upstream sends it (docs/upstream.md), for WireMock stubs. */
public final class UpstreamFixtures {

    /** Upstream's answer to a validation that found nothing wrong. */
    public static final String VALID = "{\"problems\": null}";

    private UpstreamFixtures() {
    }

    /** Before each test: no stub or request left from the last one, circuits closed, validations passing. */
    public static void resetAcceptingValidations(WireMockServer upstream, CircuitBreakerMaintenance breakers) {
        upstream.resetAll();
        breakers.resetAll();
        upstream.stubFor(post("/v5/orders/validations").willReturn(okJson(VALID)));
    }

    public static String order(String orderId, String state, double updatedAt) {
        return """
                {"order_id": "%s", "order_state": "%s", "created_at": 1764064800.25, "updated_at": "%s",
                 "wallet_address": "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU", "coin": "USDC", "network": "Solana",
                 "payment_method": "crypto", "payment_via": "USER_WALLET", "coin_amount": "100.000000000000000001",
                 "sent_coin_amount": "0", "original_price": {"amount": 100, "currency": "USD"},
                 "qr_url": "https://example.test/qr.png", "qr_text": "solana:7xKX?amount=100", "payment_state": "WalletCreated",
                 "deliveries": [{"id": "d-1", "delivery_state": "Pending", "kind": "giftcard",
                   "deliverable": {"denomination": "100 USD", "brand_name": "Airbnb", "country_code": "US",
                                   "beneficiary_account": "buyer@example.com"}}],
                 "user": {"email": "buyer@example.com"}, "some_future_field": [1, 2]}
                """.formatted(orderId, state, updatedAt);
    }

    public static String newOrder() {
        return order(UUID.randomUUID().toString(), "WaitingForPayment", 1764064800.5);
    }

    /** Our create body; {@code reference} keeps tests independent. */
    public static String createBody(String reference) {
        return """
                {"partner_id": "acme", "client_reference": "%s", "country_code": "US", "lang": "en",
                 "email": "buyer@example.com", "has_accepted_newsletter": false,
                 "payment": {"coin": "USDC", "network": "Solana", "payment_via": "USER_WALLET"},
                 "deliveries": [{"brand_name": "Airbnb", "country_code": "US", "denomination": "100",
                                 "quantity": 1, "beneficiary_account": "buyer@example.com"}],
                 "utm_source": "acme"}
                """.formatted(reference);
    }

    public static String reference() {
        return "ref-" + UUID.randomUUID();
    }
}
