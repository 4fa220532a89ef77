//! The forms of "after the visit": each turns what was typed into a use case's typed input,
//! calls it as the signed-in person, and answers with a 303 back to the visit or the visit's page
//! again with the refusal next to its field.
//!
//! "Nobody home", rescheduling and a safeguarding concern belong to other rooms (visits,
//! safeguarding) and still go through their JSON routes until those have use cases.

use super::super::form::{FormData, Posted};
use super::super::page::{Ctx, Errors, WebError, anchor, see_other};
use super::super::time::Local;
use super::super::visit::{form_or_page, refused, seen_visit};
use crate::AppState;
use app::Refusal;
use app::records::{self, ActionInput, LeaveSlipInput, OutcomeInput, ResponseInput, RevisitInput};
use axum::Router;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::post;
use chrono::NaiveDate;
use domain::VisitId;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/visits/{id}/outcome", post(outcome))
        .route("/visits/{id}/actions", post(add_action))
        .route("/visits/{id}/nobody-home", post(nobody_home))
        .route("/visits/{id}/slip", post(leave_slip))
        .route("/visits/{id}/slip/response", post(slip_response))
        .route("/visits/{id}/again", post(again))
        .route("/visits/{id}/safeguarding", post(safeguarding))
}

/// Moves messages about the use case's field names onto the form's.
fn renamed(mut errors: Errors, rename: &[(&str, &str)]) -> Errors {
    for m in &mut errors.list {
        if let Some((_, to)) = rename.iter().find(|(from, _)| *from == m.field) {
            m.field = (*to).to_string();
            m.anchor = anchor(to);
        }
    }
    errors
}

/// A 303 back to the visit, or its page again with the refusal next to the field.
async fn back<T>(
    ctx: &Ctx,
    id: i64,
    result: Result<T, Refusal>,
    done: &str,
    rename: &[(&str, &str)],
    f: &FormData,
) -> Result<Response, WebError> {
    match result {
        Ok(_) => Ok(see_other(&format!("/visits/{id}?done={done}#after"))),
        Err(r) if r.is_fixable() => {
            let errors = renamed(Errors::from_refusal(r, &[], "after"), rename);
            refused(ctx, id, errors, f.pairs()).await
        }
        Err(r) => Err(r.into()),
    }
}

/// The follow-up action typed under `prefix` (`actions[0]`, `action`): the owner chosen and the
/// due date must be readable; the use case checks the rest.
fn action_typed(f: &FormData, prefix: &str) -> Result<ActionInput, Errors> {
    let owner = format!("{prefix}.owner_staff_id");
    let due = format!("{prefix}.due_on");
    let mut errors = Errors::none();
    let owner_staff_id = f.get(&owner).parse::<i64>().ok();
    if owner_staff_id.is_none() {
        errors.add(&owner, "Choose who will do it");
    }
    let due_on = NaiveDate::parse_from_str(f.get(&due), "%Y-%m-%d").ok();
    if due_on.is_none() {
        errors.add(&due, "Enter the day it is due by");
    }
    let field = format!("{prefix}.description");
    let description = domain::MultiLine::parse(&field, f.get(&field))
        .map_err(|e| errors.add(&e.field, e.reason))
        .ok();
    match (owner_staff_id, due_on, description) {
        (Some(owner_staff_id), Some(due_on), Some(description)) => Ok(ActionInput {
            description,
            owner_staff_id,
            due_on,
        }),
        _ => Err(errors),
    }
}

/// A3: the outcome, with a first follow-up action if one is written.
async fn outcome(ctx: Ctx, Path(id): Path<i64>, f: Posted) -> Result<Response, WebError> {
    let f = match form_or_page(&ctx, id, f).await? {
        Ok(f) => f,
        Err(page) => return Ok(page),
    };
    let mut actions = vec![];
    if f.opt("actions[0].description").is_some() {
        match action_typed(&f, "actions[0]") {
            Ok(a) => actions.push(a),
            Err(errors) => return refused(&ctx, id, errors, f.pairs()).await,
        }
    }
    let r = async {
        let input = OutcomeInput {
            outcome: f.text("outcome")?,
            action_required: f.opt_text("action_required")?,
            people_seen: f.opt_text("people_seen")?,
            revision: f.get("revision").parse::<i64>().ok(),
            actions,
        };
        records::record_outcome(&ctx.state, &ctx.me, VisitId(id), input).await
    }
    .await;
    // Someone else changed it meanwhile: say so by the outcome, not by the hidden revision.
    back(&ctx, id, r, "outcome", &[("revision", "outcome")], &f).await
}

async fn add_action(ctx: Ctx, Path(id): Path<i64>, f: Posted) -> Result<Response, WebError> {
    let f = match form_or_page(&ctx, id, f).await? {
        Ok(f) => f,
        Err(page) => return Ok(page),
    };
    let input = match action_typed(&f, "action") {
        Ok(a) => a,
        Err(errors) => return refused(&ctx, id, errors, f.pairs()).await,
    };
    let r = records::add_action(&ctx.state, &ctx.me, VisitId(id), input).await;
    back(&ctx, id, r, "action", &[], &f).await
}

/// D9: nobody answered the door (the visit's lifecycle: the visits room's route).
async fn nobody_home(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    let r = app::visits::nobody_home(&ctx.state, &ctx.me, VisitId(id)).await;
    back(&ctx, id, r, "nobody-home", &[], &f).await
}

/// D9: the Home Visit Slip goes through the door now; its deadline is armed.
async fn leave_slip(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    let r = records::leave_slip(&ctx.state, &ctx.me, VisitId(id), LeaveSlipInput::default()).await;
    back(&ctx, id, r, "slip", &[], &f).await
}

/// A6: the family got in touch; the slip's deadline is disarmed.
async fn slip_response(ctx: Ctx, Path(id): Path<i64>, f: Posted) -> Result<Response, WebError> {
    let f = match form_or_page(&ctx, id, f).await? {
        Ok(f) => f,
        Err(page) => return Ok(page),
    };
    let r = async {
        let input = ResponseInput {
            from: f.text("from")?,
            note: domain::MultiLine::parse_optional("note", f.get("slip_note"))?,
            responded_at: None,
        };
        records::record_slip_response(&ctx.state, &ctx.me, VisitId(id), input).await
    }
    .await;
    back(&ctx, id, r, "slip-answered", &[("note", "slip_note")], &f).await
}

/// A7: plan the visit again at new times, linked to this one: a revisit after nobody was home,
/// otherwise a reschedule. The new draft's page opens.
async fn again(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    let visit = seen_visit(&ctx, id).await?;
    let policy = ctx.state.policy_version(visit.policy_version_id).await?;
    let local = Local::of(&policy.settings.0);
    let names = [
        "planned_leave_school",
        "planned_arrive",
        "planned_leave_property",
        "planned_return",
    ];
    if NaiveDate::parse_from_str(f.get("again_date").trim(), "%Y-%m-%d").is_err() {
        let errors = Errors::one("again_date", "Enter the day of the new visit");
        return refused(&ctx, id, errors, f.pairs()).await;
    }
    // Times after midnight are on the next day (an evening visit that runs late).
    let parsed = local.parse_day(f.get("again_date"), names.map(|n| f.get(n)));
    let mut errors = Errors::none();
    for (name, at) in names.iter().zip(&parsed) {
        if at.is_none() {
            errors.add(name, "Enter a time like 09:30");
        }
    }
    let [
        Some(leave),
        Some(arrive),
        Some(leave_property),
        Some(back_at),
    ] = parsed
    else {
        return refused(&ctx, id, errors, f.pairs()).await;
    };
    if f.get("again") == "revisit" {
        let input = RevisitInput {
            planned_leave_school: leave,
            planned_arrive: arrive,
            planned_leave_property: leave_property,
            planned_return: back_at,
        };
        return match records::revisit(&ctx.state, &ctx.me, VisitId(id), input).await {
            Ok(new) => Ok(see_other(&format!(
                "/visits/{}?done=planned-again",
                new.visit_id
            ))),
            Err(r) => back(&ctx, id, Err::<(), _>(r), "", &[], &f).await,
        };
    }
    // A reschedule moves the visit's lifecycle: the visits room's use case.
    let input = app::visits::RescheduleInput {
        planned_leave_school: leave,
        planned_arrive: arrive,
        planned_leave_property: leave_property,
        planned_return: back_at,
    };
    match app::visits::reschedule(&ctx.state, &ctx.me, VisitId(id), input).await {
        Ok(new) => Ok(see_other(&format!(
            "/visits/{}?done=planned-again",
            new.visit.id.0
        ))),
        Err(r) => back(&ctx, id, Err::<(), _>(r), "", &[], &f).await,
    }
}

/// A4: a safeguarding concern about the child, to the DSL at once (the safeguarding room's
/// route).
async fn safeguarding(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    let visit = seen_visit(&ctx, id).await?;
    let r = async {
        let input = app::safeguarding::ConcernInput {
            concern: domain::MultiLine::parse("concern", f.get("safeguarding"))?,
            source: Some(domain::safeguarding::ConcernSource::Visit),
            visit_id: Some(id),
            alarm_id: None,
            observed_at: None,
        };
        app::safeguarding::raise_concern(&ctx.state, &ctx.me, visit.pupil_id, &input).await
    }
    .await;
    back(
        &ctx,
        id,
        r,
        "safeguarding",
        &[("concern", "safeguarding")],
        &f,
    )
    .await
}
