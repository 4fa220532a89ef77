//! A9, need-to-know that holds: involvement with a child is granted by the DSL or the head, with
//! a reason and an end date ([`grant_involvement`]); someone with a real need outside it (covering
//! for an absent colleague) opens the records by typing a reason — "breaking the glass" — for a
//! short time the policy sets, and the DSL is told at once and sees every opening in one list
//! ([`break_glass`], [`break_glass_list`]). Every write carries its audit row in its transaction.

use crate::access::{
    can_see_school, may_break_glass, readable_pupil, require_any, school_in_scope,
};
use crate::audit::entry;
use crate::permissions::RECORD_OVERSEERS;
use crate::words::{a_pupil, open_in_doorstep};
use crate::{App, Refusal, Result, outbox};
use chrono::{DateTime, Duration, Utc};
use domain::text::MultiLine;
use domain::{PupilId, StaffId, inputs};
use serde::Deserialize;
use store::{AuditEntry, BreakGlass, InvolvementGrant, NewGrant, Pupil, School, Staff};

/// Why someone opens a child's records outside their involvement, in their words.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BreakGlassInput {
    /// At least 10 characters, e.g. "Covering Year 3 while Mrs Khan is off; visit on Friday".
    pub reason: MultiLine<1000>,
}

/// The DSL or the head lets a member of staff read one child's records until `ends_at`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantInput {
    pub staff_id: i64,
    /// When the involvement ends (UTC); at most a year ahead.
    pub ends_at: DateTime<Utc>,
    pub reason: MultiLine<1000>,
}

fn reason(text: &str) -> Result<String> {
    let r = inputs::text("reason", text, 1000)?;
    if r.chars().count() < 10 {
        return Err(Refusal::invalid(
            "reason",
            "say in a sentence why you need these records; it is recorded and the DSL reads it",
        ));
    }
    Ok(r)
}

/// The pupil and school, for a DSL or head of that school (a trust administrator is not one of
/// the school's people for a child). Errors: `NotFound("pupil")`, `Forbidden`.
async fn as_overseer(
    app: &App,
    me: &Staff,
    pupil: PupilId,
    doing: &str,
) -> Result<(Pupil, School)> {
    let (pupil, school) = readable_pupil(app, me, pupil).await?;
    require_any(me, &RECORD_OVERSEERS, doing)?;
    if me.school_id != Some(school.id) {
        return Err(Refusal::forbidden(format!(
            "only the DSL or the headteacher of {} may {doing}",
            school.name
        )));
    }
    Ok((pupil, school))
}

/// Whether to offer `me` the break-glass form for a child whose records are closed to them: the
/// minutes it would open them for (the policy's `records_access.break_glass_minutes`) when they
/// may break the glass ([`may_break_glass`]), `None` for anyone else, who is told "not found".
/// Errors: `NotFound("pupil")` for an unknown child.
pub async fn break_glass_offer(app: &App, me: &Staff, pupil: PupilId) -> Result<Option<u32>> {
    let db = app.db();
    let p = db
        .pupil(pupil)
        .await
        .map_err(|_| Refusal::not_found("pupil"))?;
    let school = db.school(p.school_id).await?;
    if !may_break_glass(me, &school) {
        return Ok(None);
    }
    let policy = db.current_policy(school.id).await?;
    Ok(Some(policy.settings.records_access.break_glass_minutes))
}

/// Opens the child's records for the policy's `records_access.break_glass_minutes`, from `now`.
/// The DSL (else the safeguarding team, else the head) is told at once, in the app and by
/// e-mail that the records were opened (who and why are read in Doorstep); audited as
/// `pupil.break_glass`. Errors: `NotFound("pupil")` for a
/// child outside the person's schools and for anyone who may not break the glass
/// ([`may_break_glass`]: the office, governors); `Invalid("reason")` under 10 characters or over 1,000;
/// `Conflict("pupil")` when the person already reads the records.
pub async fn break_glass(
    app: &App,
    me: &Staff,
    pupil: PupilId,
    input: &BreakGlassInput,
    now: DateTime<Utc>,
) -> Result<BreakGlass> {
    let db = app.db();
    // A database fault stays a fault (500/503), never "no such pupil".
    let p = db.pupil(pupil).await?;
    let school = db.school(p.school_id).await?;
    if !can_see_school(me, school.id, school.trust_id) {
        return Err(Refusal::not_found("pupil"));
    }
    match readable_pupil(app, me, pupil).await {
        Ok(_) => {
            return Err(Refusal::conflict(
                "pupil",
                "you can already read this child's records; there is no need to break the glass",
            ));
        }
        Err(Refusal::NotFound(_) | Refusal::Forbidden(_)) => {}
        // Not knowing whether they may read it is no reason to open it: the fault is answered.
        Err(other) => return Err(other),
    }
    if !may_break_glass(me, &school) {
        return Err(Refusal::not_found("pupil"));
    }
    let reason = reason(&input.reason)?;
    let minutes = db
        .current_policy(school.id)
        .await?
        .settings
        .records_access
        .break_glass_minutes;
    let ends_at = now + Duration::minutes(i64::from(minutes));
    let dsl = crate::safeguarding::concerns::dsl_of(app, &school, me).await?;
    let mut tx = db.begin().await?;
    let id = tx
        .insert_break_glass(school.id, pupil, me.id, &reason, now, ends_at)
        .await?;
    let mut e = entry(
        app,
        me,
        "pupil.break_glass",
        "pupil",
        pupil.0,
        Some(school.id),
        serde_json::json!({ "reason": reason, "minutes": minutes }),
    );
    e.at = now;
    tx.append_audit(&e).await?;
    // Neither the child's name nor the reason goes by e-mail (not a secure channel; the reason
    // often says why the child needs help): the DSL reads both on the Safeguarding page.
    let subject = format!("Break-glass: {} opened a child's records", me.name);
    let body = format!(
        "{} opened the safeguarding records of {} outside their involvement, for {minutes} minutes: \
         open Doorstep to read who and why.\n\n{}\n\nIf this was not expected, speak to {} today.",
        me.name,
        a_pupil(p.year_group.as_deref()),
        open_in_doorstep(app, "/safeguarding"),
        me.name
    );
    outbox::tell(
        &mut tx,
        &dsl,
        &format!("break-glass:{id}"),
        &subject,
        &body,
        None,
        now,
    )
    .await?;
    tx.commit().await?;
    app.wake_monitor();
    Ok(BreakGlass {
        id,
        pupil_id: pupil.0,
        pupil_name: p.name,
        staff_id: me.id.0,
        staff_name: me.name.clone(),
        reason,
        opened_at: now,
        ends_at,
    })
}

/// Every break-glass of the school, newest first (at most 500), for the DSL and the head; the
/// look is audited (`break_glass.list_read`). Errors: `Forbidden` for anyone else.
pub async fn break_glass_list(
    app: &App,
    me: &Staff,
    school_id: Option<i64>,
) -> Result<Vec<BreakGlass>> {
    let (rows, read) = break_glass_of_school(app, me, school_id).await?;
    app.db().append_audit(&read).await?;
    Ok(rows)
}

/// [`break_glass_list`] with its audit entry ("break_glass.list_read") for the caller to write.
pub(super) async fn break_glass_of_school(
    app: &App,
    me: &Staff,
    school_id: Option<i64>,
) -> Result<(Vec<BreakGlass>, AuditEntry)> {
    require_any(me, &RECORD_OVERSEERS, "see who broke the glass")?;
    let school = school_in_scope(app, me, school_id).await?;
    let rows = app.db().break_glass_of_school(school, 500).await?;
    let read = entry(
        app,
        me,
        "break_glass.list_read",
        "school",
        school.0,
        Some(school),
        serde_json::json!({}),
    );
    Ok((rows, read))
}

/// Grants a member of the child's school involvement until `ends_at`, with a reason; audited
/// (`pupil.involvement_granted`). Only the DSL or the head of the child's school. Errors:
/// `NotFound("pupil")`; `Forbidden`; `Invalid` naming `staff_id` (not active staff of the
/// school), `ends_at` (not in the next year) or `reason`.
pub async fn grant_involvement(
    app: &App,
    me: &Staff,
    pupil: PupilId,
    input: &GrantInput,
    now: DateTime<Utc>,
) -> Result<InvolvementGrant> {
    let (pupil, school) = as_overseer(app, me, pupil, "grant involvement with a child").await?;
    let staff = app
        .db()
        .staff(StaffId(input.staff_id))
        .await
        .ok()
        .filter(|s| s.active && s.school_id == Some(school.id))
        .ok_or_else(|| {
            Refusal::invalid("staff_id", "choose an active member of this school's staff")
        })?;
    if input.ends_at <= now || input.ends_at > now + Duration::days(366) {
        return Err(Refusal::invalid(
            "ends_at",
            "choose an end date within the next year",
        ));
    }
    let reason = reason(&input.reason)?;
    let mut tx = app.db().begin().await?;
    let id = tx
        .insert_involvement_grant(
            &NewGrant {
                school: school.id,
                pupil: pupil.id,
                staff: staff.id,
                granted_by: me.id,
                reason: &reason,
                ends_at: input.ends_at,
            },
            now,
        )
        .await?;
    let mut e = entry(
        app,
        me,
        "pupil.involvement_granted",
        "pupil",
        pupil.id.0,
        Some(school.id),
        serde_json::json!({ "grant": id, "staff_id": staff.id.0, "ends_at": input.ends_at, "reason": reason }),
    );
    e.at = now;
    tx.append_audit(&e).await?;
    tx.commit().await?;
    app.db()
        .involvement_grant(id)
        .await?
        .ok_or_else(|| Refusal::internal("the grant just stored cannot be read"))
}

/// The child's grants, newest first, for the DSL and the head of the child's school.
pub async fn involvement_grants(
    app: &App,
    me: &Staff,
    pupil: PupilId,
) -> Result<Vec<InvolvementGrant>> {
    let (pupil, _) = as_overseer(app, me, pupil, "see who is granted involvement").await?;
    Ok(app.db().involvement_grants(pupil.id).await?)
}

/// Ends a grant now; audited (`pupil.involvement_revoked`). Errors: `NotFound("grant")`,
/// `Forbidden`, `Conflict("grant")` when already ended.
pub async fn revoke_involvement(
    app: &App,
    me: &Staff,
    grant: i64,
    now: DateTime<Utc>,
) -> Result<InvolvementGrant> {
    let g = app
        .db()
        .involvement_grant(grant)
        .await?
        .ok_or_else(|| Refusal::not_found("grant"))?;
    let (pupil, school) = as_overseer(app, me, PupilId(g.pupil_id), "revoke involvement")
        .await
        .map_err(crate::access::hide_as("grant"))?;
    let mut tx = app.db().begin().await?;
    if !tx.revoke_involvement_grant(g.id, me.id, now).await? {
        return Err(Refusal::conflict(
            "grant",
            "this grant has already been ended",
        ));
    }
    let mut e = entry(
        app,
        me,
        "pupil.involvement_revoked",
        "pupil",
        pupil.id.0,
        Some(school.id),
        serde_json::json!({ "grant": g.id, "staff_id": g.staff_id }),
    );
    e.at = now;
    tx.append_audit(&e).await?;
    tx.commit().await?;
    Ok(app.db().involvement_grant(g.id).await?.unwrap_or(g))
}
