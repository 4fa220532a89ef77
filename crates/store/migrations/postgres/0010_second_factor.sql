-- A9, a second factor before safeguarding history: each person's TOTP authenticator (RFC 6238),
-- its secret sealed with the server's key like code words; the last time step accepted, so a code
-- is never taken twice; one-time recovery codes, stored only as slow (Argon2id) hashes; and when
-- a session last proved the second factor (kept with the session, never in the cookie).
create table second_factors (
    staff_id bigint primary key references staff(id),
    secret text not null,
    started_at timestamptz not null,
    enrolled_at timestamptz,
    last_step bigint not null default 0
);

create table recovery_codes (
    id bigint generated always as identity primary key,
    staff_id bigint not null references staff(id),
    code_hash text not null,
    created_at timestamptz not null,
    used_at timestamptz
);
create index recovery_codes_by_staff on recovery_codes(staff_id);

alter table sessions add column second_factor_at timestamptz;
