-- After the visit (SQLite): outcomes and follow-up actions (A3), Home Visit Slips (D9, A6),
-- incident reports (A5), safeguarding concerns (A4), records for the head only (A10) and secret
-- calendar links (P7). Kept in lockstep with ../postgres/0003_after_visit.sql.

create table visit_outcomes (
    visit_id integer primary key references visits(id),
    school_id integer not null references schools(id),
    pupil_id integer not null references pupils(id),
    outcome text not null,
    action_required text,
    people_seen text,
    recorded_by integer not null references staff(id),
    recorded_at text not null,
    updated_by integer not null references staff(id),
    updated_at text not null,
    revision integer not null
);
create index outcomes_by_pupil on visit_outcomes(pupil_id);

create table follow_up_actions (
    id integer primary key,
    school_id integer not null references schools(id),
    pupil_id integer not null references pupils(id),
    visit_id integer references visits(id),
    description text not null,
    owner_staff_id integer not null references staff(id),
    due_on text not null,
    created_by integer not null references staff(id),
    created_at text not null,
    done_at text,
    done_by integer references staff(id),
    done_note text
);
create index actions_by_pupil on follow_up_actions(pupil_id);
create index actions_by_owner on follow_up_actions(owner_staff_id, done_at);

create table home_visit_slips (
    id integer primary key,
    visit_id integer not null unique references visits(id),
    school_id integer not null references schools(id),
    pupil_id integer not null references pupils(id),
    left_at text not null,
    respond_by text not null,
    message text not null,
    left_by integer not null references staff(id),
    responded_at text,
    response_from text,
    response_note text,
    response_recorded_by integer references staff(id),
    created_at text not null
);
create index slips_by_pupil on home_visit_slips(pupil_id);

create table incidents (
    id integer primary key,
    school_id integer not null references schools(id),
    household_id integer not null references households(id),
    pupil_id integer references pupils(id),
    visit_id integer references visits(id),
    kind text not null,
    occurred_at text not null,
    location text,
    account text not null,
    people_involved text,
    injuries text,
    police_called boolean not null,
    author_staff_id integer not null references staff(id),
    created_at text not null,
    updated_at text not null,
    due_at text not null,
    submitted_at text,
    household_blocked boolean not null,
    risk_review_requested boolean not null,
    reminders integer not null,
    last_reminded_at text
);
create index incidents_due on incidents(submitted_at, due_at);
create index incidents_by_household on incidents(household_id);
create index incidents_by_pupil on incidents(pupil_id);

create table safeguarding_concerns (
    id integer primary key,
    school_id integer not null references schools(id),
    pupil_id integer not null references pupils(id),
    visit_id integer references visits(id),
    alarm_id integer references alarms(id),
    source text not null,
    concern text not null,
    observed_at text not null,
    raised_by integer not null references staff(id),
    raised_at text not null,
    acknowledged_by integer references staff(id),
    acknowledged_at text,
    dsl_note text
);
create index safeguarding_by_pupil on safeguarding_concerns(pupil_id);
create index safeguarding_by_school on safeguarding_concerns(school_id, acknowledged_at);

create table head_only_records (
    id integer primary key,
    school_id integer not null references schools(id),
    kind text not null,
    visit_id integer references visits(id),
    pupil_id integer references pupils(id),
    about_staff_id integer references staff(id),
    raised_by_name text not null,
    received_at text not null,
    account text not null,
    recorded_by integer not null references staff(id),
    recorded_at text not null,
    outcome text,
    closed_by integer references staff(id),
    closed_at text
);
create index head_only_by_school on head_only_records(school_id);

create table calendar_links (
    id integer primary key,
    token_hash text not null unique,
    school_id integer not null references schools(id),
    staff_id integer references staff(id),
    label text not null,
    created_by integer not null references staff(id),
    created_at text not null,
    last_used_at text,
    revoked_by integer references staff(id),
    revoked_at text
);
create index calendar_links_by_school on calendar_links(school_id);
