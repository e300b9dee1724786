-- Redemption data (pin codes ...) of delivered orders: the product itself, sealed with SecretBox
-- (AES-256-GCM under RELAY_SECRETS_KEY); never readable in the database.
alter table orders add column redemption_sealed text;

-- Every read of redemption data, for audit.
create table redemption_reads (
    id          uuid primary key,
    order_id    uuid        not null references orders (id),
    api_key_id  text        not null,
    read_at     timestamptz not null
);
create index redemption_reads_order on redemption_reads (order_id, read_at);
