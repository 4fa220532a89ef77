-- A9, granted involvement: the DSL or the head lets a member of staff read one child's records
-- until a date, with a reason; and break-glass openings of a child's records, each with the
-- reason typed, for a short time, listed for the DSL.
create table involvement_grants (
    id integer primary key,
    school_id integer not null references schools(id),
    pupil_id integer not null references pupils(id),
    staff_id integer not null references staff(id),
    granted_by integer not null references staff(id),
    reason text not null,
    granted_at text not null,
    ends_at text not null,
    revoked_by integer references staff(id),
    revoked_at text
);
create index involvement_grants_by_staff on involvement_grants(staff_id, pupil_id);
create index involvement_grants_by_pupil on involvement_grants(pupil_id, id);

create table break_glass (
    id integer primary key,
    school_id integer not null references schools(id),
    pupil_id integer not null references pupils(id),
    staff_id integer not null references staff(id),
    reason text not null,
    opened_at text not null,
    ends_at text not null
);
create index break_glass_by_staff on break_glass(staff_id, pupil_id);
create index break_glass_by_school on break_glass(school_id, id);
