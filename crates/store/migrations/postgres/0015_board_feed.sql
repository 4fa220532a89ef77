-- The board feed (PostgreSQL): one row per change the office board shows, written by triggers in
-- the change's own transaction. See ../sqlite/0015_board_feed.sql; kept in lockstep with it.

create table board_feed (
    id bigint generated always as identity primary key,
    school_id bigint not null,
    visit_id bigint,
    alarm_id bigint,
    kind text not null,
    detail text
);
create index board_feed_by_school on board_feed(school_id, id);

create function board_feed_append() returns trigger language plpgsql as $$
begin
    if tg_table_name = 'check_ins' then
        insert into board_feed (school_id, visit_id, kind, detail)
        select v.school_id, new.visit_id, 'check_in', new.kind from visits v where v.id = new.visit_id;
    elsif tg_table_name = 'alarms' and tg_op = 'INSERT' then
        insert into board_feed (school_id, visit_id, alarm_id, kind, detail)
        values (new.school_id, new.visit_id, new.id, 'alarm', new.kind);
    elsif tg_table_name = 'alarms' then
        insert into board_feed (school_id, visit_id, alarm_id, kind, detail)
        values (new.school_id, new.visit_id, new.id, 'alarm_state', new.state);
    elsif tg_table_name = 'visit_events' then
        insert into board_feed (school_id, visit_id, kind, detail)
        select v.school_id, new.visit_id, 'visit_step', new.step from visits v where v.id = new.visit_id;
    elsif tg_table_name = 'watches' then
        insert into board_feed (school_id, visit_id, kind) values (new.school_id, new.visit_id, 'watch');
    elsif tg_table_name = 'notifications' then
        insert into board_feed (school_id, visit_id, alarm_id, kind, detail)
        select a.school_id, new.visit_id, new.alarm_id, 'delivery', new.state from alarms a where a.id = new.alarm_id;
    end if;
    return null;
end;
$$;

create trigger board_feed_check_in after insert on check_ins
    for each row execute function board_feed_append();
create trigger board_feed_alarm_raised after insert on alarms
    for each row execute function board_feed_append();
create trigger board_feed_alarm_changed after update of state on alarms
    for each row when (new.state <> old.state) execute function board_feed_append();
create trigger board_feed_visit_step after insert on visit_events
    for each row execute function board_feed_append();
create trigger board_feed_watch_changed after update on watches
    for each row execute function board_feed_append();
create trigger board_feed_delivery after update of state on notifications
    for each row when (new.alarm_id is not null and new.state <> old.state and new.state in ('sent', 'failed'))
    execute function board_feed_append();
