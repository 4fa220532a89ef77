-- Practice visits for drills (#11 item 9): the head or DSL runs a drill without a real visit.
-- A practice visit has no pupil, no household and no address; it lives in its own table, so it
-- can never appear in the chronology, the governors' report, exports or the calendar feeds.
-- The drill's alarm names it instead of a visit. Kept in lockstep with
-- ../postgres/0025_practice_drills.sql.
create table practice_visits (
    id integer primary key,
    school_id integer not null references schools(id),
    buddy_staff_id integer references staff(id),
    created_by integer not null references staff(id),
    started_at text not null,
    ended_at text
);
create table practice_visit_staff (
    practice_visit_id integer not null references practice_visits(id),
    staff_id integer not null references staff(id),
    primary key (practice_visit_id, staff_id)
);
alter table alarms add column practice_visit_id integer references practice_visits(id);
