//! The steps of a visit's life, one use case each: request (P9), authorise / decline / ask for
//! changes (P9, P10), sign out (D1), arrived (D2), nobody home (D9), left (A1, D7), back (A1),
//! record completed and cancelled (A7), cancelled at the door (D6). Each is one transaction ([`super::step::take`]) and
//! answers with the visit as the person may see it.

use super::TapInput;
use super::read::VisitDetail;
use super::step::{StepRecord, take};
use crate::access::{
    authorises_not_own, require_any, visible_visit, visit_as_visitor, visit_to_act_on,
};
use crate::{App, Result};
use chrono::{DateTime, Utc};
use domain::inputs;
use domain::policy::{Stage, check_advisory_reason};
use domain::text::MultiLine;
use domain::visit::DoorReason;
use domain::visit::VisitStep;
use domain::{FieldError, VisitId};
use serde::Deserialize;
use serde_json::json;
use store::Staff;

/// A request for authorisation.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestInput {
    /// Why the visit goes ahead although a rule the policy only advises is unmet ("in pairs
    /// where possible"): a few words, kept with the visit and shown to the authoriser.
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub advisory_reason: Option<MultiLine<2000>>,
}

/// Asks for authorisation. Errors: `Forbidden` for someone not on the visit nor of its school's
/// leaders and office; `Invalid("advisory_reason")` for a reason of fewer than 3 words or over
/// 1000 characters; `IllegalStep` unless a draft or changes were asked for; `Unmet` naming
/// every rule the plan breaks (the school's policy at the request stage) — the advisory ones
/// marked `advisory`, which a reason lets through.
pub async fn request(
    app: &App,
    me: &Staff,
    id: VisitId,
    input: RequestInput,
) -> Result<VisitDetail> {
    let visit = visit_to_act_on(app, me, id, "request this visit").await?;
    let reason = match input.advisory_reason.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(check_advisory_reason(text)?),
    };
    let mut record = StepRecord::simple(VisitStep::Request { by: me.id }, "requested");
    record.stage = Some(Stage::Request);
    record.advisory_reason = reason;
    take(app, me, &visit, record).await
}

/// The authoriser's approval (P9).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthoriseInput {
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub comment: Option<MultiLine<2000>>,
    /// P10: the caution flags the authoriser has read and acknowledges.
    #[serde(default)]
    pub acknowledge_cautions: Vec<i64>,
}

/// P9: the authoriser approves, acknowledging each caution flag (P10). Errors: `Forbidden`
/// unless the person holds a role the policy names to authorise, or when they are one of the
/// visitors ([`authorises_not_own`]); `Invalid("comment")` over 2000
/// characters; `Invalid("acknowledge_cautions[i]")` for a flag not on the household;
/// `IllegalStep` unless requested; `Unmet` for every rule still unmet at the authorise stage.
pub async fn authorise(
    app: &App,
    me: &Staff,
    id: VisitId,
    input: AuthoriseInput,
) -> Result<VisitDetail> {
    let visit = visible_visit(app, me, id).await?;
    let policy = app.policy_version(visit.policy_version_id).await?;
    require_any(
        me,
        &policy.settings.authorisation.roles,
        "authorise a visit under this school's policy",
    )?;
    authorises_not_own(me, &visit)?;
    let comment = input.comment.as_deref().map(str::to_string);
    let record = StepRecord {
        step: VisitStep::Authorise { by: me.id },
        event: "authorised",
        detail: json!({ "comment": comment, "policy_version": policy.version }),
        decision: Some(("authorised", comment)),
        acknowledge: input.acknowledge_cautions,
        stage: Some(Stage::Authorise),
        office_log: false,
        advisory_reason: None,
        left_early: false,
        tapped_at: None,
        tell_buddy: None,
    };
    take(app, me, &visit, record).await
}

/// A decision that must say why.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentInput {
    pub comment: MultiLine<2000>,
}

/// P9: the authoriser declines, saying why. Errors as [`authorise`]; `Invalid("comment")` when
/// the comment is empty.
pub async fn decline(
    app: &App,
    me: &Staff,
    id: VisitId,
    input: CommentInput,
) -> Result<VisitDetail> {
    decide(app, me, id, &input.comment, false).await
}

/// P9: the authoriser asks for changes to the plan, saying which. Errors as [`decline`].
pub async fn request_changes(
    app: &App,
    me: &Staff,
    id: VisitId,
    input: CommentInput,
) -> Result<VisitDetail> {
    decide(app, me, id, &input.comment, true).await
}

async fn decide(
    app: &App,
    me: &Staff,
    id: VisitId,
    comment: &str,
    changes: bool,
) -> Result<VisitDetail> {
    let visit = visible_visit(app, me, id).await?;
    let policy = app.policy_version(visit.policy_version_id).await?;
    require_any(
        me,
        &policy.settings.authorisation.roles,
        "decide on a visit under this school's policy",
    )?;
    let comment = inputs::text("comment", comment, 2000)?;
    let (step, event) = if changes {
        let step = VisitStep::RequestChanges {
            by: me.id,
            comment: comment.clone(),
        };
        (step, "changes_requested")
    } else {
        let step = VisitStep::Decline {
            by: me.id,
            comment: comment.clone(),
        };
        (step, "declined")
    };
    let mut record = StepRecord::with_detail(step, event, json!({ "comment": comment }));
    record.decision = Some((event, Some(comment)));
    take(app, me, &visit, record).await
}

/// D1: signs the visitors out of school, writing the office log (REAch2 Appendix 3); the safety
/// monitor starts watching. Errors: `IllegalStep` unless authorised; `Unmet` for every rule
/// unmet at the sign-out stage, and (G2) for each visitor who has not confirmed reading the
/// current policy when it asks that.
pub async fn sign_out(app: &App, me: &Staff, id: VisitId) -> Result<VisitDetail> {
    let visit = visit_to_act_on(app, me, id, "sign this visit out").await?;
    crate::school_admin::require_read_before_sign_out(app.db(), &visit).await?;
    let mut record = StepRecord::simple(VisitStep::SignOut, "signed_out");
    record.stage = Some(Stage::SignOut);
    record.office_log = true;
    take(app, me, &visit, record).await
}

/// D2: arrived at the property, now. Errors: `IllegalStep` unless signed out.
pub async fn arrived(app: &App, me: &Staff, id: VisitId) -> Result<VisitDetail> {
    super::arrived_tapped(app, me, id, TapInput::default()).await
}

/// D9: nobody answered; a slip or card is left. Errors: `IllegalStep` unless out.
pub async fn nobody_home(app: &App, me: &Staff, id: VisitId) -> Result<VisitDetail> {
    super::nobody_home_tapped(app, me, id, TapInput::default()).await
}

/// Leaving the property.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeftInput {
    /// D7: left early because staff felt unsafe.
    #[serde(default)]
    pub early_for_safety: bool,
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub note: Option<MultiLine<2000>>,
    /// When it was tapped (UTC), for a tap sent later from the phone's offline queue.
    #[serde(default)]
    pub tapped_at: Option<DateTime<Utc>>,
}

/// A1: left the property. D7: early, for safety — the buddy and the DSL are told at once in the
/// app, by text and by e-mail (durably, with the step), the event's detail names them (`told`),
/// and the answer's `report_incident` links to the incident form. Audited as
/// "visit.left_property". At `tapped_at` when sent later from the phone's offline queue.
/// Errors: `Invalid("note")` over 2000 characters; `Invalid("tapped_at")` outside
/// [`domain::tap::tap_time`]'s bounds; `IllegalStep` unless
/// at the property or nobody was home.
pub async fn left(app: &App, me: &Staff, id: VisitId, input: LeftInput) -> Result<VisitDetail> {
    let note = input.note.as_deref().map(str::to_string);
    let visit = visit_as_visitor(app, me, id, "record leaving").await?;
    let step = VisitStep::LeaveProperty {
        early_for_safety: input.early_for_safety,
    };
    let detail = json!({ "early_for_safety": input.early_for_safety, "note": note });
    let mut record = StepRecord::with_detail(step, "left_property", detail).tapped(input.tapped_at);
    record.left_early = input.early_for_safety;
    take(app, me, &visit, record).await
}

/// Back at school, or home safely.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnedInput {
    /// true: home safely rather than back at school.
    #[serde(default)]
    pub at_home: bool,
    /// When it was tapped (UTC), for a tap sent later from the phone's offline queue.
    #[serde(default)]
    pub tapped_at: Option<DateTime<Utc>>,
}

/// A1: back at school (signed in) or home safely; the safety monitor stops watching and open
/// alarms of lateness are resolved; at `tapped_at` when sent later from the phone's offline
/// queue. Errors: `Invalid("tapped_at")` outside [`domain::tap::tap_time`]'s bounds;
/// `IllegalStep` unless the visitors left the property (or called the visit off on the way).
pub async fn returned(
    app: &App,
    me: &Staff,
    id: VisitId,
    input: ReturnedInput,
) -> Result<VisitDetail> {
    let visit = visit_as_visitor(app, me, id, "record the return").await?;
    let step = VisitStep::Return {
        at_home: input.at_home,
    };
    let detail = json!({ "at_home": input.at_home });
    take(
        app,
        me,
        &visit,
        StepRecord::with_detail(step, "returned", detail).tapped(input.tapped_at),
    )
    .await
}

/// The visit's record is complete. Errors: `IllegalStep` unless the visitors are back.
pub async fn complete_record(app: &App, me: &Staff, id: VisitId) -> Result<VisitDetail> {
    let visit = visit_to_act_on(app, me, id, "complete the record").await?;
    let record = StepRecord::simple(VisitStep::CompleteRecord, "record_completed");
    take(app, me, &visit, record).await
}

/// Why a visit is cancelled.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelInput {
    pub reason: MultiLine<1000>,
}

/// Cancels a visit that has not started (A7: it should then be rescheduled).
/// Errors: `Invalid("reason")` when empty or over 1000 characters; `IllegalStep` once out.
pub async fn cancel(app: &App, me: &Staff, id: VisitId, input: CancelInput) -> Result<VisitDetail> {
    let reason = input.reason.to_string();
    let visit = visit_to_act_on(app, me, id, "cancel this visit").await?;
    let step = VisitStep::Cancel {
        reason: reason.clone(),
    };
    let detail = json!({ "reason": reason });
    take(
        app,
        me,
        &visit,
        StepRecord::with_detail(step, "cancelled", detail),
    )
    .await
}

/// Calling an arrived visit off at the door.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelAtDoorInput {
    /// `animals_not_secured`, `no_responsible_adult`, `child_alone` or `other`.
    pub reason: String,
    /// What happened, in the staff's words; required for `other`.
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub note: Option<MultiLine<1000>>,
}

/// D6: the visitors at the door do not go in (SEN Trust Southend: "cancel the visit if the
/// responsible adult refuses" to secure animals; St Joseph's: no responsible adult, a child
/// alone). The visit is cancelled at the door; the monitor keeps watching until they are back,
/// then it may be planned again ([`super::reschedule`]). Errors: `Invalid("reason")` for a
/// reason not in the list; `Invalid("note")` when `other` has no note or a note is over 1000
/// characters; `IllegalStep` unless arrived.
pub async fn cancel_at_door(
    app: &App,
    me: &Staff,
    id: VisitId,
    input: CancelAtDoorInput,
) -> Result<VisitDetail> {
    let Some(reason) = DoorReason::parse(input.reason.trim()) else {
        let keys: Vec<_> = DoorReason::ALL.iter().map(|r| r.as_str()).collect();
        return Err(FieldError::new(
            "reason",
            format!(
                "say why the visit was called off at the door: one of {}",
                keys.join(", ")
            ),
        )
        .into());
    };
    let note = input.note.as_deref().map(str::to_string);
    if reason == DoorReason::Other && note.is_none() {
        return Err(FieldError::new("note", "say why the visit was called off at the door").into());
    }
    let visit = visit_to_act_on(app, me, id, "cancel this visit at the door").await?;
    let detail = json!({ "reason": reason.as_str(), "note": note });
    let step = VisitStep::CancelAtDoor { reason, note };
    take(
        app,
        me,
        &visit,
        StepRecord::with_detail(step, "cancelled_at_door", detail),
    )
    .await
}
