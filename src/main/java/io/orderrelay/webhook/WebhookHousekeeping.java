package io.orderrelay.webhook;

import jakarta.enterprise.context.ApplicationScoped;

/** Placeholder: pruning comes next. */
@ApplicationScoped
public class WebhookHousekeeping {

    public void prune() {
    }
}
