//! G2 and the G1 review: staff confirm they have read the current version of the policy, the
//! head sees who has not, sign-out can wait for it; and the head is reminded a month before the
//! policy's review date, once per review.

use crate::access::require_any;
use crate::access::visible_school as school;
use crate::permissions::SCHOOL_ADMINS;
use crate::{App, Refusal, Result, audit, outbox};
use chrono::{DateTime, Months, NaiveDate, Utc};
use domain::policy::Unmet;
use domain::{Role, SchoolId};
use serde::Serialize;
use serde_json::json;
use store::{Db, Staff, Visit};

/// Who has confirmed reading the school's current policy.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AcknowledgementStatus {
    pub version: i64,
    #[schema(value_type = String, format = Date)]
    pub review_due: NaiveDate,
    /// Active staff of the school (not governors or trust administrators).
    pub staff: usize,
    pub acknowledged: usize,
    /// Names of those who have not confirmed reading this version yet.
    pub not_yet: Vec<String>,
}

/// The school's own staff who are asked to read the policy.
fn readers(all: Vec<Staff>, school: SchoolId) -> Vec<Staff> {
    all.into_iter()
        .filter(|s| s.active && s.school_id == Some(school))
        .filter(|s| !s.roles.any_of(&[Role::ChairOfGovernors, Role::TrustAdmin]))
        .collect()
}

/// The acknowledgement counts of the school's current version, with its review date: the
/// governors' report reads it through `reports::policy_acknowledgements`. No access check.
pub async fn acknowledgement_status_of(db: &Db, id: SchoolId) -> Result<AcknowledgementStatus> {
    let school = db.school(id).await?;
    let current = db.current_policy(id).await?;
    let read = db.policy_acknowledgements(current.id).await?;
    let staff = readers(db.staff_list(school.trust_id, Some(id)).await?, id);
    let not_yet: Vec<String> = staff
        .iter()
        .filter(|s| !read.iter().any(|(who, _)| *who == s.id))
        .map(|s| s.name.clone())
        .collect();
    Ok(AcknowledgementStatus {
        version: current.version,
        review_due: current.review_due,
        staff: staff.len(),
        acknowledged: staff.len() - not_yet.len(),
        not_yet,
    })
}

/// G2: who has and has not confirmed reading the current version. Errors: `NotFound("school")`;
/// `Forbidden` unless the head or a trust administrator.
pub async fn acknowledgement_status(
    app: &App,
    me: &Staff,
    id: SchoolId,
) -> Result<AcknowledgementStatus> {
    let school = school(app, me, id).await?;
    require_any(me, &SCHOOL_ADMINS, "see who has read the policy")?;
    acknowledgement_status_of(app.db(), school.id).await
}

/// G2: the person confirms they have read the school's current version (once; again later keeps
/// the first time). Audited as `policy.acknowledge`. Returns the version confirmed.
/// Errors: `NotFound("school")`; `Forbidden` for someone who does not work at the school.
pub async fn acknowledge_policy(
    app: &App,
    me: &Staff,
    id: SchoolId,
    now: DateTime<Utc>,
) -> Result<i64> {
    let school = school(app, me, id).await?;
    if me.school_id != Some(school.id) {
        return Err(Refusal::forbidden(
            "only the school's own staff confirm reading its policy",
        ));
    }
    let mut tx = app.db().begin().await?;
    let current = tx.current_policy(school.id).await?;
    tx.acknowledge_policy(current.id, me.id, now).await?;
    let detail = json!({ "version": current.version });
    let e = audit::entry(
        app,
        me,
        "policy.acknowledge",
        "school",
        school.id.0,
        Some(school.id),
        detail,
    );
    tx.append_audit(&e).await?;
    tx.commit().await?;
    Ok(current.version)
}

/// G2 at sign-out: when the school's current policy asks it (`acknowledgement.before_sign_out`),
/// every visitor must have confirmed reading the current version. Errors: `Unmet` (G2) naming
/// each visitor who has not.
pub async fn require_read_before_sign_out(db: &Db, visit: &Visit) -> Result<()> {
    let current = db.current_policy(visit.school_id).await?;
    if !current.settings.acknowledgement.before_sign_out {
        return Ok(());
    }
    let read = db.policy_acknowledgements(current.id).await?;
    let unmet: Vec<Unmet> = visit
        .staff
        .iter()
        .filter(|s| !read.iter().any(|(who, _)| *who == s.staff_id))
        .map(|s| Unmet {
            requirement: "G2",
            rule: "acknowledgement.before_sign_out",
            advisory: false,
            why: format!(
                "{} has not confirmed reading version {} of {}; read it on the policy page and confirm before signing out.",
                s.name, current.version, current.settings.name
            ),
        })
        .collect();
    if unmet.is_empty() {
        Ok(())
    } else {
        Err(Refusal::Unmet(unmet))
    }
}

/// G1: reminds the head of each school whose policy's review falls due within a month, in the
/// app and by e-mail, once per review date (claimed, so safe from several instances). Called by
/// the safety monitor's pass; returns how many schools were reminded.
pub async fn remind_policy_reviews(db: &Db, now: DateTime<Utc>) -> Result<usize> {
    let horizon = now
        .date_naive()
        .checked_add_months(Months::new(1))
        .unwrap_or(NaiveDate::MAX);
    let mut reminded = 0;
    for (id, due) in db.reviews_to_remind(horizon).await? {
        let school = db.school(id).await?;
        let policy = db.current_policy(id).await?;
        let heads: Vec<Staff> = db
            .staff_list(school.trust_id, Some(id))
            .await?
            .into_iter()
            .filter(|s| s.active && s.roles.has(Role::Headteacher))
            .collect();
        let mut tx = db.begin().await?;
        if !tx.claim_review_reminder(id, due, now).await? {
            continue;
        }
        let subject = format!(
            "{} is due for review on {}",
            policy.settings.name,
            due.format("%-d %B %Y")
        );
        let body = format!(
            "{} at {} (version {}, approved by {}) is due for review on {}. Review it on the policy page in Doorstep; a change goes to {} for approval.",
            policy.settings.name,
            school.name,
            policy.version,
            policy.approved_by,
            due.format("%-d %B %Y"),
            policy.settings.approver,
        );
        let topic = format!("policy:{}:review:{due}", id.0);
        outbox::tell(&mut tx, &heads, &topic, &subject, &body, None, now).await?;
        tx.commit().await?;
        reminded += 1;
    }
    Ok(reminded)
}

/// Whether `me` has confirmed reading the current version of the policy of `school` (G2);
/// false for another school's policy, which they are not asked to read.
pub async fn has_read_current(app: &App, me: &Staff, school: SchoolId) -> Result<bool> {
    if me.school_id != Some(school) {
        return Ok(false);
    }
    let db = app.db();
    let who = me.id;
    let current = db.current_policy(school).await?;
    let read = db.policy_acknowledgements(current.id).await?;
    Ok(read.iter().any(|(s, _)| *s == who))
}
