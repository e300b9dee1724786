-- Orders as placed through /v1/orders, with their last known upstream snapshot.
create table orders (
    id                  uuid primary key,
    partner_id          text        not null,
    client_reference    text,
    upstream_order_id   text,
    state               text        not null,
    sequence            integer     not null,
    country_code        text        not null,
    lang                text,
    -- the create request as we received it (end-user email included: personal data, never published)
    request             jsonb       not null,
    coin                text        not null,
    network             text,
    payment_via         text        not null,
    wallet_address      text,
    coin_amount         numeric(38, 18),
    qr_text             text,
    qr_url              text,
    payment_state       text,
    pay_before          timestamptz,
    -- deliveries without redemption secrets: [{brand_name, country_code, denomination, quantity, delivery_state}]
    deliveries          jsonb       not null,
    -- upstream's own updated_at of the snapshot we hold, to recognise stale observations
    upstream_updated_at numeric(20, 6),
    -- why a local state was entered (rejection reason, uncertain outcome): for operators, never secret
    state_reason        text,
    created_at          timestamptz not null,
    updated_at          timestamptz not null
);

-- a Rejected order never existed upstream, so its client_reference may be used again
create unique index orders_partner_client_reference on orders (partner_id, client_reference)
    where client_reference is not null and state <> 'Rejected';
-- keyset pagination walks (created_at, id) descending
create index orders_created on orders (created_at desc, id desc);
create index orders_partner_created on orders (partner_id, created_at desc, id desc);
create index orders_state on orders (state);
create unique index orders_upstream_order_id on orders (upstream_order_id) where upstream_order_id is not null;

-- Every state an order entered, numbered 1..n without gap.
create table order_transitions (
    order_id    uuid        not null references orders (id),
    sequence    integer     not null,
    event_id    uuid        not null unique,
    from_state  text,
    to_state    text        not null,
    occurred_at timestamptz not null,
    source      text        not null,
    primary key (order_id, sequence)
);

-- Idempotency-Key replay: the first answer to a key is stored and served again for the same body.
create table idempotency_keys (
    scope         text        not null,
    key           text        not null,
    request_hash  text        not null,
    order_id      uuid,
    status        integer,
    response      text,
    created_at    timestamptz not null,
    primary key (scope, key)
);
