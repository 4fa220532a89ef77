-- Practice alarms (drills, #11 item 9): an alarm the head or DSL starts on purpose. It climbs the
-- school's real ladder like any alarm, but its messages say DRILL, it never carries the real
-- information pack, and the governors' report leaves it out of the real alarm figures.
-- Kept in lockstep with ../postgres/0021_drills.sql.
alter table alarms add column drill boolean not null default false;
create index alarms_drills on alarms(school_id, drill, raised_at);
