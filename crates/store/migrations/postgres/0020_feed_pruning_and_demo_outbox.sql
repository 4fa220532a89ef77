-- Pruning the board feed, and the demo outbox (PostgreSQL). See
-- ../sqlite/0020_feed_pruning_and_demo_outbox.sql; kept in lockstep with it.
create table board_feed_marks (
    at timestamptz not null,
    last_id bigint not null
);
create index board_feed_marks_by_time on board_feed_marks(at);

create table board_feed_pruned (
    one integer primary key check (one = 1),
    through bigint not null
);

alter table notifications add column demo_outbox boolean not null default false;
