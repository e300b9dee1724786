-- Tracking ownership: which replica follows which open order (io.orderrelay.tracking).
-- A row is a lease: the owner renews expires_at while it holds the upstream stream; another replica may
-- take the order over once the lease has expired (crash), or at once when the owner released it (shutdown).
create table tracking_leases (
    order_id   uuid        primary key references orders (id) on delete cascade,
    owner      text        not null,
    expires_at timestamptz not null
);

create index tracking_leases_owner on tracking_leases (owner);

-- The claim query walks the open, trackable orders: keep them in a small partial index
-- (the terminal and local states listed here are those of io.orderrelay.order.OrderState).
create index orders_trackable on orders (created_at)
    where upstream_order_id is not null
      and state not in ('Submitting', 'SubmissionUncertain', 'Rejected', 'Done', 'Expired', 'PaymentFailed',
                        'PaymentSetupFailed', 'Refunded', 'Canceled');

-- The stuck-submission sweep looks for old Submitting orders.
create index orders_submitting on orders (updated_at) where state = 'Submitting';
