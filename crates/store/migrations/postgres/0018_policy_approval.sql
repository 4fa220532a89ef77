-- G1, G2, G3 (PostgreSQL): policy changes wait as drafts until the body the policy names approves
-- them; trusts own a policy their schools adopt; staff confirm reading each version; a review
-- reminder goes out once per review date. Kept in lockstep with ../sqlite/0018_policy_approval.sql.

-- Who really approved a version, and the day it came into force (null: versions from before).
alter table policy_versions add column approver_staff_id bigint references staff(id);
alter table policy_versions add column takes_effect_on date;

create table policy_drafts (
    id bigint generated always as identity primary key,
    school_id bigint not null references schools(id),
    -- The version the draft was written against; its diff is shown against it.
    base_version bigint not null,
    preset text not null,
    settings jsonb not null,
    change_note text not null,
    -- A trust administrator's change to the trust's policy reaches every adopting school.
    for_trust boolean not null,
    drafted_by bigint not null references staff(id),
    drafted_at timestamptz not null,
    approved_by bigint references staff(id),
    approved_by_name text,
    approved_on date,
    takes_effect_on date,
    -- Set once the approved change is in force (a version per school it reached).
    in_force_at timestamptz
);
create index policy_drafts_by_school on policy_drafts(school_id, id);

create table trust_policies (
    trust_id bigint primary key references trusts(id),
    -- JSON list of setting paths each school may change; every other setting is the trust's.
    school_may_change jsonb not null,
    set_by bigint not null references staff(id),
    set_at timestamptz not null
);

create table trust_policy_schools (
    school_id bigint primary key references schools(id),
    trust_id bigint not null references trust_policies(trust_id)
);

create table policy_acknowledgements (
    policy_version_id bigint not null references policy_versions(id),
    staff_id bigint not null references staff(id),
    acknowledged_at timestamptz not null,
    primary key (policy_version_id, staff_id)
);

create table policy_review_reminders (
    school_id bigint not null references schools(id),
    review_due date not null,
    sent_at timestamptz not null,
    primary key (school_id, review_due)
);
