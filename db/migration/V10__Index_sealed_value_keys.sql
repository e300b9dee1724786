-- The re-seal job (io.orderrelay.security.SecretReseal) finds values sealed under a key other than
-- RELAY_SECRETS_KEY by their header "v1.<key id>." (12 characters). These partial expression indexes
-- make that search, and the count behind relay.secrets.reseal.remaining, cost the number of such
-- values rather than a scan of every order and delivery body. webhook_endpoints is small: no index.
create index orders_redemption_key on orders (left(redemption_sealed, 12)) where redemption_sealed is not null;
create index webhook_deliveries_body_key on webhook_deliveries (left(body, 12)) where body_sealed;
