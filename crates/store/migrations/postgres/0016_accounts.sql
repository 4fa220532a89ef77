-- Accounts people can manage (#12 item 3): each session's device (from the browser's
-- User-Agent, in plain words) and when it was last used, for "my sessions"; password reset links,
-- stored only as a hash of their token, single use and short-lived; and grants of senior roles
-- (headteacher, DSL, chair of governors, trust administrator) waiting for a second person.
alter table sessions add column device text;
alter table sessions add column last_used_at timestamptz;

create table password_resets (
    token_hash text primary key,
    staff_id bigint not null references staff(id),
    created_at timestamptz not null,
    expires_at timestamptz not null,
    used_at timestamptz,
    -- The administrator who issued it by hand; none when it was asked for by e-mail.
    issued_by bigint references staff(id)
);
create index password_resets_by_staff on password_resets(staff_id);

create table role_grants (
    id bigint generated always as identity primary key,
    staff_id bigint not null references staff(id),
    role text not null,
    requested_by bigint not null references staff(id),
    requested_at timestamptz not null,
    approved_by bigint references staff(id),
    approved_at timestamptz
);
create index role_grants_by_staff on role_grants(staff_id);
