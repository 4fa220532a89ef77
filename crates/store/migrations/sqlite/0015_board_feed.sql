-- The board feed (SQLite): one row per change the office board shows — a check-in, an alarm
-- raised, acknowledged or resolved, a visit step, a watch changed (extension, buddy hand-over),
-- a message to an alarm's recipients delivered or given up. Written by triggers in the same
-- transaction as the change, so every writer (the web, the monitor, the check-in group commit)
-- feeds it and a change is in the feed exactly when it has committed. Open boards follow it by
-- id and resume from the last id they saw (Last-Event-ID). Kept in lockstep with
-- ../postgres/0015_board_feed.sql.

create table board_feed (
    id integer primary key,
    school_id integer not null,
    visit_id integer,
    alarm_id integer,
    kind text not null,
    detail text
);
create index board_feed_by_school on board_feed(school_id, id);

create trigger board_feed_check_in after insert on check_ins
begin
    insert into board_feed (school_id, visit_id, kind, detail)
    select v.school_id, new.visit_id, 'check_in', new.kind from visits v where v.id = new.visit_id;
end;

create trigger board_feed_alarm_raised after insert on alarms
begin
    insert into board_feed (school_id, visit_id, alarm_id, kind, detail)
    values (new.school_id, new.visit_id, new.id, 'alarm', new.kind);
end;

create trigger board_feed_alarm_changed after update of state on alarms
when new.state <> old.state
begin
    insert into board_feed (school_id, visit_id, alarm_id, kind, detail)
    values (new.school_id, new.visit_id, new.id, 'alarm_state', new.state);
end;

create trigger board_feed_visit_step after insert on visit_events
begin
    insert into board_feed (school_id, visit_id, kind, detail)
    select v.school_id, new.visit_id, 'visit_step', new.step from visits v where v.id = new.visit_id;
end;

create trigger board_feed_watch_changed after update on watches
begin
    insert into board_feed (school_id, visit_id, kind)
    values (new.school_id, new.visit_id, 'watch');
end;

create trigger board_feed_delivery after update of state on notifications
when new.alarm_id is not null and new.state <> old.state and new.state in ('sent', 'failed')
begin
    insert into board_feed (school_id, visit_id, alarm_id, kind, detail)
    select a.school_id, new.visit_id, new.alarm_id, 'delivery', new.state from alarms a where a.id = new.alarm_id;
end;
