//! Each member of staff's line manager: the person a policy's ladder tells, at the rung it names
//! (`line_manager`), when that member of staff does not come back (Harton §8: "the office and
//! line manager"; the example absence protocol 4.2).

use super::staff::staff_member;
use crate::access::require_any;
use crate::permissions::SCHOOL_ADMINS;
use crate::{App, Refusal, Result, audit};
use domain::{FieldError, Role, StaffId};
use serde::Deserialize;
use serde_json::json;
use store::Staff;

/// Who manages a member of staff.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineManagerInput {
    /// A colleague of the same school, or a trust-level member of staff; `null` clears it.
    pub line_manager_id: Option<i64>,
}

/// Records `staff`'s line manager (the head for their school, a trust administrator for the
/// trust), audited as `staff.line_manager`. Errors: `Forbidden` for anyone else, or for the head
/// of another school; `NotFound("member of staff")`; `Invalid("line_manager_id")` for someone
/// not visible, not active, or the member of staff themself.
pub async fn set_line_manager(
    app: &App,
    me: &Staff,
    staff: StaffId,
    input: LineManagerInput,
) -> Result<()> {
    require_any(me, &SCHOOL_ADMINS, "set a line manager")?;
    let member = staff_member(app, me, staff).await?;
    if !me.roles.has(Role::TrustAdmin) && member.school_id != me.school_id {
        return Err(Refusal::forbidden(
            "set line managers for your own school's staff",
        ));
    }
    let manager = match input.line_manager_id {
        None => None,
        Some(id) => {
            let wrong = |why: &str| Refusal::from(FieldError::new("line_manager_id", why));
            if id == staff.0 {
                return Err(wrong("a member of staff is not their own line manager"));
            }
            let manager = staff_member(app, me, StaffId(id))
                .await
                .map_err(|e| e.absent_as(|| wrong("no such colleague")))?;
            if !manager.active {
                return Err(wrong("this colleague's account is not active"));
            }
            Some(manager.id)
        }
    };
    let mut tx = app.db().begin().await?;
    tx.set_line_manager(member.id, manager).await?;
    let detail = json!({ "line_manager": manager.map(|m| m.0) });
    let e = audit::entry(
        app,
        me,
        "staff.line_manager",
        "staff",
        member.id.0,
        member.school_id,
        detail,
    );
    tx.append_audit(&e).await?;
    tx.commit().await?;
    Ok(())
}
