-- G1, G2, G3 (SQLite): policy changes wait as drafts until the body the policy names approves
-- them; trusts own a policy their schools adopt; staff confirm reading each version; a review
-- reminder goes out once per review date. Kept in lockstep with ../postgres/0018_policy_approval.sql.

-- Who really approved a version, and the day it came into force (null: versions from before).
alter table policy_versions add column approver_staff_id integer references staff(id);
alter table policy_versions add column takes_effect_on text;

create table policy_drafts (
    id integer primary key,
    school_id integer not null references schools(id),
    -- The version the draft was written against; its diff is shown against it.
    base_version integer not null,
    preset text not null,
    settings text not null,
    change_note text not null,
    -- A trust administrator's change to the trust's policy reaches every adopting school.
    for_trust boolean not null,
    drafted_by integer not null references staff(id),
    drafted_at text not null,
    approved_by integer references staff(id),
    approved_by_name text,
    approved_on text,
    takes_effect_on text,
    -- Set once the approved change is in force (a version per school it reached).
    in_force_at text
);
create index policy_drafts_by_school on policy_drafts(school_id, id);

create table trust_policies (
    trust_id integer primary key references trusts(id),
    -- JSON list of setting paths each school may change; every other setting is the trust's.
    school_may_change text not null,
    set_by integer not null references staff(id),
    set_at text not null
);

create table trust_policy_schools (
    school_id integer primary key references schools(id),
    trust_id integer not null references trust_policies(trust_id)
);

create table policy_acknowledgements (
    policy_version_id integer not null references policy_versions(id),
    staff_id integer not null references staff(id),
    acknowledged_at text not null,
    primary key (policy_version_id, staff_id)
);

create table policy_review_reminders (
    school_id integer not null references schools(id),
    review_due text not null,
    sent_at text not null,
    primary key (school_id, review_due)
);
