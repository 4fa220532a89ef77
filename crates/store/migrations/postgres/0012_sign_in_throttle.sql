-- Brute-force protection (#12 item 2): failed sign-ins counted per key, an account (`account:`
-- and the e-mail address typed, whether or not an account has it) or a client address
-- (`address:` and the IP), with the lock they earned. Kept in the database so a lock holds
-- across restarts and on every instance.
create table sign_in_throttle (
    key text primary key,
    -- Failed sign-ins since `window_started_at`; counting starts again after the window.
    failures bigint not null,
    window_started_at timestamptz not null,
    last_failure_at timestamptz not null,
    -- Sign-ins with this key are refused until then (UTC), the right password too.
    locked_until timestamptz,
    -- Locks earned without a quiet day between them: each lasts twice the one before.
    locks bigint not null default 0
);
