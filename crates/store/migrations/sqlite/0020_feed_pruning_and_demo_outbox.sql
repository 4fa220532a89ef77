-- Pruning the board feed, and the demo outbox (SQLite). Kept in lockstep with
-- ../postgres/0020_feed_pruning_and_demo_outbox.sql.
--
-- The feed's rows carry no time (triggers cannot take Doorstep's clock), so the monitor notes
-- now and then where the feed was (`board_feed_marks`); rows at or below a mark older than a day
-- are deleted. `board_feed_pruned` holds the highest id deleted: a page resuming from below it
-- may have missed changes and is told to read itself again in full.
create table board_feed_marks (
    at text not null,
    last_id integer not null
);
create index board_feed_marks_by_time on board_feed_marks(at);

create table board_feed_pruned (
    one integer primary key check (one = 1),
    through integer not null
);

-- With no e-mail, SMS or webhook set up, `doorstep demo` keeps such messages here instead of
-- failing them: the /outbox page shows them like a development mail catcher.
alter table notifications add column demo_outbox integer not null default 0;
