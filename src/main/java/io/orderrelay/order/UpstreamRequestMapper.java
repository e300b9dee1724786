package io.orderrelay.order;

import java.util.List;

import io.orderrelay.upstream.UpstreamOrderRequests;
import io.orderrelay.upstream.UpstreamOrderRequests.Acquisition;
import io.orderrelay.upstream.UpstreamOrderRequests.Create;
import io.orderrelay.upstream.UpstreamOrderRequests.CreateDelivery;
import io.orderrelay.upstream.UpstreamOrderRequests.CreatePayment;
import io.orderrelay.upstream.UpstreamOrderRequests.Deliverable;
import io.orderrelay.upstream.UpstreamOrderRequests.User;
import io.orderrelay.upstream.UpstreamOrderRequests.Validation;
import io.orderrelay.upstream.UpstreamOrderRequests.ValidationDelivery;
import io.orderrelay.upstream.UpstreamOrderRequests.ValidationPayment;

/** Our create body to upstream's two shapes (docs/upstream.md). */
final class UpstreamRequestMapper {

    /** Upstream's payment kind for crypto paid from the buyer's own wallet. */
    private static final String PAYMENT_TYPE = "via";

    private UpstreamRequestMapper() {
    }

    static Validation validation(CreateOrderRequest r) {
        List<ValidationDelivery> deliveries = r.deliveries().stream()
                .map(d -> new ValidationDelivery(beneficiary(r, d), d.brandName(), d.countryCode(), d.denomination(),
                        d.quantity()))
                .toList();
        return new Validation(r.email(),
                new ValidationPayment(PAYMENT_TYPE, r.payment().paymentVia(), r.payment().coin(), r.payment().network()),
                deliveries, r.effectiveLang());
    }

    static Create create(CreateOrderRequest r) {
        List<CreateDelivery> deliveries = r.deliveries().stream()
                .map(d -> new CreateDelivery("giftcard", d.quantity(),
                        new Deliverable(d.brandName(), d.countryCode(), d.denomination(), beneficiary(r, d))))
                .toList();
        return new Create(deliveries,
                new CreatePayment(PAYMENT_TYPE, r.payment().coin(), r.payment().network(), r.payment().paymentVia()),
                new User(r.email(), Boolean.TRUE.equals(r.hasAcceptedNewsletter())), r.effectiveLang(),
                r.utmSource() == null ? null : new Acquisition(r.utmSource()));
    }

    private static String beneficiary(CreateOrderRequest r, CreateOrderRequest.Delivery d) {
        return d.beneficiaryAccount() != null ? d.beneficiaryAccount() : r.email();
    }
}
