//! The forms of "after the visit": each turns what was typed into the API's JSON, calls the API
//! as the signed-in person, and answers with a 303 back to the visit or the visit's page again
//! with the refusal next to its field.

use super::super::api::{Answer, Failure};
use super::super::form::FormData;
use super::super::page::{Ctx, Errors, WebError, anchor, see_other};
use super::super::time::Local;
use super::super::visit::{refused, seen_visit};
use crate::AppState;
use axum::Router;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::post;
use chrono::NaiveDate;
use serde_json::json;

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

/// A 303 back to the visit, or its page again with the API's refusal next to the field.
async fn back(
    ctx: &Ctx,
    id: i64,
    result: Result<Answer, Failure>,
    done: &str,
    rename: &[(&str, &str)],
    f: &FormData,
) -> Result<Response, WebError> {
    match result {
        Ok(_) => Ok(see_other(&format!("/visits/{id}?done={done}#after"))),
        Err(failure) if failure.is_fixable() => {
            let mut errors = Errors::from_failure(&failure, &[], "after");
            for m in &mut errors.list {
                if let Some((_, to)) = rename.iter().find(|(from, _)| *from == m.field) {
                    m.field = (*to).to_string();
                    m.anchor = anchor(to);
                }
            }
            refused(ctx, id, errors, f.pairs()).await
        }
        Err(failure) => Err(failure.into()),
    }
}

fn id_or_null(f: &FormData, name: &str) -> serde_json::Value {
    f.get(name)
        .parse::<i64>()
        .map_or(serde_json::Value::Null, Into::into)
}

fn date_or_null(f: &FormData, name: &str) -> serde_json::Value {
    f.opt(name).map_or(serde_json::Value::Null, |d| d.into())
}

/// A3: the outcome, with a first follow-up action if one is written.
async fn outcome(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    let mut actions = vec![];
    if f.opt("actions[0].description").is_some() {
        actions.push(json!({
            "description": f.get("actions[0].description"),
            "owner_staff_id": id_or_null(&f, "actions[0].owner_staff_id"),
            "due_on": date_or_null(&f, "actions[0].due_on"),
        }));
    }
    let body = json!({
        "outcome": f.get("outcome"),
        "action_required": f.text_or_null("action_required"),
        "people_seen": f.text_or_null("people_seen"),
        "revision": f.get("revision").parse::<i64>().ok(),
        "actions": actions,
    });
    let r = ctx
        .call(
            axum::http::Method::PUT,
            &format!("/api/visits/{id}/outcome"),
            Some(&body),
        )
        .await;
    // Someone else changed it meanwhile: say so by the outcome, not by the hidden revision.
    back(&ctx, id, r, "outcome", &[("revision", "outcome")], &f).await
}

async fn add_action(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    let body = json!({
        "description": f.get("action.description"),
        "owner_staff_id": id_or_null(&f, "action.owner_staff_id"),
        "due_on": date_or_null(&f, "action.due_on"),
    });
    let r = ctx.post(&format!("/api/visits/{id}/actions"), body).await;
    back(&ctx, id, r, "action", &[], &f).await
}

/// D9: nobody answered the door.
async fn nobody_home(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    let r = ctx
        .post(&format!("/api/visits/{id}/nobody-home"), json!({}))
        .await;
    back(&ctx, id, r, "nobody-home", &[], &f).await
}

/// D9: the Home Visit Slip goes through the door now; its deadline is armed.
async fn leave_slip(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    let r = ctx.post(&format!("/api/visits/{id}/slip"), json!({})).await;
    back(&ctx, id, r, "slip", &[], &f).await
}

/// A6: the family got in touch; the slip's deadline is disarmed.
async fn slip_response(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    let body = json!({ "from": f.get("from"), "note": f.text_or_null("slip_note") });
    let r = ctx
        .post(&format!("/api/visits/{id}/slip/response"), body)
        .await;
    back(&ctx, id, r, "slip-answered", &[("note", "slip_note")], &f).await
}

/// A7: plan the visit again at new times, linked to this one: a revisit after nobody was home,
/// otherwise a reschedule. The new draft's page opens.
async fn again(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    let visit = seen_visit(&ctx, id).await?;
    let policy = ctx
        .state
        .db()
        .policy_version(visit.policy_version_id)
        .await?;
    let local = Local::of(&policy.settings.0);
    let mut times = serde_json::Map::new();
    let mut errors = Errors::none();
    for name in [
        "planned_leave_school",
        "planned_arrive",
        "planned_leave_property",
        "planned_return",
    ] {
        match local.parse(f.get("again_date"), f.get(name)) {
            Some(at) => {
                times.insert(name.into(), json!(at));
            }
            None if NaiveDate::parse_from_str(f.get("again_date"), "%Y-%m-%d").is_err() => {
                errors = Errors::one("again_date", "Enter the day of the new visit");
                break;
            }
            None => errors.add(name, "Enter a time like 09:30"),
        }
    }
    if !errors.is_empty() {
        return refused(&ctx, id, errors, f.pairs()).await;
    }
    let which = if f.get("again") == "revisit" {
        "revisit"
    } else {
        "reschedule"
    };
    let r = ctx
        .post(&format!("/api/visits/{id}/{which}"), times.into())
        .await;
    match r {
        Ok(answer) => {
            let new = answer.body["visit_id"]
                .as_i64()
                .or(answer.body["visit"]["id"].as_i64())
                .unwrap_or(id);
            Ok(see_other(&format!("/visits/{new}?done=planned-again")))
        }
        Err(failure) => back(&ctx, id, Err(failure), "", &[], &f).await,
    }
}

/// A4: a safeguarding concern about the child, to the DSL at once.
async fn safeguarding(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    let visit = seen_visit(&ctx, id).await?;
    let body = json!({
        "concern": f.get("safeguarding"),
        "source": "visit",
        "visit_id": id,
    });
    let r = ctx
        .post(
            &format!("/api/pupils/{}/safeguarding-concerns", visit.pupil_id),
            body,
        )
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
