package io.orderrelay.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import io.orderrelay.order.Ids;
import io.orderrelay.order.OrderState;
import io.orderrelay.order.TransitionRecorded;
import io.orderrelay.order.TransitionsRecorded;
import io.orderrelay.security.SecretBox;

/**
 * Writes one delivery per matching enabled endpoint of the order's partner, in the transaction that recorded the
 * transition: the transition and its deliveries commit together or not at all. A group of transitions recorded
 * together reads each partner's endpoints once and writes its deliveries in one batch.
 */
@ApplicationScoped
public class WebhookFanOut {

    private final EndpointStore endpoints;
    private final DeliveryStore deliveries;
    private final WebhookBodies bodies;
    private final SecretBox box;
    private final TransactionSynchronizationRegistry transactions;
    private final WebhookDispatcher dispatcher;
    private final Clock clock;

    public WebhookFanOut(EndpointStore endpoints, DeliveryStore deliveries, WebhookBodies bodies, SecretBox box,
            TransactionSynchronizationRegistry transactions, WebhookDispatcher dispatcher, Clock clock) {
        this.endpoints = endpoints;
        this.deliveries = deliveries;
        this.bodies = bodies;
        this.box = box;
        this.transactions = transactions;
        this.dispatcher = dispatcher;
        this.clock = clock;
    }

    void on(@Observes TransitionsRecorded recorded) {
        // the endpoints of each partner read once for the group, in its transaction (an endpoint changed by a
        // concurrent request counts from the next group on, as it did from the next transition on)
        Map<String, List<Endpoint>> endpointsOf = new HashMap<>();
        List<DeliveryStore.NewDelivery> rows = new ArrayList<>();
        for (TransitionRecorded event : recorded.all()) {
            List<Endpoint> wanted = endpointsOf.computeIfAbsent(event.order().partnerId(), endpoints::enabledOfPartner);
            if (!wanted.isEmpty()) {
                addDeliveries(event, wanted, rows);
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        deliveries.insert(rows, clock.instant());
        wakeAfterCommit();
    }

    private void addDeliveries(TransitionRecorded event, List<Endpoint> partnerEndpoints, List<DeliveryStore.NewDelivery> rows) {
        String type = OrderState.eventType(event.transition().toState());
        String plain = null;
        String sealed = null;
        for (Endpoint endpoint : partnerEndpoints) {
            if (!endpoint.wants(type)) {
                continue;
            }
            String body;
            if (endpoint.includeSecrets()) {
                // sealed once per transition: the same ciphertext serves every include_secrets endpoint
                sealed = sealed != null ? sealed : box.seal(bodies.transition(event, true));
                body = sealed;
            } else {
                plain = plain != null ? plain : new String(bodies.transition(event, false), StandardCharsets.UTF_8);
                body = plain;
            }
            rows.add(new DeliveryStore.NewDelivery(Ids.newId(), endpoint.id(), event.eventId(), type, event.order().id(),
                    event.transition().sequence(), body, endpoint.includeSecrets(), event.traceparent()));
        }
    }

    /** Sends without waiting for the next poll, once the rows are visible to the dispatcher. */
    void wakeAfterCommit() {
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    dispatcher.wake();
                }
            }
        });
    }
}
