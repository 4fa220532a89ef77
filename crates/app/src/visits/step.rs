//! One step of a visit's life, written as one transaction: the visit row locked (PostgreSQL),
//! read again, the step checked against the lifecycle and, where the step has one, against the
//! school's policy; then the new state, the safety monitor's watch, any acknowledged caution
//! flags and decision, the visit's event and the audit row. A refusal at any point writes nothing.

use super::facts;
use super::read::{VisitDetail, detail};
use crate::{App, Refusal, Result, audit};
use chrono::{DateTime, Utc};
use domain::policy::Channel;
use domain::policy::Stage;
use domain::visit::{VisitStep, apply_under};
use domain::{CautionFlagId, FieldError, StaffId, VehicleId};
use serde_json::{Value, json};
use store::{Staff, Tx, Visit};

/// What one step writes besides the new state.
pub(super) struct StepRecord {
    pub step: VisitStep,
    /// The event's name; the audit action is `visit.<event>`.
    pub event: &'static str,
    pub detail: Value,
    /// A decision on the request (P9), with its comment.
    pub decision: Option<(&'static str, Option<String>)>,
    /// Caution flags acknowledged with this step (P10), as the authoriser ticked them.
    pub acknowledge: Vec<i64>,
    /// The policy stage the step must pass, checked inside the transaction.
    pub stage: Option<Stage>,
    /// Sign-out: the event's detail is the office log (REAch2 Appendix 3), read in the step.
    pub office_log: bool,
    /// Request: why the visit goes ahead although rules the policy advises are unmet; kept in
    /// the event's detail (`advisory_reason`) and shown to the authoriser.
    pub advisory_reason: Option<String>,
    /// D7: left early because staff felt unsafe: the buddy and the DSL are told in the same
    /// transaction, and the event names who ([`super::left_early`]).
    pub left_early: bool,
    /// A tap kept on the phone with no signal: when it was tapped (UTC). The step is recorded
    /// then, within [`domain::tap::tap_time`]'s bounds, and the time it reached the server is
    /// kept in the event's detail (`received_at`).
    pub tapped_at: Option<DateTime<Utc>>,
    /// A message (subject, text) for the visit's buddy (the current one, after any hand-over),
    /// in the app and by SMS, queued in the step's transaction.
    pub tell_buddy: Option<(&'static str, String)>,
}

impl StepRecord {
    /// A step with nothing to record but its event.
    pub fn simple(step: VisitStep, event: &'static str) -> Self {
        StepRecord::with_detail(step, event, json!({}))
    }

    pub fn with_detail(step: VisitStep, event: &'static str, detail: Value) -> Self {
        StepRecord {
            step,
            event,
            detail,
            decision: None,
            acknowledge: vec![],
            stage: None,
            office_log: false,
            advisory_reason: None,
            left_early: false,
            tapped_at: None,
            tell_buddy: None,
        }
    }

    /// The same step, tapped at `tapped_at` (see [`StepRecord::tapped_at`]).
    pub fn tapped(mut self, tapped_at: Option<DateTime<Utc>>) -> Self {
        self.tapped_at = tapped_at;
        self
    }
}

/// Takes the step on a visit this person may act on (decided before by the caller) and
/// answers with the visit as they may see it.
pub(super) async fn take(
    app: &App,
    me: &Staff,
    visit: &Visit,
    record: StepRecord,
) -> Result<VisitDetail> {
    let received = app.now();
    let mut tx = app.db().begin().await?;
    tx.lock_visit(visit.id).await?;
    let visit = tx.visit(visit.id).await?;
    let watch = tx.watches_of_visits(&[visit.id]).await?.pop();
    let signed_out_at = watch.as_ref().map(|w| w.signed_out_at);
    let now = domain::tap::tap_time(record.tapped_at, signed_out_at, received)?;
    // The same cancel at the door sent again by the phone's offline queue (its answer was lost):
    // nothing more is written, and the visit is answered as it stands.
    if visit.state.repeats(&record.step) {
        drop(tx);
        return detail(app, me, visit).await;
    }
    let acknowledge = cautions_on_household(&mut tx, &visit, &record.acknowledge).await?;
    let policy = app.policy_version(visit.policy_version_id).await?;
    // #13: where "arrived" is optional, staff may tap "left" straight from signed out.
    let arrival = policy.settings.check_in.arrived;
    // A7: a plan that has run out is not requested, authorised or signed out.
    if matches!(
        record.step,
        VisitStep::Request { .. } | VisitStep::Authorise { .. } | VisitStep::SignOut
    ) {
        super::not_past::still_ahead(
            visit.planned_leave_property,
            visit.planned_return,
            now,
            policy.settings.tz(),
        )?;
    }
    let next = apply_under(&visit.state, record.step, now, arrival)?;
    if matches!(record.stage, Some(Stage::Request | Stage::Authorise)) {
        buddy_still_one(&mut tx, &visit).await?;
    }
    let mut advised = vec![];
    if let Some(stage) = record.stage {
        let authoriser = (stage == Stage::Authorise).then_some(&me.roles);
        let unmet = facts::check(app, &mut tx, &visit, stage, authoriser, &acknowledge).await?;
        let typed = record.advisory_reason.is_some();
        advised = advisory_rules_passed(&mut tx, &visit, stage, typed, unmet).await?;
    }
    let mut detail_of_step = if record.office_log {
        office_log(&mut tx, &visit, now).await?
    } else {
        record.detail
    };
    if let (Some(reason), Some(d)) = (&record.advisory_reason, detail_of_step.as_object_mut())
        && !advised.is_empty()
    {
        d.insert("advisory_reason".into(), json!(reason));
        d.insert("advisory_rules".into(), json!(advised));
    }
    if now < received
        && let Some(d) = detail_of_step.as_object_mut()
    {
        d.insert("tapped_at".into(), json!(now));
        d.insert("received_at".into(), json!(received));
    }
    if record.left_early {
        let tz = policy.settings.tz();
        let told = super::left_early::tell_buddy_and_dsl(
            &mut tx,
            app.db(),
            &visit,
            watch.as_ref(),
            me,
            tz,
            now,
        )
        .await?;
        if let Some(d) = detail_of_step.as_object_mut() {
            d.insert("told".into(), json!(told));
        }
    }
    let buddy = watch
        .as_ref()
        .map_or(visit.buddy_staff_id, |w| w.buddy_staff_id);
    tx.set_visit_state(visit.id, visit.revision, &next, now)
        .await?;
    // The monitor starts, moves or stops watching in the same transaction as the step.
    crate::after_step(
        &mut tx,
        app.db(),
        &visit,
        watch,
        &next,
        &policy.settings,
        Some(me.id),
        now,
    )
    .await?;
    for flag in &acknowledge {
        tx.acknowledge_caution(visit.id, *flag, me.id, now).await?;
    }
    if let Some((decision, comment)) = &record.decision {
        tx.add_decision(visit.id, me.id, decision, comment.as_deref(), now)
            .await?;
    }
    tx.add_visit_event(visit.id, record.event, Some(me.id), now, &detail_of_step)
        .await?;
    if let (Some((subject, body)), Some(buddy)) = (&record.tell_buddy, buddy) {
        let topic = format!("visit:{}:{}", visit.id, record.event);
        let to = tx.staff(StaffId(buddy)).await?;
        tell_buddy(&mut tx, &visit, &to, &topic, subject, body, now).await?;
    }
    tx.append_audit(&audit::entry(
        app,
        me,
        &format!("visit.{}", record.event),
        "visit",
        visit.id.0,
        Some(visit.school_id),
        detail_of_step,
    ))
    .await?;
    tx.commit().await?;
    let visit = app.db().visit(visit.id).await?;
    detail(app, me, visit).await
}

/// Tells the buddy in the app and by SMS, once per `topic` (the visit and its event).
async fn tell_buddy(
    tx: &mut Tx,
    visit: &Visit,
    to: &store::Staff,
    topic: &str,
    subject: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    for channel in [Channel::InApp, Channel::Sms] {
        let m = crate::outbox::Outgoing {
            topic,
            to,
            channel,
            subject,
            body,
            visit: Some(visit.id),
            alarm: None,
            webhook: None,
        };
        crate::outbox::queue(tx, &m, now).await?;
    }
    Ok(())
}

/// A4: the buddy named at planning must still be one when the visit is asked for and authorised
/// (a mobile removed since, a role changed): refused naming `buddy_staff_id`, whatever the
/// policy, since a buddy nobody can phone watches over no one.
async fn buddy_still_one(tx: &mut Tx, visit: &Visit) -> Result<()> {
    let Some(id) = visit.buddy_staff_id else {
        return Ok(());
    };
    let buddy = tx.staff(domain::StaffId(id)).await?;
    let going: Vec<_> = visit.staff.iter().map(|s| s.staff_id).collect();
    crate::access::may_be_buddy(&buddy, visit.school_id, &going)
        .map_err(|why| FieldError::new("buddy_staff_id", why).into())
}

/// P7, P12, required or advisory: a required unmet rule refuses the step. Advisory unmet rules
/// refuse it too unless a reason goes ahead of them — typed with this request, or kept from the
/// visit's request for the later stages. Answers the advisory rules the reason covers.
async fn advisory_rules_passed(
    tx: &mut Tx,
    visit: &Visit,
    stage: Stage,
    typed: bool,
    unmet: Vec<domain::policy::Unmet>,
) -> Result<Vec<&'static str>> {
    if unmet.is_empty() {
        return Ok(vec![]);
    }
    if unmet.iter().any(|u| !u.advisory) {
        return Err(Refusal::Unmet(unmet));
    }
    let kept = if stage == Stage::Request {
        typed
    } else {
        tx.last_step_detail(visit.id, "requested")
            .await?
            .is_some_and(|d| d.get("advisory_reason").is_some_and(Value::is_string))
    };
    if !kept {
        return Err(Refusal::Unmet(unmet));
    }
    Ok(unmet.iter().map(|u| u.rule).collect())
}

/// The flags ticked, each one a caution flag on the visit's household (P10).
/// Errors: `Invalid("acknowledge_cautions[i]")` naming the first that is not.
async fn cautions_on_household(
    tx: &mut Tx,
    visit: &Visit,
    ticked: &[i64],
) -> Result<Vec<CautionFlagId>> {
    if ticked.is_empty() {
        return Ok(vec![]);
    }
    let flags: Vec<CautionFlagId> = tx
        .caution_flags(visit.household_id)
        .await?
        .into_iter()
        .map(|f| f.id)
        .collect();
    let mut out = Vec::new();
    for (i, raw) in ticked.iter().enumerate() {
        let flag = CautionFlagId(*raw);
        if !flags.contains(&flag) {
            return Err(FieldError::new(
                format!("acknowledge_cautions[{i}]"),
                "is not a caution flag on this household",
            )
            .into());
        }
        out.push(flag);
    }
    Ok(out)
}

/// D1: the office log written when the visitors leave school (REAch2 Appendix 3).
async fn office_log(tx: &mut Tx, visit: &Visit, now: DateTime<Utc>) -> Result<Value> {
    let household = tx.household(visit.household_id).await?;
    let car = match visit.vehicle_id {
        Some(id) => Some(tx.vehicle(VehicleId(id)).await?.registration),
        None => None,
    };
    Ok(json!({
        "time_leaving": now,
        "staff": visit.staff.iter().map(|s| json!({ "name": s.name, "mobile": s.mobile, "role": s.role_on_visit })).collect::<Vec<_>>(),
        "car_registration": car,
        "address": household.address,
        "postcode": household.postcode,
        "expecting_to_see": visit.expect_to_see,
        "planned_arrive": visit.planned_arrive,
        "planned_leave_property": visit.planned_leave_property,
        "planned_return": visit.planned_return,
        "returns_to": visit.returns_to,
    }))
}
