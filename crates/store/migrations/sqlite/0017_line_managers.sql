-- Each member of staff's line manager (SQLite): the person a policy's ladder tells when that
-- member of staff does not come back (Harton §8: "the office and line manager"). At most one
-- each. Kept in lockstep with ../postgres/0017_line_managers.sql.

create table line_managers (
    staff_id integer primary key references staff(id),
    manager_staff_id integer not null references staff(id)
);
create index line_managers_by_manager on line_managers(manager_staff_id);
