//! Who may see and do what. Visiting staff see the visits they are on or buddy for; school
//! leaders, the DSL and the office see their school; a trust administrator sees the trust.
//! Records a person may not see answer "not found", so their existence is not revealed.

use crate::AppState;
use crate::error::ApiError;
use domain::{FieldError, Role, SchoolId, TrustId, VisitId};
use store::{AuditEntry, Staff, Visit};

/// The schools a member of staff works across.
#[derive(Debug, Clone, Copy)]
pub struct Scope {
    pub trust: TrustId,
    /// `None`: every school of the trust.
    pub school: Option<SchoolId>,
}

pub fn scope(staff: &Staff) -> Scope {
    if staff.roles.has(Role::TrustAdmin) {
        Scope {
            trust: staff.trust_id,
            school: None,
        }
    } else {
        Scope {
            trust: staff.trust_id,
            school: staff.school_id.or(Some(SchoolId(0))),
        }
    }
}

/// The school a request is about: the one named, which the person must work in, or their own.
pub async fn school_in_scope(
    state: &AppState,
    staff: &Staff,
    named: Option<i64>,
) -> Result<SchoolId, ApiError> {
    match named {
        Some(id) => {
            let unknown = || ApiError::Invalid(FieldError::new("school_id", "no such school"));
            let school = match state.db().school(SchoolId(id)).await {
                Ok(school) => school,
                Err(store::StoreError::NotFound { .. }) => return Err(unknown()),
                Err(e) => return Err(e.into()),
            };
            if can_see_school(staff, school.id, school.trust_id) {
                Ok(school.id)
            } else {
                Err(unknown())
            }
        }
        None => staff.school_id.ok_or_else(|| {
            ApiError::bad_request("school_id", "name the school (you work across the trust)")
        }),
    }
}

pub fn can_see_school(staff: &Staff, school: SchoolId, trust: TrustId) -> bool {
    staff.trust_id == trust
        && (staff.roles.has(Role::TrustAdmin) || staff.school_id == Some(school))
}

/// Allowed when the person holds any of `roles`.
pub fn require_any(staff: &Staff, roles: &[Role], doing: &str) -> Result<(), ApiError> {
    if staff.roles.any_of(roles) {
        Ok(())
    } else {
        let who: Vec<_> = roles.iter().map(|r| r.title()).collect();
        Err(ApiError::forbidden(format!(
            "only {} may {doing}",
            who.join(" or ")
        )))
    }
}

/// Whether the person sees the whole of this visit's school (not just visits they are on).
pub async fn sees_school_visits(
    state: &AppState,
    staff: &Staff,
    school: SchoolId,
) -> Result<bool, ApiError> {
    let s = state.db().school(school).await?;
    Ok(can_see_school(staff, s.id, s.trust_id)
        && (staff.roles.sees_whole_school() || staff.roles.has(Role::TrustAdmin)))
}

/// The visit, if this person may see it; otherwise "not found".
pub async fn visible_visit(
    state: &AppState,
    staff: &Staff,
    id: VisitId,
) -> Result<Visit, ApiError> {
    let visit = state.visit(id).await?;
    if visit.involves(staff.id) || sees_school_visits(state, staff, visit.school_id).await? {
        Ok(visit)
    } else {
        Err(ApiError::NotFound("visit".into()))
    }
}

/// The visit, if this person may move it along or act on it: the people on it and its buddy, or
/// those who see the school's visits (the office records phoned-in check-ins, leaders step in).
pub async fn visit_to_act_on(
    state: &AppState,
    staff: &Staff,
    id: VisitId,
    doing: &str,
) -> Result<Visit, ApiError> {
    let visit = visible_visit(state, staff, id).await?;
    if visit.involves(staff.id) || sees_school_visits(state, staff, visit.school_id).await? {
        Ok(visit)
    } else {
        Err(ApiError::forbidden(format!(
            "only the staff on this visit, its buddy or school leaders and office may {doing}"
        )))
    }
}

pub fn entry(
    state: &AppState,
    staff: &Staff,
    action: &str,
    subject_type: &'static str,
    subject_id: i64,
    school: Option<SchoolId>,
    detail: serde_json::Value,
) -> AuditEntry {
    AuditEntry {
        at: state.clock().now(),
        actor: Some(staff.id),
        school: school.or(staff.school_id),
        action: action.to_string(),
        subject_type,
        subject_id: Some(subject_id),
        detail,
    }
}

/// Records a read or a stand-alone action in the audit trail.
pub async fn audit(
    state: &AppState,
    staff: &Staff,
    action: &str,
    subject_type: &'static str,
    subject_id: i64,
    detail: serde_json::Value,
) -> Result<(), ApiError> {
    let e = entry(state, staff, action, subject_type, subject_id, None, detail);
    Ok(state.db().append_audit(&e).await?)
}

/// One read for [`audit_reads`]: what was read, of which school.
pub struct Read {
    pub action: &'static str,
    pub subject_type: &'static str,
    pub subject_id: i64,
    pub school: SchoolId,
}

/// Records several reads made for one page in one transaction (one flush, not one per read).
pub async fn audit_reads(state: &AppState, staff: &Staff, reads: &[Read]) -> Result<(), ApiError> {
    if reads.is_empty() {
        return Ok(());
    }
    let mut tx = state.db().begin().await?;
    for r in reads {
        let e = entry(
            state,
            staff,
            r.action,
            r.subject_type,
            r.subject_id,
            Some(r.school),
            serde_json::json!({}),
        );
        tx.append_audit(&e).await?;
    }
    Ok(tx.commit().await?)
}

/// Like [`audit`] for a record of a known school.
pub async fn audit_read(
    state: &AppState,
    staff: &Staff,
    action: &str,
    subject_type: &'static str,
    subject_id: i64,
    school: SchoolId,
) -> Result<(), ApiError> {
    let e = entry(
        state,
        staff,
        action,
        subject_type,
        subject_id,
        Some(school),
        serde_json::json!({}),
    );
    Ok(state.db().append_audit(&e).await?)
}
