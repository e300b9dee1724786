-- Parked outbox rows (io.orderrelay.outbox.OutboxRelay, ParkedEvents): a record Kafka refuses for a reason that
-- retrying cannot fix (larger than the topic accepts, invalid) is parked instead of heading every batch for ever.
-- A parked row keeps sent_at null, so it still holds back its own order's later rows (per-order order), and the
-- relay no longer claims it; every other order goes on. An admin retries it (parked_at back to null) or skips it.
alter table outbox
    -- when the relay parked the row; null = not parked
    add column parked_at   timestamptz,
    -- why: the broker's or producer's error (class and message; never the payload)
    add column park_reason text,
    -- when an admin skipped the row: it is never published and sent_at is set to the same time, so that the row
    -- leaves the line (the order's later rows flow) and is pruned with the sent rows after the retention period
    add column skipped_at  timestamptz;

comment on column outbox.sent_at is
    'when the row left the line: acknowledged by Kafka, or skipped by an admin (skipped_at set too); null = in line';

-- Parked rows still in line: the admin list, the parked gauge, and "is this order held behind a parked row?".
create index outbox_parked on outbox (order_id) where parked_at is not null and sent_at is null;
