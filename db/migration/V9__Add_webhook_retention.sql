-- Webhook rows do not stay forever (io.orderrelay.webhook.WebhookHousekeeping).

-- A sealed (redemption-bearing) body is removed once its delivery ends, succeeded or given up: the redemption data
-- stays on the order only. A retry by hand rebuilds it from the order.
alter table webhook_deliveries alter column body drop not null;
update webhook_deliveries set body = null where body_sealed and status in ('succeeded', 'failed');

-- pruning: ended deliveries by age, attempts by age
create index webhook_deliveries_completed on webhook_deliveries (completed_at)
    where status in ('succeeded', 'failed');
create index webhook_attempts_at on webhook_attempts (at);
