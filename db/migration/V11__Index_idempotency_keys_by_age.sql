-- Idempotency keys are pruned by age (relay.idempotency.retention): find the old ones without scanning the table.
-- Not CONCURRENTLY: Flyway holds a transaction open for its lock, which a concurrent build would wait for forever.
-- The build locks out new keys for as long as it takes (seconds for a few million rows).
create index idempotency_keys_created on idempotency_keys (created_at);
