/**
 * Tracking: one live subscriber per open order in the whole deployment, and the order event stream.
 *
 * <h2>Ownership</h2>
 * {@link io.orderrelay.tracking.Tracker} (one per replica, run by {@link io.orderrelay.tracking.TrackingService})
 * claims open orders (an upstream id, a state neither terminal nor local) in {@code tracking_leases}
 * ({@link io.orderrelay.tracking.Leases}): the claim locks candidate order rows with {@code FOR UPDATE SKIP LOCKED}
 * and only replaces an expired lease, so an order never has two live owners. Leases are renewed every
 * {@code renew-interval}, expired or not (a lease nobody else took is still ours); one whose owner changed (taken
 * over) stops the local subscriber. Claims, renewals and releases run on one thread of their own
 * ({@code tracking-leases}) with a small connection pool of their own (datasource {@code leases}): no burst of
 * observation work can make them wait until the leases expire.
 * Shutdown releases every lease (the others claim at once); a crashed replica's orders are taken over once its
 * leases expire. New orders are claimed when their create answer commits, else at the next tick
 * ({@code claim-interval}). At most {@code capacity} orders per replica.
 *
 * <h2>One order</h2>
 * {@link io.orderrelay.tracking.OrderSubscriber} lives on one Vert.x event loop (no thread per order) and holds
 * the upstream SSE stream ({@link io.orderrelay.upstream.UpstreamStreams}, its own HTTP client pool). Each
 * {@code message}, and each poll answer, is validated ({@link io.orderrelay.upstream.UpstreamOrder#parse}: an
 * object with this order's id and a string state, within {@link io.orderrelay.upstream.UpstreamLimits}), invalid
 * ones counted and ignored; a valid message resets the backoff. A {@code stop} is
 * believed only once {@code GET /v5/orders/{id}} says terminal. On end or failure the stream is reopened after
 * the backoff (min doubling to max, jittered); while it is unavailable (refused, unreachable, or cut before a
 * valid message) the order is polled every {@code poll-interval} (a 429's Retry-After is honoured), and while it
 * is healthy a reconciling GET runs every {@code reconcile-interval}. Observations are applied one at a time per
 * order, in arrival order, through {@link io.orderrelay.order.TransitionWriter}: each waits in the bounded
 * {@link io.orderrelay.tracking.ObservationPipeline}, whose workers apply what queued up together in one transaction
 * ({@link io.orderrelay.tracking.ObservationApplier#applyAll}, group commit). When the queue is full, or a few
 * observations of the order wait already, the subscriber stops reading its stream (and polling) until they are
 * handed over: the database sets the pace. The subscriber ends when the stored state is terminal.
 *
 * <h2>Event stream</h2>
 * {@code GET /v1/orders/{id}/events} ({@link io.orderrelay.tracking.OrderEventsResource}) reads our database only:
 * {@link io.orderrelay.tracking.OrderEventFeed} pokes a viewer when a transition of its order commits on this
 * replica and on a periodic sequence check (transitions written by other replicas). The data of each event is the
 * outbox's envelope bytes (the same as on Kafka) while the outbox row is kept, else the same envelope rebuilt with
 * the current order. Streams are limited per API key and per replica ({@link io.orderrelay.tracking.EventStreamSlots});
 * each viewer ({@link io.orderrelay.tracking.EventViewer}) holds no thread and at most {@code buffer-size} events,
 * is dropped when its connection takes no write for {@code write-timeout}, and ends when its key is revoked
 * ({@link io.orderrelay.tracking.StreamKeys}). See docs/event-streams.md.
 */
package io.orderrelay.tracking;
