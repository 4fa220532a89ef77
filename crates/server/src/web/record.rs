//! After the visit, on the visit's page (A3, A4, A7, D9): the outcome in the words of St Joseph's
//! Home Visit Form with follow-up actions (an owner and a due date each), "nobody home" and the
//! Home Visit Slip with the family's response, planning the visit again, a safeguarding concern
//! for the DSL, and the way to an incident report and the printable record.
//!
//! The record is read through the JSON API (`GET /api/visits/{id}/outcome`), so need-to-know (A9)
//! and the audit of each read apply unchanged; anyone the API refuses sees no record here. Every
//! change is a call to the API; a refusal comes back on the visit's page, next to its field.

use super::page::{Choice, Ctx, WebError};
use super::time::Local;
use app::Refusal;
use chrono::{Duration, NaiveDate};
use domain::records::{SlipStatus, action_overdue, has_happened};
use domain::visit::VisitStatus;
use store::FollowUpAction;

mod forms;

pub use forms::router;

/// One follow-up action in a list.
pub struct ActionRow {
    pub id: i64,
    pub description: String,
    pub owner: String,
    pub due: String,
    pub overdue: bool,
    pub done: String,
    pub visit_id: i64,
    pub pupil_id: i64,
}

impl ActionRow {
    /// `today` is the school's local date.
    pub fn of(a: FollowUpAction, today: NaiveDate, local: &Local) -> Self {
        ActionRow {
            id: a.id,
            description: a.description,
            owner: a.owner_name,
            due: a.due_on.format("%a %-d %b %Y").to_string(),
            overdue: action_overdue(a.due_on, a.done_at.is_some(), today),
            done: a.done_at.map(|d| local.day_time(d)).unwrap_or_default(),
            visit_id: a.visit_id.unwrap_or_default(),
            pupil_id: a.pupil_id.0,
        }
    }
}

pub struct SlipRow {
    pub left: String,
    pub respond_by: String,
    pub message: String,
    pub status: &'static str,
    pub overdue: bool,
    pub answered: String,
    pub pdf: String,
}

/// The "after the visit" part of a visit's page.
pub struct Record {
    /// What the forms show: the record as stored, or what was typed into a refused form.
    v: Vec<(String, String)>,
    pub recorded: String,
    pub can_write: bool,
    pub actions: Vec<ActionRow>,
    pub outcome_owners: Vec<Choice>,
    pub action_owners: Vec<Choice>,
    pub slip: Option<SlipRow>,
    pub nobody_home_now: bool,
    pub leave_slip: bool,
    /// "revisit" (nobody was home), "reschedule" (cancelled, declined, not yet gone) or "".
    pub again: &'static str,
    pub record_pdf: String,
    /// Staff have been out on the visit: the record's forms are shown (tester's C12).
    pub been_out: bool,
}

impl Record {
    pub fn value(&self, name: &str) -> &str {
        super::form::typed(&self.v, name)
    }
}

fn owners(staff: &[store::Staff], selected: &str) -> Vec<Choice> {
    let mut list = vec![Choice::new(
        "",
        "Choose who will do it",
        selected.is_empty(),
    )];
    list.extend(staff.iter().filter(|s| s.active).map(|s| {
        Choice::new(
            s.id.0.to_string(),
            s.name.clone(),
            s.id.0.to_string() == selected,
        )
    }));
    list
}

/// The visit's record as this person may see it (the read audited by the use case); `None` when
/// it is not theirs to read.
pub async fn panel(
    ctx: &Ctx,
    visit: &store::Visit,
    local: &Local,
    (nobody_home_seen, found): (bool, app::Result<app::records::VisitRecordView>),
    typed: Vec<(String, String)>,
) -> Result<Option<Record>, WebError> {
    // Before staff have been out there is nothing to record (tester's C12): only the
    // reschedule offer and the concern form are shown.
    let been_out = visit.state.0.has_been_out();
    // `found` is app::records::visit_record's answer, read (and audited) beside the page's reads.
    let record = match found {
        Ok(record) => record,
        Err(Refusal::NotFound(_) | Refusal::Forbidden(_)) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let now = ctx.state.clock().now();
    let today = local.date_of(now);
    let me = ctx.me.id.0.to_string();
    let mut v: Vec<(String, String)> = vec![
        ("actions[0].owner_staff_id".into(), me.clone()),
        ("action.owner_staff_id".into(), me),
        (
            "actions[0].due_on".into(),
            (today + Duration::days(7)).to_string(),
        ),
        (
            "action.due_on".into(),
            (today + Duration::days(7)).to_string(),
        ),
        ("again_date".into(), (today + Duration::days(1)).to_string()),
        (
            "planned_leave_school".into(),
            local.time(visit.planned_leave_school),
        ),
        ("planned_arrive".into(), local.time(visit.planned_arrive)),
        (
            "planned_leave_property".into(),
            local.time(visit.planned_leave_property),
        ),
        ("planned_return".into(), local.time(visit.planned_return)),
    ];
    let mut recorded = String::new();
    if let Some(o) = &record.outcome {
        v.push(("outcome".into(), o.outcome.clone()));
        v.push((
            "action_required".into(),
            o.action_required.clone().unwrap_or_default(),
        ));
        v.push((
            "people_seen".into(),
            o.people_seen.clone().unwrap_or_default(),
        ));
        v.push(("revision".into(), o.revision.to_string()));
        recorded = format!("Last changed {}", local.day_time(o.updated_at));
    }
    v.extend(typed);
    let staff = app::school::staff_directory(&ctx.state, &ctx.me, visit.school_id).await?;
    let pick = |name: &str| crate::web::form::typed(&v, name).to_string();
    let outcome_owners = owners(&staff, &pick("actions[0].owner_staff_id"));
    let action_owners = owners(&staff, &pick("action.owner_staff_id"));
    let slip = record.slip.map(|s| {
        let status = SlipStatus::of(s.slip.responded_at.is_some(), s.slip.respond_by, now);
        SlipRow {
            left: local.day_time(s.slip.left_at),
            respond_by: local.day_time(s.slip.respond_by),
            message: s.slip.message,
            status: match status {
                SlipStatus::Answered => "The family responded",
                SlipStatus::DeadlinePassed => {
                    "No response and the deadline has passed: the DSL is alerted"
                }
                SlipStatus::AwaitingResponse => "Waiting for the family to respond",
            },
            overdue: status == SlipStatus::DeadlinePassed,
            answered: match s.slip.responded_at {
                Some(at) => format!(
                    "{} — {}{}",
                    local.day_time(at),
                    s.slip.response_from.unwrap_or_default(),
                    s.slip
                        .response_note
                        .map(|n| format!(": {n}"))
                        .unwrap_or_default()
                ),
                None => String::new(),
            },
            pdf: s.pdf,
        }
    });
    let status = visit.status;
    let again = if nobody_home_seen && has_happened(status) {
        "revisit"
    } else if matches!(
        status,
        VisitStatus::Requested
            | VisitStatus::Authorised
            | VisitStatus::Cancelled
            | VisitStatus::Declined
            | VisitStatus::CancelledAtDoor
            | VisitStatus::TurnedBack
    ) {
        "reschedule"
    } else {
        ""
    };
    Ok(Some(Record {
        been_out,
        recorded,
        can_write: has_happened(status),
        actions: record
            .actions
            .into_iter()
            .map(|a| ActionRow::of(a, today, local))
            .collect(),
        outcome_owners,
        action_owners,
        leave_slip: nobody_home_seen && slip.is_none(),
        slip,
        nobody_home_now: matches!(status, VisitStatus::SignedOut | VisitStatus::Arrived),
        again,
        record_pdf: record.record_pdf,
        v,
    }))
}
