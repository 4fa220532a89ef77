//! A10: allegations against staff and parents' concerns about a visit, recorded apart from the
//! pupil's record and read only by the head (SEN Trust: "Responding to any issues or concerns
//! raised by parents or carers about home visits"; "allegations ... in accordance with our
//! allegations against staff policy").
//!
//! Anyone at the school may record one; only the headteacher reads it back. An allegation about
//! a headteacher goes to the school's chair of governors and the trust's administrators instead,
//! as "Keeping children safe in education" has it: no headteacher of the school reads it, and
//! none is told. Nobody else is told it exists: reads are "not found".

use crate::access::{
    can_see_school, found, may_read_head_only, readable_head_only, school_in_scope, unknown,
};
use crate::audit::entry;
use crate::permissions::HEAD_ONLY_READERS;
use crate::school::{school_tz, staff_with};
use crate::words::short_datetime;
use crate::{App, Refusal, Result, outbox, second_factor};
use chrono::{DateTime, Utc};
use domain::safeguarding::{HeadOnlyKind, not_in_future};
use domain::text::{Line, MultiLine};
use domain::{FieldError, PupilId, Role, StaffId, VisitId};
use serde::{Deserialize, Serialize};
use store::{HeadOnlyRecord, NewHeadOnlyRecord, School, Staff};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordInput {
    pub kind: HeadOnlyKind,
    pub visit_id: Option<i64>,
    pub pupil_id: Option<i64>,
    /// The member of staff an allegation is about.
    pub about_staff_id: Option<i64>,
    /// Who made it ("Jo Smith, mother, by phone").
    pub raised_by_name: Line<300>,
    /// When it was received; now if left out.
    pub received_at: Option<DateTime<Utc>>,
    pub account: MultiLine<10000>,
}

/// What the person who recorded it is told: that it reached the head, not its content.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Receipt {
    pub id: i64,
    pub kind: &'static str,
    pub recorded_at: DateTime<Utc>,
    pub visible_to: &'static str,
    /// Whether it went to the chair of governors and the trust (it is about a headteacher).
    #[serde(skip)]
    pub to_chair: bool,
}

/// Who reads a record about `about`: the school's head, or, about a headteacher, the chair of
/// governors and the trust's administrators who are not heads themselves.
async fn readers(
    app: &App,
    school: &School,
    about: Option<&Staff>,
    about_head: bool,
) -> Result<Vec<Staff>> {
    let except = about.map(|a| a.id);
    if !about_head {
        return staff_with(app, school, &[Role::Headteacher], except).await;
    }
    let mut chair = staff_with(app, school, &[Role::ChairOfGovernors], except).await?;
    chair.extend(
        app.db()
            .staff_list(school.trust_id, None)
            .await?
            .into_iter()
            .filter(|x| {
                x.active && x.roles.has(Role::TrustAdmin) && !x.roles.has(Role::Headteacher)
            }),
    );
    Ok(chair)
}

/// A10: records an allegation against staff or a parent's concern, for the head (or, about the
/// head, the chair and the trust), who is told something is waiting but not what. Errors:
/// `Invalid` naming `visit_id`, `pupil_id`, `about_staff_id`, `raised_by_name`, `account` or
/// `received_at` (in the future).
pub async fn record_head_only(app: &App, me: &Staff, input: &RecordInput) -> Result<Receipt> {
    let db = app.db();
    let visit = match input.visit_id {
        Some(v) => Some(
            db.visit(VisitId(v))
                .await
                .map_err(|e| unknown("visit_id", "no such visit")(e.into()))?,
        ),
        None => None,
    };
    let pupil =
        match input.pupil_id {
            Some(p) => Some(db.pupil(PupilId(p)).await.map_err(|e| {
                unknown("pupil_id", "Choose a pupil on your school's roll")(e.into())
            })?),
            None => None,
        };
    let school = visit
        .as_ref()
        .map(|v| v.school_id)
        .or(pupil.as_ref().map(|p| p.school_id))
        .or(me.school_id)
        .ok_or_else(|| FieldError::new("visit_id", "name the visit or pupil this is about"))?;
    let s = db.school(school).await?;
    if !can_see_school(me, s.id, s.trust_id) {
        return Err(FieldError::new("visit_id", "no such visit").into());
    }
    if let (Some(v), Some(p)) = (&visit, &pupil)
        && v.pupil_id != p.id
    {
        return Err(FieldError::new("pupil_id", "is not the pupil of that visit").into());
    }
    let about = match input.about_staff_id {
        Some(id) => Some(
            found(db.staff(StaffId(id)).await)?
                .filter(|x| x.school_id == Some(school))
                .ok_or_else(|| {
                    FieldError::new("about_staff_id", "is not a member of staff at this school")
                })?,
        ),
        None => None,
    };
    let raised_by_name = input.raised_by_name.to_string();
    let account = input.account.to_string();
    let now = app.now();
    let received_at = input.received_at.unwrap_or(now);
    not_in_future("received_at", received_at, now)?;
    let about_head = about
        .as_ref()
        .is_some_and(|a| a.roles.has(Role::Headteacher));
    let readers = readers(app, &s, about.as_ref(), about_head).await?;
    let tz = school_tz(app, school).await?;
    let mut tx = db.begin().await?;
    let id = tx
        .create_head_only_record(
            &NewHeadOnlyRecord {
                school,
                kind: input.kind.as_str(),
                visit: visit.as_ref().map(|v| v.id),
                pupil: pupil.as_ref().map(|p| p.id),
                about_staff: about.as_ref().map(|a| a.id),
                raised_by_name: &raised_by_name,
                received_at,
                account: &account,
                recorded_by: me.id,
            },
            now,
        )
        .await?;
    // The message says only that something is waiting: its content stays in the app.
    let what = input.kind.waiting();
    let subject = format!("{what} has been recorded for you");
    let body = format!(
        "{what} was recorded by {} at {} (record {id}). Read it in Doorstep.",
        me.name,
        short_datetime(now, tz)
    );
    let topic = format!("head_only:{id}");
    outbox::tell(&mut tx, &readers, &topic, &subject, &body, None, now).await?;
    // The trail says a record was made, not what it says or whom it is about.
    let e = entry(
        app,
        me,
        "head_only_record.create",
        "head_only_record",
        id,
        Some(school),
        serde_json::json!({}),
    );
    tx.append_audit(&e).await?;
    tx.commit().await?;
    Ok(Receipt {
        id,
        kind: input.kind.as_str(),
        recorded_at: now,
        visible_to: if about_head {
            "the chair of governors and the trust's administrators"
        } else {
            "the headteacher"
        },
        to_chair: about_head,
    })
}

/// One record, for the head (or, about the head, the chair and the trust); the read is audited.
/// Errors: `NotFound("record")` for anyone else; `SecondFactor` without a recent step-up.
pub async fn head_only_record(app: &App, me: &Staff, id: i64) -> Result<HeadOnlyRecord> {
    let r = readable_head_only(app, me, id).await?;
    second_factor::require(app, me, r.school_id).await?;
    let e = entry(
        app,
        me,
        "head_only_record.read",
        "head_only_record",
        r.id,
        Some(r.school_id),
        serde_json::json!({}),
    );
    app.db().append_audit(&e).await?;
    Ok(r)
}

#[derive(Default, Deserialize, utoipa::IntoParams)]
pub struct HeadOnlyQuery {
    pub school_id: Option<i64>,
}

/// The school's records this person may read, newest first: the head's, or for the chair of
/// governors and the trust's administrators those about a headteacher. The look is audited.
/// Errors: `Forbidden` for anyone who reads none; `Invalid("school_id")`; `SecondFactor`
/// without a recent step-up.
pub async fn head_only_records(
    app: &App,
    me: &Staff,
    q: &HeadOnlyQuery,
) -> Result<Vec<HeadOnlyRecord>> {
    let school = school_in_scope(app, me, q.school_id).await?;
    if !me.roles.any_of(&HEAD_ONLY_READERS) {
        return Err(Refusal::forbidden(
            "only the headteacher (or, about the head, the chair of governors) reads these records",
        ));
    }
    second_factor::require(app, me, school).await?;
    let mut list = Vec::new();
    for r in app.db().head_only_records(school).await? {
        if may_read_head_only(app, me, r.school_id, r.about_staff_id).await? {
            list.push(r);
        }
    }
    let e = entry(
        app,
        me,
        "head_only_record.list_read",
        "school",
        school.0,
        Some(school),
        serde_json::json!({ "count": list.len() }),
    );
    app.db().append_audit(&e).await?;
    Ok(list)
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseInput {
    pub outcome: MultiLine<5000>,
}

/// Its reader records how it was dealt with. Errors: `NotFound("record")`; `Invalid("outcome")`;
/// `Conflict("record")` when it is already closed.
pub async fn close_head_only(
    app: &App,
    me: &Staff,
    id: i64,
    input: &CloseInput,
) -> Result<HeadOnlyRecord> {
    let r = readable_head_only(app, me, id).await?;
    second_factor::require(app, me, r.school_id).await?;
    let outcome = input.outcome.to_string();
    let now = app.now();
    let mut tx = app.db().begin().await?;
    tx.close_head_only_record(r.id, me.id, &outcome, now)
        .await?;
    let e = entry(
        app,
        me,
        "head_only_record.close",
        "head_only_record",
        r.id,
        Some(r.school_id),
        serde_json::json!({}),
    );
    tx.append_audit(&e).await?;
    let r = tx.head_only_record(r.id).await?;
    tx.commit().await?;
    Ok(r)
}
