-- The safety monitor (SQLite): check-ins, what is being watched, deadlines, alarms and their
-- ladder, and the notification outbox. Kept in lockstep with ../postgres/0002_safety_monitor.sql.

create table check_ins (
    id integer primary key,
    visit_id integer not null references visits(id),
    staff_id integer references staff(id),
    kind text not null,
    at text not null,
    note text,
    latitude real,
    longitude real,
    accuracy_m real,
    client_ref text,
    unique (visit_id, client_ref)
);
create index check_ins_by_visit on check_ins(visit_id, at);

create table watches (
    visit_id integer primary key references visits(id),
    school_id integer not null references schools(id),
    signed_out_at text not null,
    last_contact_at text not null,
    extended_until text,
    arrived boolean not null,
    left_property boolean not null,
    last_latitude real,
    last_longitude real,
    buddy_staff_id integer references staff(id),
    buddy_left_at text
);
create index watches_by_school on watches(school_id);

create table deadlines (
    id integer primary key,
    visit_id integer not null references visits(id),
    school_id integer not null references schools(id),
    kind text not null,
    due_at text not null,
    fires_at text not null,
    remind_at text,
    reminded boolean not null,
    state text not null,
    unique (visit_id, kind)
);
create index deadlines_due on deadlines(state, fires_at);
create index deadlines_remind on deadlines(reminded, remind_at);

create table alarms (
    id integer primary key,
    school_id integer not null references schools(id),
    visit_id integer references visits(id),
    kind text not null,
    dedupe_key text not null unique,
    raised_at text not null,
    raised_by integer references staff(id),
    detail text,
    state text not null,
    next_level integer not null,
    next_level_at text,
    acknowledged_by integer references staff(id),
    acknowledged_at text,
    acknowledgement text,
    resolved_by integer references staff(id),
    resolved_at text,
    outcome text,
    all_channels_failed boolean not null
);
create index alarms_due on alarms(state, next_level_at);
create index alarms_by_school on alarms(school_id, state);

create table alarm_levels (
    alarm_id integer not null references alarms(id),
    level integer not null,
    fired_at text not null,
    primary key (alarm_id, level)
);

create table notifications (
    id integer primary key,
    alarm_id integer references alarms(id),
    visit_id integer references visits(id),
    staff_id integer references staff(id),
    channel text not null,
    address text not null,
    subject text not null,
    body text not null,
    idempotency_key text not null unique,
    state text not null,
    attempts integer not null,
    next_attempt_at text not null,
    claimed_by text,
    claimed_until text,
    last_error text,
    created_at text not null,
    sent_at text
);
create index notifications_due on notifications(state, next_attempt_at);
create index notifications_by_alarm on notifications(alarm_id);
create index notifications_by_staff on notifications(staff_id, id);

create table monitor_passes (
    instance text primary key,
    last_pass_at text not null,
    fired integer not null,
    escalated integer not null,
    delivered integer not null
);

alter table staff add column duress_pin_hash text;
