-- G3 (PostgreSQL): a school adopting its trust's policy is a draft like any change; once approved
-- the school joins the trust's policy in the same transaction as its new version. Kept in
-- lockstep with ../sqlite/0024_trust_policy_adoption.sql.
alter table policy_drafts add column adopts_trust_id bigint references trust_policies(trust_id);
