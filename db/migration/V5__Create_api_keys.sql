-- API keys for /v1 callers. Only a SHA-256 of each key is stored (keys are 256-bit random values,
-- so a fast hash is enough and lets a request find its key by index); the key itself is shown once.
create table api_keys (
    id          uuid primary key,
    name        text        not null,
    -- hex SHA-256 of the whole key string
    key_hash    text        not null unique,
    -- the first characters of the key (e.g. ork_AbCdEfGh), to recognise a key in lists and logs
    key_prefix  text        not null,
    scopes      text[]      not null,
    -- when set, the key only sees this partner's data
    partner_id  text,
    created_at  timestamptz not null,
    -- the key id (or "bootstrap") that created it
    created_by  text        not null,
    revoked_at  timestamptz
);

create index api_keys_created on api_keys (created_at desc, id desc);
