//! Senior roles need a second person (#12 item 3): the headteacher, DSL, chair of governors and
//! trust administrator roles each read or decide what the others cannot, so a head who adds an
//! account holding one asks for it, and the role is given only when the trust administrator or a
//! second senior person of that school (not the one who asked, nor the holder) approves. A trust
//! administrator's own grants take effect at once. Asking and approving are both audited.

use crate::permissions::{GRANT_APPROVERS, SENIOR_ROLES};
use crate::{App, Refusal, Result, audit};
use chrono::{DateTime, Utc};
use domain::{Role, RoleSet};
use serde::Serialize;
use store::{RoleGrant, Staff, Tx};

/// The roles `me` may give at once, and the senior ones that must wait for a second person.
pub fn split_senior_roles(me: &Staff, roles: &RoleSet) -> (RoleSet, Vec<Role>) {
    if me.roles.has(Role::TrustAdmin) {
        return (roles.clone(), vec![]);
    }
    let (senior, now): (Vec<Role>, Vec<Role>) =
        roles.iter().partition(|r| SENIOR_ROLES.contains(r));
    (RoleSet::new(now), senior)
}

/// Records the senior `roles` asked for `holder` by `me` as waiting, each audited
/// `role.grant_requested`, in the caller's transaction.
pub(crate) async fn request_grants(
    app: &App,
    tx: &mut Tx,
    me: &Staff,
    holder: &Staff,
    roles: &[Role],
    now: DateTime<Utc>,
) -> Result<()> {
    for role in roles {
        let id = tx.request_role_grant(holder.id, *role, me.id, now).await?;
        let detail = serde_json::json!({ "grant": id, "role": role });
        let mut e = audit::entry(
            app,
            me,
            "role.grant_requested",
            "staff",
            holder.id.0,
            holder.school_id,
            detail,
        );
        e.at = now;
        tx.append_audit(&e).await?;
    }
    Ok(())
}

/// A waiting grant as its approvers see it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GrantView {
    pub id: i64,
    pub staff_id: i64,
    pub staff_name: String,
    pub role: Role,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    /// Whether the person asking may approve it (they are not the one who asked).
    pub may_approve: bool,
}

/// Grants waiting for approval that `me` would be asked about.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PendingGrants {
    pub grants: Vec<GrantView>,
}

/// Whether `me` may approve `grant` for `holder`.
fn may_approve(me: &Staff, grant: &RoleGrant, holder: &Staff) -> bool {
    let senior_here = holder.school_id.is_some()
        && holder.school_id == me.school_id
        && me.roles.any_of(&GRANT_APPROVERS);
    holder.trust_id == me.trust_id
        && grant.requested_by != me.id
        && holder.id != me.id
        && (me.roles.has(Role::TrustAdmin) || senior_here)
}

/// The grants of senior roles waiting, for the trust administrator (the trust's) and a school's
/// senior people (their school's). Others get an empty list. Errors: only the store's.
pub async fn grants_needing_approval(app: &App, me: &Staff) -> Result<PendingGrants> {
    if !(me.roles.has(Role::TrustAdmin) || me.roles.any_of(&GRANT_APPROVERS)) {
        return Ok(PendingGrants { grants: vec![] });
    }
    let mut grants = vec![];
    for g in app.db().pending_role_grants(me.trust_id).await? {
        let holder = app.db().staff(g.staff).await?;
        let mine = me.roles.has(Role::TrustAdmin)
            || (holder.school_id.is_some() && holder.school_id == me.school_id);
        if !mine {
            continue;
        }
        let asker = app.db().staff(g.requested_by).await?;
        grants.push(GrantView {
            id: g.id,
            staff_id: holder.id.0,
            may_approve: may_approve(me, &g, &holder),
            staff_name: holder.name,
            role: g.role,
            requested_by: asker.name,
            requested_at: g.requested_at,
        });
    }
    Ok(PendingGrants { grants })
}

/// Approves a waiting grant: the role is given at once, audited `role.grant_approved` with who
/// asked. Errors: `NotFound("role grant")` when it is not waiting (or not this trust's);
/// `Forbidden` when `me` asked for it, would hold it, or is not a second senior person.
pub async fn approve_grant(app: &App, me: &Staff, id: i64, now: DateTime<Utc>) -> Result<Staff> {
    decide(app, me, id, Decision::Approve, now).await
}

/// Refuses a waiting grant: the role is not given and the request stops waiting, audited
/// `role.grant_refused` with who asked. Whoever may approve a grant may refuse it. Errors: as
/// [`approve_grant`]. Returns the person who would have held the role, unchanged.
pub async fn refuse_grant(app: &App, me: &Staff, id: i64, now: DateTime<Utc>) -> Result<Staff> {
    decide(app, me, id, Decision::Refuse, now).await
}

#[derive(Clone, Copy)]
enum Decision {
    Approve,
    Refuse,
}

async fn decide(
    app: &App,
    me: &Staff,
    id: i64,
    decision: Decision,
    now: DateTime<Utc>,
) -> Result<Staff> {
    let grant = app
        .db()
        .pending_role_grant(id)
        .await?
        .ok_or_else(|| Refusal::not_found("role grant"))?;
    let holder = app.db().staff(grant.staff).await?;
    if holder.trust_id != me.trust_id {
        return Err(Refusal::not_found("role grant"));
    }
    if !may_approve(me, &grant, &holder) {
        return Err(Refusal::forbidden(
            "a second person must approve or refuse this role: the trust administrator, or the headteacher, DSL or chair of governors of the school — not the person who asked for it, nor the person who would hold it",
        ));
    }
    let mut tx = app.db().begin().await?;
    let (done, action) = match decision {
        Decision::Approve => (
            tx.approve_role_grant(&grant, me.id, now).await?,
            "role.grant_approved",
        ),
        Decision::Refuse => (
            tx.refuse_role_grant(&grant, me.id, now).await?,
            "role.grant_refused",
        ),
    };
    if !done {
        return Err(Refusal::not_found("role grant"));
    }
    let detail = serde_json::json!({ "grant": grant.id, "role": grant.role, "requested_by": grant.requested_by.0 });
    let mut e = audit::entry(
        app,
        me,
        action,
        "staff",
        holder.id.0,
        holder.school_id,
        detail,
    );
    e.at = now;
    tx.append_audit(&e).await?;
    tx.commit().await?;
    Ok(app.db().staff(holder.id).await?)
}
