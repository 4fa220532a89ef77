//! Writing the audit trail: every write, and every read of sensitive data, is one row.
//! Inside a use case's transaction the row is written with it; a read's row is its own.

pub mod words;

use crate::{App, Result};
use domain::SchoolId;
use store::{AuditEntry, Staff};

/// An audit row by `staff` about one subject, of `school` (their own school when `None`).
pub fn entry(
    app: &App,
    staff: &Staff,
    action: &str,
    subject_type: &'static str,
    subject_id: i64,
    school: Option<SchoolId>,
    detail: serde_json::Value,
) -> AuditEntry {
    AuditEntry {
        at: app.now(),
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
    app: &App,
    staff: &Staff,
    action: &str,
    subject_type: &'static str,
    subject_id: i64,
    detail: serde_json::Value,
) -> Result<()> {
    let e = entry(app, staff, action, subject_type, subject_id, None, detail);
    Ok(app.db().append_audit(&e).await?)
}

/// One read for [`audit_reads`]: what was read, of which school.
pub struct Read {
    pub action: &'static str,
    pub subject_type: &'static str,
    pub subject_id: i64,
    pub school: SchoolId,
}

/// Records several reads made for one page in one transaction (one flush, not one per read).
pub async fn audit_reads(app: &App, staff: &Staff, reads: &[Read]) -> Result<()> {
    if reads.is_empty() {
        return Ok(());
    }
    let mut tx = app.db().begin().await?;
    for r in reads {
        let e = entry(
            app,
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
    app: &App,
    staff: &Staff,
    action: &str,
    subject_type: &'static str,
    subject_id: i64,
    school: SchoolId,
) -> Result<()> {
    let e = entry(
        app,
        staff,
        action,
        subject_type,
        subject_id,
        Some(school),
        serde_json::json!({}),
    );
    Ok(app.db().append_audit(&e).await?)
}
