-- Doorstep core schema (PostgreSQL). Kept in lockstep with ../sqlite/0001_core.sql by a test.
-- Times are timestamptz, written by the application; SQL never reads the clock.

create table trusts (
    id bigint generated always as identity primary key,
    name text not null unique
);

create table schools (
    id bigint generated always as identity primary key,
    trust_id bigint not null references trusts(id),
    name text not null,
    phone text,
    preset text not null,
    created_at timestamptz not null,
    unique (trust_id, name)
);

create table policy_versions (
    id bigint generated always as identity primary key,
    school_id bigint not null references schools(id),
    version bigint not null,
    preset text not null,
    settings jsonb not null,
    approved_by text not null,
    approved_on date not null,
    review_due date not null,
    changed_by bigint,
    change_note text,
    created_at timestamptz not null,
    unique (school_id, version)
);

create table staff (
    id bigint generated always as identity primary key,
    trust_id bigint not null references trusts(id),
    school_id bigint references schools(id),
    name text not null,
    email text not null unique,
    mobile text,
    job_title text,
    password_hash text not null,
    active boolean not null default true,
    created_at timestamptz not null
);

create table staff_roles (
    staff_id bigint not null references staff(id),
    role text not null,
    primary key (staff_id, role)
);

create table sessions (
    token_hash text primary key,
    staff_id bigint not null references staff(id),
    created_at timestamptz not null,
    expires_at timestamptz not null
);
create index sessions_by_staff on sessions(staff_id);

create table households (
    id bigint generated always as identity primary key,
    school_id bigint not null references schools(id),
    family_name text not null,
    address text not null,
    postcode text not null,
    landline text,
    language_notes text,
    pets text,
    blocked boolean not null default false,
    blocked_reason text,
    blocked_at timestamptz,
    reviewed_by bigint references staff(id),
    reviewed_at timestamptz,
    review_note text,
    created_at timestamptz not null
);
create index households_by_school on households(school_id);

create table household_members (
    id bigint generated always as identity primary key,
    household_id bigint not null references households(id),
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
    id bigint generated always as identity primary key,
    household_id bigint not null references households(id),
    description text not null,
    source text not null,
    raised_by bigint not null references staff(id),
    raised_at timestamptz not null
);
create index cautions_by_household on caution_flags(household_id);

create table pupils (
    id bigint generated always as identity primary key,
    school_id bigint not null references schools(id),
    household_id bigint not null references households(id),
    name text not null,
    date_of_birth date not null,
    height_cm bigint,
    year_group text
);
create index pupils_by_school on pupils(school_id);

create table vehicles (
    id bigint generated always as identity primary key,
    staff_id bigint not null references staff(id),
    registration text not null,
    make_model text,
    licence_expires date,
    mot_expires date,
    insurance_expires date,
    business_insurance boolean not null,
    unique (staff_id, registration)
);

create table visits (
    id bigint generated always as identity primary key,
    school_id bigint not null references schools(id),
    pupil_id bigint not null references pupils(id),
    household_id bigint not null references households(id),
    policy_version_id bigint not null references policy_versions(id),
    reason_category text not null,
    purpose text not null,
    parents_could_come_in boolean,
    parents_come_in_note text,
    appointment text not null,
    agenda text,
    unannounced_reason text,
    expect_to_see text,
    planned_leave_school timestamptz not null,
    planned_arrive timestamptz not null,
    planned_leave_property timestamptz not null,
    planned_return timestamptz not null,
    returns_to text not null,
    first_visit boolean not null,
    joint_agency text,
    transport jsonb,
    buddy_staff_id bigint references staff(id),
    backup_staff_id bigint references staff(id),
    code_word text,
    vehicle_id bigint references vehicles(id),
    status text not null,
    state jsonb not null,
    rescheduled_from bigint references visits(id),
    created_by bigint not null references staff(id),
    created_at timestamptz not null,
    updated_at timestamptz not null,
    revision bigint not null default 1
);
create index visits_by_school_status on visits(school_id, status);
create index visits_by_household on visits(household_id);

create table visit_staff (
    visit_id bigint not null references visits(id),
    staff_id bigint not null references staff(id),
    role_on_visit text not null,
    is_driver boolean not null default false,
    primary key (visit_id, staff_id)
);
create index visit_staff_by_staff on visit_staff(staff_id);

create table risk_assessments (
    id bigint generated always as identity primary key,
    household_id bigint not null references households(id),
    visit_id bigint references visits(id),
    questionnaire jsonb,
    hazards jsonb not null,
    areas_of_concern text,
    risk_before text not null,
    control_measures text,
    risk_after text not null,
    completed_by bigint not null references staff(id),
    completed_at timestamptz not null,
    signed_off_by bigint references staff(id),
    signed_off_at timestamptz,
    sign_off_comment text
);
create index risk_by_household on risk_assessments(household_id);

create table risk_acknowledgements (
    risk_assessment_id bigint not null references risk_assessments(id),
    staff_id bigint not null references staff(id),
    acknowledged_at timestamptz not null,
    primary key (risk_assessment_id, staff_id)
);

create table visit_decisions (
    id bigint generated always as identity primary key,
    visit_id bigint not null references visits(id),
    decided_by bigint not null references staff(id),
    decision text not null,
    comment text,
    decided_at timestamptz not null
);
create index decisions_by_visit on visit_decisions(visit_id);

create table caution_acknowledgements (
    visit_id bigint not null references visits(id),
    caution_flag_id bigint not null references caution_flags(id),
    acknowledged_by bigint not null references staff(id),
    acknowledged_at timestamptz not null,
    primary key (visit_id, caution_flag_id)
);

create table safety_concerns (
    id bigint generated always as identity primary key,
    visit_id bigint not null references visits(id),
    raised_by bigint not null references staff(id),
    concern text not null,
    raised_at timestamptz not null,
    resolved_by bigint references staff(id),
    resolution text,
    resolved_at timestamptz
);
create index concerns_by_visit on safety_concerns(visit_id);

create table visit_events (
    id bigint generated always as identity primary key,
    visit_id bigint not null references visits(id),
    step text not null,
    actor_staff_id bigint references staff(id),
    at timestamptz not null,
    detail jsonb
);
create index events_by_visit on visit_events(visit_id);

create table audit_log (
    id bigint generated always as identity primary key,
    at timestamptz not null,
    actor_staff_id bigint,
    school_id bigint,
    action text not null,
    subject_type text not null,
    subject_id bigint,
    detail jsonb
);
create index audit_by_subject on audit_log(subject_type, subject_id);

create function audit_log_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'the audit trail is append-only';
end;
$$;
create trigger audit_log_no_update before update or delete on audit_log
    for each row execute function audit_log_append_only();
