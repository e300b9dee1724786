package io.orderrelay.outbox;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;

import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.orderrelay.order.Observation;
import io.orderrelay.order.TransitionSource;
import io.orderrelay.order.TransitionWriter;
import io.orderrelay.support.Api;
import io.orderrelay.support.UpstreamFixtures;
import io.orderrelay.upstream.UpstreamOrder;
import io.quarkus.arc.Arc;
import io.quarkus.narayana.jta.QuarkusTransaction;

/** Places orders through the API (WireMock upstream) and moves them on as upstream snapshots would. */
final class OrderDriver {

    /** The states an order goes through in {@link #placeAndComplete()}: 5 transitions. */
    static final int LIFECYCLE_TRANSITIONS = 5;
    static final String PIN = "PIN-SECRET-7731";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WireMockServer upstream;
    private final TransitionWriter writer;

    /** Inside a @QuarkusTest: the transitions go through the application's own {@link TransitionWriter}. */
    OrderDriver(WireMockServer upstream) {
        this.upstream = upstream;
        this.writer = Arc.container().instance(TransitionWriter.class).get();
    }

    record Placed(UUID id, String upstreamId) {
    }

    /** Submitting (1) and WaitingForPayment (2), from the create call. */
    Placed place() {
        String upstreamId = UUID.randomUUID().toString();
        upstream.stubFor(post("/v5/orders/validations").willReturn(okJson(UpstreamFixtures.VALID)));
        upstream.stubFor(post("/v5/orders")
                .willReturn(okJson(UpstreamFixtures.order(upstreamId, "WaitingForPayment", 1764064800.5))));
        String id = Api.json(UpstreamFixtures.createBody(UpstreamFixtures.reference())).post("/v1/orders")
                .then().statusCode(201).extract().path("id");
        return new Placed(UUID.fromString(id), upstreamId);
    }

    /** PaymentReceived (3), WaitingForDelivery (4), Done with a pin code (5). */
    void complete(Placed order) {
        observe(order, "PaymentReceived", 1764064810, false);
        observe(order, "WaitingForDelivery", 1764064820, false);
        observe(order, "Done", 1764064830, true);
    }

    Placed placeAndComplete() {
        Placed order = place();
        complete(order);
        return order;
    }

    /** Placed and moved to Done (no pin), with the PaymentReceived snapshot (event 3) changed by {@code edit}. */
    Placed placeAndComplete(java.util.function.Consumer<ObjectNode> paymentReceived) {
        Placed order = place();
        observe(order, "PaymentReceived", 1764064810, paymentReceived);
        observe(order, "WaitingForDelivery", 1764064820, false);
        observe(order, "Done", 1764064830, false);
        return order;
    }

    void observe(Placed order, String state, double updatedAt, boolean withPin) {
        observe(order, state, updatedAt, node -> {
            if (withPin) {
                ObjectNode deliverable = (ObjectNode) node.get("deliveries").get(0).get("deliverable");
                deliverable.put("pin_code", PIN);
                deliverable.put("redeem_instructions", "Use at airbnb.com/giftcards");
            }
        });
    }

    /** Applies upstream's snapshot of the order in {@code state}, changed by {@code edit} first. */
    void observe(Placed order, String state, double updatedAt, java.util.function.Consumer<ObjectNode> edit) {
        ObjectNode node = read(UpstreamFixtures.order(order.upstreamId(), state, updatedAt));
        edit.accept(node);
        UpstreamOrder snapshot = UpstreamOrder.parse(node, order.upstreamId());
        QuarkusTransaction.requiringNew()
                .run(() -> writer.apply(order.id(), Observation.upstream(snapshot, TransitionSource.STREAM)));
    }

    private ObjectNode read(String text) {
        try {
            return (ObjectNode) JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
