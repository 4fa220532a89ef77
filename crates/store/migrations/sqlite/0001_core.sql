-- Doorstep core schema (SQLite). Kept in lockstep with ../postgres/0001_core.sql by a test.
-- Times are RFC 3339 text in UTC, written by the application; SQL never reads the clock.

create table trusts (
    id integer primary key,
    name text not null unique
);

create table schools (
    id integer primary key,
    trust_id integer not null references trusts(id),
    name text not null,
    phone text,
    preset text not null,
    created_at text not null,
    unique (trust_id, name)
);

create table policy_versions (
    id integer primary key,
    school_id integer not null references schools(id),
    version integer not null,
    preset text not null,
    settings text not null,
    approved_by text not null,
    approved_on text not null,
    review_due text not null,
    changed_by integer,
    change_note text,
    created_at text not null,
    unique (school_id, version)
);

create table staff (
    id integer primary key,
    trust_id integer not null references trusts(id),
    school_id integer references schools(id),
    name text not null,
    email text not null unique,
    mobile text,
    job_title text,
    password_hash text not null,
    active boolean not null default true,
    created_at text not null
);

create table staff_roles (
    staff_id integer not null references staff(id),
    role text not null,
    primary key (staff_id, role)
);

create table sessions (
    token_hash text primary key,
    staff_id integer not null references staff(id),
    created_at text not null,
    expires_at text not null
);
create index sessions_by_staff on sessions(staff_id);

create table households (
    id integer primary key,
    school_id integer not null references schools(id),
    family_name text not null,
    address text not null,
    postcode text not null,
    landline text,
    language_notes text,
    pets text,
    blocked boolean not null default false,
    blocked_reason text,
    blocked_at text,
    reviewed_by integer references staff(id),
    reviewed_at text,
    review_note text,
    created_at text not null
);
create index households_by_school on households(school_id);

create table household_members (
    id integer primary key,
    household_id integer not null references households(id),
    name text not null,
    relationship text not null,
    parental_responsibility boolean not null,
    lives_at_address boolean not null,
    phone text,
    email text,
    notes text
);
create index members_by_household on household_members(household_id);

create table caution_flags (
    id integer primary key,
    household_id integer not null references households(id),
    description text not null,
    source text not null,
    raised_by integer not null references staff(id),
    raised_at text not null
);
create index cautions_by_household on caution_flags(household_id);

create table pupils (
    id integer primary key,
    school_id integer not null references schools(id),
    household_id integer not null references households(id),
    name text not null,
    date_of_birth text not null,
    height_cm integer,
    year_group text
);
create index pupils_by_school on pupils(school_id);

create table vehicles (
    id integer primary key,
    staff_id integer not null references staff(id),
    registration text not null,
    make_model text,
    licence_expires text,
    mot_expires text,
    insurance_expires text,
    business_insurance boolean not null,
    unique (staff_id, registration)
);

create table visits (
    id integer primary key,
    school_id integer not null references schools(id),
    pupil_id integer not null references pupils(id),
    household_id integer not null references households(id),
    policy_version_id integer not null references policy_versions(id),
    reason_category text not null,
    purpose text not null,
    parents_could_come_in boolean,
    parents_come_in_note text,
    appointment text not null,
    agenda text,
    unannounced_reason text,
    expect_to_see text,
    planned_leave_school text not null,
    planned_arrive text not null,
    planned_leave_property text not null,
    planned_return text not null,
    returns_to text not null,
    first_visit boolean not null,
    joint_agency text,
    transport text,
    buddy_staff_id integer references staff(id),
    backup_staff_id integer references staff(id),
    code_word text,
    vehicle_id integer references vehicles(id),
    status text not null,
    state text not null,
    rescheduled_from integer references visits(id),
    created_by integer not null references staff(id),
    created_at text not null,
    updated_at text not null,
    revision integer not null default 1
);
create index visits_by_school_status on visits(school_id, status);
create index visits_by_household on visits(household_id);

create table visit_staff (
    visit_id integer not null references visits(id),
    staff_id integer not null references staff(id),
    role_on_visit text not null,
    is_driver boolean not null default false,
    primary key (visit_id, staff_id)
);
create index visit_staff_by_staff on visit_staff(staff_id);

create table risk_assessments (
    id integer primary key,
    household_id integer not null references households(id),
    visit_id integer references visits(id),
    questionnaire text,
    hazards text not null,
    areas_of_concern text,
    risk_before text not null,
    control_measures text,
    risk_after text not null,
    completed_by integer not null references staff(id),
    completed_at text not null,
    signed_off_by integer references staff(id),
    signed_off_at text,
    sign_off_comment text
);
create index risk_by_household on risk_assessments(household_id);

create table risk_acknowledgements (
    risk_assessment_id integer not null references risk_assessments(id),
    staff_id integer not null references staff(id),
    acknowledged_at text not null,
    primary key (risk_assessment_id, staff_id)
);

create table visit_decisions (
    id integer primary key,
    visit_id integer not null references visits(id),
    decided_by integer not null references staff(id),
    decision text not null,
    comment text,
    decided_at text not null
);
create index decisions_by_visit on visit_decisions(visit_id);

create table caution_acknowledgements (
    visit_id integer not null references visits(id),
    caution_flag_id integer not null references caution_flags(id),
    acknowledged_by integer not null references staff(id),
    acknowledged_at text not null,
    primary key (visit_id, caution_flag_id)
);

create table safety_concerns (
    id integer primary key,
    visit_id integer not null references visits(id),
    raised_by integer not null references staff(id),
    concern text not null,
    raised_at text not null,
    resolved_by integer references staff(id),
    resolution text,
    resolved_at text
);
create index concerns_by_visit on safety_concerns(visit_id);

create table visit_events (
    id integer primary key,
    visit_id integer not null references visits(id),
    step text not null,
    actor_staff_id integer references staff(id),
    at text not null,
    detail text
);
create index events_by_visit on visit_events(visit_id);

create table audit_log (
    id integer primary key,
    at text not null,
    actor_staff_id integer,
    school_id integer,
    action text not null,
    subject_type text not null,
    subject_id integer,
    detail text
);
create index audit_by_subject on audit_log(subject_type, subject_id);

create trigger audit_log_no_update before update on audit_log
begin
    select raise(abort, 'the audit trail is append-only');
end;
create trigger audit_log_no_delete before delete on audit_log
begin
    select raise(abort, 'the audit trail is append-only');
end;
