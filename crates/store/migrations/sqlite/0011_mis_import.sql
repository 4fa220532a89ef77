-- Import from the MIS (issue 14): pupils keyed by UPN (and the MIS's own id where present),
-- households keyed by address and the adults with parental responsibility, contacts in the
-- MIS's priority order with their phones by type. A pupil missing from a full import is
-- marked as left, never deleted.
alter table pupils add column upn text;
alter table pupils add column mis_id text;
alter table pupils add column left_at text;
create unique index pupils_by_upn on pupils(school_id, upn);

alter table households add column import_key text;
create index households_by_import_key on households(school_id, import_key);

-- Only rows the import wrote are ever changed by a later import; adults typed into Doorstep
-- have `imported` false and are left alone.
alter table household_members add column imported boolean not null default false;
alter table household_members add column contact_order integer;

create table member_phones (
    id integer primary key,
    member_id integer not null references household_members(id),
    kind text not null,
    number text not null,
    position integer not null
);
create index phones_by_member on member_phones(member_id, position);
