//! A4: safeguarding concerns, raised from a visit or a doorstep observation (or anything else a
//! member of staff notices), sent to the DSL at once — in the app and by e-mail, through the
//! outbox — and kept on the pupil's chronology.

use crate::access::{can_see_school, found, readable_concern, require_any, school_in_scope};
use crate::audit::entry;
use crate::permissions::{SAFEGUARDING_LEADS, reads_every_child};
use crate::school::{school_tz, staff_with};
use crate::words::{a_pupil, clock_time, open_in_doorstep};
use crate::{App, Refusal, Result, outbox};
use chrono::{DateTime, Utc};
use domain::safeguarding::{ConcernSource, not_in_future};
use domain::text::MultiLine;
use domain::{FieldError, PupilId, Role, VisitId};
use serde::{Deserialize, Serialize};
use store::{AuditEntry, NewSafeguardingConcern, SafeguardingConcern, School, Staff};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
// Named apart from the visit's `ConcernInput` (a safety concern about a visit).
#[schema(as = SafeguardingConcernInput)]
pub struct ConcernInput {
    pub concern: MultiLine<5000>,
    /// visit, doorstep_observation or other; "visit" when a visit is named, else "other".
    pub source: Option<ConcernSource>,
    pub visit_id: Option<i64>,
    /// The doorstep alarm (D6) this follows, if any.
    pub alarm_id: Option<i64>,
    /// When it was seen or heard; now if left out.
    pub observed_at: Option<DateTime<Utc>>,
}

#[derive(Serialize, utoipa::ToSchema)]
// Named apart from the alarm's `Raised`: one name in the API description holds one shape.
#[schema(as = ConcernRaised)]
pub struct Raised {
    pub concern: SafeguardingConcern,
    /// Who was told at once.
    pub told: Vec<String>,
}

/// The DSL and any deputy DSL; if the school has none on record, the safeguarding team; then
/// the head.
pub(crate) async fn dsl_of(app: &App, school: &School, except: &Staff) -> Result<Vec<Staff>> {
    for roles in [
        &[Role::Dsl, Role::DeputyDsl][..],
        &[Role::SafeguardingTeam],
        &[Role::Headteacher],
    ] {
        let people = staff_with(app, school, roles, Some(except.id)).await?;
        if !people.is_empty() {
            return Ok(people);
        }
    }
    Ok(vec![])
}

/// A4: any member of staff at the pupil's school raises a concern about a child; the DSL is told
/// at once (in the app and by e-mail) and the monitor is woken to deliver it. Raising needs no
/// access to the child's records. Errors: `NotFound("pupil")` outside the person's schools;
/// `Invalid` naming `concern`, `observed_at` (in the future), `visit_id` (not a visit to this
/// pupil) or `alarm_id` (not an alarm of this school).
pub async fn raise_concern(
    app: &App,
    me: &Staff,
    pupil: PupilId,
    input: &ConcernInput,
) -> Result<Raised> {
    let db = app.db();
    let pupil = db.pupil(pupil).await?;
    let school = db.school(pupil.school_id).await?;
    if !can_see_school(me, school.id, school.trust_id) {
        return Err(Refusal::not_found("pupil"));
    }
    let concern = input.concern.to_string();
    let now = app.now();
    let observed_at = input.observed_at.unwrap_or(now);
    not_in_future("observed_at", observed_at, now)?;
    let visit = match input.visit_id {
        Some(v) => {
            let visit = found(db.visit(VisitId(v)).await)?.filter(|v| v.pupil_id == pupil.id);
            Some(
                visit
                    .ok_or_else(|| FieldError::new("visit_id", "is not a visit to this pupil"))?
                    .id,
            )
        }
        None => None,
    };
    if let Some(a) = input.alarm_id {
        let alarm = found(db.alarm(a).await)?.filter(|a| a.school_id == school.id.0);
        if alarm.is_none() {
            return Err(FieldError::new("alarm_id", "is not an alarm at this school").into());
        }
    }
    let source = ConcernSource::or_default(input.source, visit.is_some());
    let dsl = dsl_of(app, &school, me).await?;
    let tz = school_tz(app, school.id).await?;
    let mut tx = db.begin().await?;
    let id = tx
        .raise_safeguarding_concern(
            &NewSafeguardingConcern {
                school: school.id,
                pupil: pupil.id,
                visit,
                alarm: input.alarm_id,
                source: source.as_str(),
                concern: &concern,
                observed_at,
                raised_by: me.id,
            },
            now,
        )
        .await?;
    // The message says only that a concern is waiting, about whom in a school's broad terms, and
    // who raised it when: e-mail is not a secure channel and a concern is special category data
    // (KCSIE), so its text and the child's name stay behind sign-in (and the second factor).
    let about = a_pupil(pupil.year_group.as_deref());
    let subject = "A safeguarding concern has been raised".to_string();
    let body = format!(
        "A safeguarding concern about {about} was raised by {} at {}: open Doorstep to read it.\n\n{}\n\nPlease record what you decide.",
        me.name,
        clock_time(now, tz),
        open_in_doorstep(app, "/safeguarding"),
    );
    let topic = format!("safeguarding:{id}");
    outbox::tell(&mut tx, &dsl, &topic, &subject, &body, visit, now).await?;
    let detail = serde_json::json!({ "concern": id, "source": source.as_str(), "told": dsl.iter().map(|s| s.id).collect::<Vec<_>>() });
    if let Some(v) = visit {
        tx.add_visit_event(v, "safeguarding_concern_raised", Some(me.id), now, &detail)
            .await?;
    }
    let e = entry(
        app,
        me,
        "safeguarding_concern.raise",
        "pupil",
        pupil.id.0,
        Some(school.id),
        detail,
    );
    tx.append_audit(&e).await?;
    let concern = tx.safeguarding_concern(id).await?;
    tx.commit().await?;
    // "At once": the monitor delivers the outbox now rather than on its next tick.
    app.wake_monitor();
    Ok(Raised {
        concern,
        told: dsl.into_iter().map(|s| s.name).collect(),
    })
}

/// One concern, for whoever may read the child's records (A9); the read is audited against the
/// pupil. Error: `NotFound("safeguarding concern")` for anyone else.
pub async fn concern(app: &App, me: &Staff, id: i64) -> Result<SafeguardingConcern> {
    let (c, pupil, school) = readable_concern(app, me, id).await?;
    let e = entry(
        app,
        me,
        "safeguarding_concern.read",
        "pupil",
        pupil.id.0,
        Some(school.id),
        serde_json::json!({ "concern": c.id }),
    );
    app.db().append_audit(&e).await?;
    Ok(c)
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgeInput {
    /// What the DSL decided or did (referral to social care, monitor, no further action...).
    pub note: MultiLine<5000>,
}

/// The DSL (or the safeguarding team, or the head) has the concern in hand and records what they
/// decided. Errors: `NotFound("safeguarding concern")`; `Forbidden` for other readers; `Invalid`
/// `note`; `Conflict` when it is already acknowledged.
pub async fn acknowledge_concern(
    app: &App,
    me: &Staff,
    id: i64,
    input: &AcknowledgeInput,
) -> Result<SafeguardingConcern> {
    let (c, pupil, school) = readable_concern(app, me, id).await?;
    require_any(
        me,
        &SAFEGUARDING_LEADS,
        "acknowledge a safeguarding concern",
    )?;
    let note = input.note.to_string();
    let now = app.now();
    let mut tx = app.db().begin().await?;
    tx.acknowledge_safeguarding_concern(c.id, me.id, &note, now)
        .await?;
    let e = entry(
        app,
        me,
        "safeguarding_concern.acknowledge",
        "pupil",
        pupil.id.0,
        Some(school.id),
        serde_json::json!({ "concern": c.id }),
    );
    tx.append_audit(&e).await?;
    let c = tx.safeguarding_concern(c.id).await?;
    tx.commit().await?;
    Ok(c)
}

#[derive(Default, Deserialize, utoipa::IntoParams)]
pub struct ConcernQuery {
    pub school_id: Option<i64>,
    /// Only concerns the DSL has not yet acknowledged.
    pub open: Option<bool>,
}

/// The school's safeguarding concerns, newest first (at most 500), for the DSL, the safeguarding
/// team and the head of that school; the look is audited. Errors: `Forbidden` for anyone else;
/// `Invalid("school_id")` for a school the person does not work in; `SecondFactor` without a
/// recent step-up.
pub async fn list_concerns(
    app: &App,
    me: &Staff,
    q: &ConcernQuery,
) -> Result<Vec<SafeguardingConcern>> {
    let (list, read) = concerns_of_school(app, me, q).await?;
    app.db().append_audit(&read).await?;
    Ok(list)
}

/// [`list_concerns`] with its audit entry ("safeguarding_concern.list_read") for the caller to
/// write (with another read's, in one transaction).
pub(super) async fn concerns_of_school(
    app: &App,
    me: &Staff,
    q: &ConcernQuery,
) -> Result<(Vec<SafeguardingConcern>, AuditEntry)> {
    let school = school_in_scope(app, me, q.school_id).await?;
    if !(reads_every_child(me) && me.school_id == Some(school)) {
        return Err(Refusal::forbidden(
            "only the DSL, the safeguarding team or the headteacher may list safeguarding concerns",
        ));
    }
    crate::second_factor::require(app, me, school).await?;
    let list = app
        .db()
        .safeguarding_concerns_of_school(school, q.open.unwrap_or(false))
        .await?;
    let e = entry(
        app,
        me,
        "safeguarding_concern.list_read",
        "school",
        school.0,
        Some(school),
        serde_json::json!({ "count": list.len() }),
    );
    Ok((list, e))
}
