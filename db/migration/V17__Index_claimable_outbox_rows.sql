-- The outbox claim (io.orderrelay.outbox.OutboxStore#claimHeads) must keep an index-driven plan whatever the table's
-- statistics say: never analyzed (autovacuum off), analyzed while empty, or analyzed while every row was sent.
-- Its heads scan gets an index whose predicate is exactly the claim's ("in line": unsent and not parked), read in id
-- order under the claim's LIMIT. outbox_pending (id) where sent_at is null goes: with statistics claiming that no
-- row is pending, the planner used it for the per-order "earlier pending row?" probe, walking every pending row for
-- each head instead of looking up the order in outbox_pending_order. Every query that used it is served by
-- outbox_claimable (in-line rows, the backlog gauges) or outbox_parked.
create index outbox_claimable on outbox (id) where sent_at is null and parked_at is null;
drop index outbox_pending;
