-- G1 (SQLite): a change nobody will approve (out of date, or no longer wanted) is withdrawn rather
-- than left waiting for ever. Kept in lockstep with ../postgres/0026_policy_draft_withdrawal.sql.
alter table policy_drafts add column withdrawn_at text;
alter table policy_drafts add column withdrawn_by integer references staff(id);
