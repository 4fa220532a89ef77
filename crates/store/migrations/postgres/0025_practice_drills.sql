-- Practice visits for drills (#11 item 9, PostgreSQL): the head or DSL runs a drill without a
-- real visit. A practice visit has no pupil, no household and no address; it lives in its own
-- table, so it can never appear in the chronology, the governors' report, exports or the
-- calendar feeds. The drill's alarm names it instead of a visit. Kept in lockstep with
-- ../sqlite/0025_practice_drills.sql.
create table practice_visits (
    id bigint generated always as identity primary key,
    school_id bigint not null references schools(id),
    buddy_staff_id bigint references staff(id),
    created_by bigint not null references staff(id),
    started_at timestamptz not null,
    ended_at timestamptz
);
create table practice_visit_staff (
    practice_visit_id bigint not null references practice_visits(id),
    staff_id bigint not null references staff(id),
    primary key (practice_visit_id, staff_id)
);
alter table alarms add column practice_visit_id bigint references practice_visits(id);
