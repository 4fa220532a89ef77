-- When a message's first delivery attempt failed: the board shows a failing channel from its
-- first failure, not only once every retry is used up.
alter table notifications add column first_failed_at timestamptz;
