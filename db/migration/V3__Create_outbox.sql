-- Transactional outbox: one row per recorded transition, written in the transaction that recorded it
-- (io.orderrelay.outbox.OutboxWriter) and published to Kafka by io.orderrelay.outbox.OutboxRelay.
create table outbox (
    -- insertion order; internal only (the public id of the event is event_id)
    id          bigint generated always as identity primary key,
    event_id    uuid        not null unique,
    order_id    uuid        not null references orders (id),
    sequence    integer     not null,
    type        text        not null,
    -- the CloudEvents envelope, built once: exactly these bytes are published (UTF-8 JSON)
    payload     bytea       not null,
    created_at  timestamptz not null,
    -- set once the broker acknowledged the record; null = pending
    sent_at     timestamptz,
    unique (order_id, sequence)
);

-- Pending rows, oldest first (claim order, backlog count, age of the oldest).
create index outbox_pending on outbox (id) where sent_at is null;
-- "does this order have an earlier pending row?" when claiming the head of each order.
create index outbox_pending_order on outbox (order_id, sequence) where sent_at is null;
-- pruning of rows sent before the retention period.
create index outbox_sent_at on outbox (sent_at) where sent_at is not null;
