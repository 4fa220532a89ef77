-- The safety monitor (PostgreSQL): check-ins, what is being watched, deadlines, alarms and their
-- ladder, and the notification outbox. Kept in lockstep with ../sqlite/0002_safety_monitor.sql.

create table check_ins (
    id bigint generated always as identity primary key,
    visit_id bigint not null references visits(id),
    staff_id bigint references staff(id),
    kind text not null,
    at timestamptz not null,
    note text,
    latitude double precision,
    longitude double precision,
    accuracy_m double precision,
    client_ref text,
    unique (visit_id, client_ref)
);
create index check_ins_by_visit on check_ins(visit_id, at);

create table watches (
    visit_id bigint primary key references visits(id),
    school_id bigint not null references schools(id),
    signed_out_at timestamptz not null,
    last_contact_at timestamptz not null,
    extended_until timestamptz,
    arrived boolean not null,
    left_property boolean not null,
    last_latitude double precision,
    last_longitude double precision,
    buddy_staff_id bigint references staff(id),
    buddy_left_at timestamptz
);
create index watches_by_school on watches(school_id);

create table deadlines (
    id bigint generated always as identity primary key,
    visit_id bigint not null references visits(id),
    school_id bigint not null references schools(id),
    kind text not null,
    due_at timestamptz not null,
    fires_at timestamptz not null,
    remind_at timestamptz,
    reminded boolean not null,
    state text not null,
    unique (visit_id, kind)
);
create index deadlines_due on deadlines(state, fires_at);
create index deadlines_remind on deadlines(reminded, remind_at);

create table alarms (
    id bigint generated always as identity primary key,
    school_id bigint not null references schools(id),
    visit_id bigint references visits(id),
    kind text not null,
    dedupe_key text not null unique,
    raised_at timestamptz not null,
    raised_by bigint references staff(id),
    detail jsonb,
    state text not null,
    next_level bigint not null,
    next_level_at timestamptz,
    acknowledged_by bigint references staff(id),
    acknowledged_at timestamptz,
    acknowledgement text,
    resolved_by bigint references staff(id),
    resolved_at timestamptz,
    outcome text,
    all_channels_failed boolean not null
);
create index alarms_due on alarms(state, next_level_at);
create index alarms_by_school on alarms(school_id, state);

create table alarm_levels (
    alarm_id bigint not null references alarms(id),
    level bigint not null,
    fired_at timestamptz not null,
    primary key (alarm_id, level)
);

create table notifications (
    id bigint generated always as identity primary key,
    alarm_id bigint references alarms(id),
    visit_id bigint references visits(id),
    staff_id bigint references staff(id),
    channel text not null,
    address text not null,
    subject text not null,
    body text not null,
    idempotency_key text not null unique,
    state text not null,
    attempts bigint not null,
    next_attempt_at timestamptz not null,
    claimed_by text,
    claimed_until timestamptz,
    last_error text,
    created_at timestamptz not null,
    sent_at timestamptz
);
create index notifications_due on notifications(state, next_attempt_at);
create index notifications_by_alarm on notifications(alarm_id);
create index notifications_by_staff on notifications(staff_id, id);

create table monitor_passes (
    instance text primary key,
    last_pass_at timestamptz not null,
    fired bigint not null,
    escalated bigint not null,
    delivered bigint not null
);

alter table staff add column duress_pin_hash text;
