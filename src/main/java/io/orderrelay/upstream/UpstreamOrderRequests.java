package io.orderrelay.upstream;

import java.util.List;

/** Request bodies of upstream's order endpoints (docs/upstream.md), snake_case on the wire. */
public final class UpstreamOrderRequests {

    private UpstreamOrderRequests() {
    }

    public record Validation(String email, ValidationPayment payment, List<ValidationDelivery> deliveries, String lang) {
    }

    public record ValidationPayment(String type, String paymentVia, String coin, String network) {
    }

    public record ValidationDelivery(String beneficiaryAccount, String brandName, String countryCode,
            String denomination, Integer quantity) {
    }

    public record Create(List<CreateDelivery> deliveries, CreatePayment payment, User user, String lang,
            Acquisition acquisition) {
    }

    public record CreateDelivery(String kind, int quantity, Deliverable deliverable) {
    }

    public record Deliverable(String brandName, String countryCode, String denomination, String beneficiaryAccount) {
    }

    public record CreatePayment(String type, String coin, String network, String paymentVia) {
    }

    public record User(String email, boolean hasAcceptedNewsletter) {
    }

    public record Acquisition(String utmSource) {
    }
}
