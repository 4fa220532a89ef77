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
/// A code-word read ([`once_a_day`]) already recorded today is not written again.
pub async fn audit_reads(app: &App, staff: &Staff, reads: &[Read]) -> Result<()> {
    let mut new = Vec::new();
    for r in reads {
        if !already_recorded_today(app, staff, r.action, r.subject_type, r.subject_id).await? {
            new.push(r);
        }
    }
    if new.is_empty() {
        return Ok(());
    }
    let mut tx = app.db().begin().await?;
    for r in new {
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

/// Reads recorded once per record per person per UTC day (C7): the code word shown with a visit
/// (`visit.read_with_code_word`). The visitors and the buddy look at the Today page again and
/// again while out; one row a day still says who was shown the word, and the first read of
/// anyone new is always written.
pub const ONCE_A_DAY: [&str; 1] = ["visit.read_with_code_word"];

/// Whether `action` is one of [`ONCE_A_DAY`].
pub fn once_a_day(action: &str) -> bool {
    ONCE_A_DAY.contains(&action)
}

/// Whether a [`once_a_day`] read by `staff` of the subject is already in the trail since
/// midnight UTC today (always `false` for any other action).
async fn already_recorded_today(
    app: &App,
    staff: &Staff,
    action: &str,
    subject_type: &str,
    subject_id: i64,
) -> Result<bool> {
    if !once_a_day(action) {
        return Ok(false);
    }
    let midnight = app
        .now()
        .date_naive()
        .and_time(chrono::NaiveTime::MIN)
        .and_utc();
    Ok(app
        .db()
        .audited_since(staff.id, action, (subject_type, subject_id), midnight)
        .await?)
}

/// Like [`audit`] for a record of a known school. A code-word read ([`once_a_day`]) already
/// recorded today is not written again.
pub async fn audit_read(
    app: &App,
    staff: &Staff,
    action: &str,
    subject_type: &'static str,
    subject_id: i64,
    school: SchoolId,
) -> Result<()> {
    if already_recorded_today(app, staff, action, subject_type, subject_id).await? {
        return Ok(());
    }
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
