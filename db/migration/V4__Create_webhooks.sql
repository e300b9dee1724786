-- Partner webhook endpoints (DESIGN.md "Webhooks"). Secrets are sealed with SecretBox (RELAY_SECRETS_KEY).
create table webhook_endpoints (
    id                        uuid primary key,
    partner_id                text        not null,
    url                       text        not null,
    description               text,
    -- comma-separated exact types or order.*; null = every event
    event_types               text,
    include_secrets           boolean     not null,
    enabled                   boolean     not null,
    -- why the relay disabled it (410 Gone, failing for days); null when enabled or disabled by a caller
    disabled_reason           text,
    secret                    text        not null,
    -- after a rotation the former secret keeps signing beside the new one until previous_secret_until
    previous_secret           text,
    previous_secret_until     timestamptz,
    -- first failed attempt since the last success: an endpoint failing everything for long is disabled
    failing_since             timestamptz,
    created_at                timestamptz not null,
    updated_at                timestamptz not null
);

create index webhook_endpoints_partner on webhook_endpoints (partner_id, created_at, id);

-- One event to send to one endpoint. The body is the exact bytes sent (the Kafka record's envelope), sealed with
-- SecretBox when it carries redemption data (include_secrets endpoints).
create table webhook_deliveries (
    id               uuid primary key,
    endpoint_id      uuid        not null references webhook_endpoints (id) on delete cascade,
    event_id         uuid        not null,
    event_type       text        not null,
    -- null for webhook.test events
    order_id         uuid,
    sequence         integer,
    body             text        not null,
    body_sealed      boolean     not null,
    -- pending: next in line for its order at this endpoint, sent at next_attempt_at;
    -- waiting: behind an earlier event of the same order for this endpoint (made pending when that one ends);
    -- succeeded | failed: done
    status           text        not null,
    attempt_count    integer     not null default 0,
    -- attempt_count when a caller last asked for a retry: the retry schedule restarts from there
    retry_base       integer     not null default 0,
    next_attempt_at  timestamptz not null,
    -- lease of the replica sending it now; an expired lease (crashed replica) makes it claimable again
    claimed_until    timestamptz,
    claim_token      uuid,
    created_at       timestamptz not null,
    completed_at     timestamptz
);

-- the dispatcher's scan: due pending deliveries of each endpoint
create index webhook_deliveries_due on webhook_deliveries (endpoint_id, next_attempt_at, id) where status = 'pending';
-- in flight (or abandoned by a crashed replica), counted per endpoint against its concurrency limit
create index webhook_deliveries_claimed on webhook_deliveries (endpoint_id)
    where status = 'pending' and claimed_until is not null;
-- per endpoint and order, the line of events not yet done
create index webhook_deliveries_line on webhook_deliveries (endpoint_id, order_id, sequence, id)
    where status in ('pending', 'waiting');
-- replay finds the bytes an event was first sent with
create index webhook_deliveries_event on webhook_deliveries (event_id);
-- the attempt log, newest first
create index webhook_deliveries_endpoint on webhook_deliveries (endpoint_id, id desc);

create table webhook_attempts (
    delivery_id   uuid        not null references webhook_deliveries (id) on delete cascade,
    attempt       integer     not null,
    at            timestamptz not null,
    status_code   integer,
    duration_ms   integer     not null,
    error         text,
    -- the first bytes of the answer, for diagnosis
    response_excerpt text,
    primary key (delivery_id, attempt)
);
