-- A9, granted involvement: the DSL or the head lets a member of staff read one child's records
-- until a date, with a reason; and break-glass openings of a child's records, each with the
-- reason typed, for a short time, listed for the DSL.
create table involvement_grants (
    id bigint generated always as identity primary key,
    school_id bigint not null references schools(id),
    pupil_id bigint not null references pupils(id),
    staff_id bigint not null references staff(id),
    granted_by bigint not null references staff(id),
    reason text not null,
    granted_at timestamptz not null,
    ends_at timestamptz not null,
    revoked_by bigint references staff(id),
    revoked_at timestamptz
);
create index involvement_grants_by_staff on involvement_grants(staff_id, pupil_id);
create index involvement_grants_by_pupil on involvement_grants(pupil_id, id);

create table break_glass (
    id bigint generated always as identity primary key,
    school_id bigint not null references schools(id),
    pupil_id bigint not null references pupils(id),
    staff_id bigint not null references staff(id),
    reason text not null,
    opened_at timestamptz not null,
    ends_at timestamptz not null
);
create index break_glass_by_staff on break_glass(staff_id, pupil_id);
create index break_glass_by_school on break_glass(school_id, id);
