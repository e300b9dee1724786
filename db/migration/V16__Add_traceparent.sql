-- The W3C trace context (traceparent) of the work that caused a transition: the placement request for the first
-- transitions, the observation for later ones. It travels with the transition's outbox row (the Kafka record's
-- traceparent header and the envelope's traceparent attribute) and with each webhook delivery (traceparent header).
-- Null for rows written before, and for work that ran without a trace.
alter table order_transitions add column traceparent text;
alter table outbox add column traceparent text;
alter table webhook_deliveries add column traceparent text;
