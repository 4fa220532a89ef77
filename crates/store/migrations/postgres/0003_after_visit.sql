-- After the visit (PostgreSQL): outcomes and follow-up actions (A3), Home Visit Slips (D9, A6),
-- incident reports (A5), safeguarding concerns (A4), records for the head only (A10) and secret
-- calendar links (P7). Kept in lockstep with ../sqlite/0003_after_visit.sql.

create table visit_outcomes (
    visit_id bigint primary key references visits(id),
    school_id bigint not null references schools(id),
    pupil_id bigint not null references pupils(id),
    outcome text not null,
    action_required text,
    people_seen text,
    recorded_by bigint not null references staff(id),
    recorded_at timestamptz not null,
    updated_by bigint not null references staff(id),
    updated_at timestamptz not null,
    revision bigint not null
);
create index outcomes_by_pupil on visit_outcomes(pupil_id);

create table follow_up_actions (
    id bigint generated always as identity primary key,
    school_id bigint not null references schools(id),
    pupil_id bigint not null references pupils(id),
    visit_id bigint references visits(id),
    description text not null,
    owner_staff_id bigint not null references staff(id),
    due_on date not null,
    created_by bigint not null references staff(id),
    created_at timestamptz not null,
    done_at timestamptz,
    done_by bigint references staff(id),
    done_note text
);
create index actions_by_pupil on follow_up_actions(pupil_id);
create index actions_by_owner on follow_up_actions(owner_staff_id, done_at);

create table home_visit_slips (
    id bigint generated always as identity primary key,
    visit_id bigint not null unique references visits(id),
    school_id bigint not null references schools(id),
    pupil_id bigint not null references pupils(id),
    left_at timestamptz not null,
    respond_by timestamptz not null,
    message text not null,
    left_by bigint not null references staff(id),
    responded_at timestamptz,
    response_from text,
    response_note text,
    response_recorded_by bigint references staff(id),
    created_at timestamptz not null
);
create index slips_by_pupil on home_visit_slips(pupil_id);

create table incidents (
    id bigint generated always as identity primary key,
    school_id bigint not null references schools(id),
    household_id bigint not null references households(id),
    pupil_id bigint references pupils(id),
    visit_id bigint references visits(id),
    kind text not null,
    occurred_at timestamptz not null,
    location text,
    account text not null,
    people_involved text,
    injuries text,
    police_called boolean not null,
    author_staff_id bigint not null references staff(id),
    created_at timestamptz not null,
    updated_at timestamptz not null,
    due_at timestamptz not null,
    submitted_at timestamptz,
    household_blocked boolean not null,
    risk_review_requested boolean not null,
    reminders bigint not null,
    last_reminded_at timestamptz
);
create index incidents_due on incidents(submitted_at, due_at);
create index incidents_by_household on incidents(household_id);
create index incidents_by_pupil on incidents(pupil_id);

create table safeguarding_concerns (
    id bigint generated always as identity primary key,
    school_id bigint not null references schools(id),
    pupil_id bigint not null references pupils(id),
    visit_id bigint references visits(id),
    alarm_id bigint references alarms(id),
    source text not null,
    concern text not null,
    observed_at timestamptz not null,
    raised_by bigint not null references staff(id),
    raised_at timestamptz not null,
    acknowledged_by bigint references staff(id),
    acknowledged_at timestamptz,
    dsl_note text
);
create index safeguarding_by_pupil on safeguarding_concerns(pupil_id);
create index safeguarding_by_school on safeguarding_concerns(school_id, acknowledged_at);

create table head_only_records (
    id bigint generated always as identity primary key,
    school_id bigint not null references schools(id),
    kind text not null,
    visit_id bigint references visits(id),
    pupil_id bigint references pupils(id),
    about_staff_id bigint references staff(id),
    raised_by_name text not null,
    received_at timestamptz not null,
    account text not null,
    recorded_by bigint not null references staff(id),
    recorded_at timestamptz not null,
    outcome text,
    closed_by bigint references staff(id),
    closed_at timestamptz
);
create index head_only_by_school on head_only_records(school_id);

create table calendar_links (
    id bigint generated always as identity primary key,
    token_hash text not null unique,
    school_id bigint not null references schools(id),
    staff_id bigint references staff(id),
    label text not null,
    created_by bigint not null references staff(id),
    created_at timestamptz not null,
    last_used_at timestamptz,
    revoked_by bigint references staff(id),
    revoked_at timestamptz
);
create index calendar_links_by_school on calendar_links(school_id);
