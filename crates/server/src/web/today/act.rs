//! A tap on the Today page without JavaScript: the same typed use cases the phone's `fetch`
//! reaches through the JSON API; a refusal is shown on the card it came from.

use super::super::form::FormData;
use super::super::page::{Ctx, Errors, TapCtx, WebError, render_with, see_other};
use super::super::visit::hand_over;
use app::Refusal;
use app::out_on_visit::{self, CheckInInput};
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use domain::VisitId;
use domain::monitor::AlarmKind;

/// One tap on the Today page without JavaScript. The safety actions (I'm OK, more time, panic,
/// duress, observations) call the same `app::out_on_visit` use cases as the phone's `fetch`.
pub(super) async fn act(
    TapCtx(ctx): TapCtx,
    Path((id, action)): Path<(i64, String)>,
    form: FormData,
) -> Result<Response, WebError> {
    let text = |name: &str| form.opt(name).map(str::to_string);
    let (app, me, now, visit) = (&ctx.state, &ctx.me, ctx.state.now(), VisitId(id));
    let done: Result<&str, Refusal> = match action.as_str() {
        "sign-out" | "arrived" | "nobody-home" | "left" | "returned" | "cancel-at-door"
        | "turn-back" => {
            return step(&ctx, id, &action, &form).await;
        }
        // The pocket-tap guard: the first tap is recorded and asks for a second.
        "panic-pressed" => {
            out_on_visit::panic_pressed(app, me, visit, now).await?;
            return Ok(see_other(&format!("/today/{id}/panic-confirm")));
        }
        // The buddy (or a stand-in) hands over; they no longer see the visit, so no anchor.
        "buddy-handover" => {
            return match hand_over::from_form(&ctx, id, &form).await {
                Ok(_) => Ok(see_other("/today?done=buddy-handed-over")),
                Err(r) if r.is_fixable() => {
                    let errors = Errors::from_refusal(r, &[], "to_staff_id");
                    let page =
                        super::build(&ctx, None, hand_over::anchored(errors, id), id).await?;
                    Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
                }
                Err(r) => Err(r.into()),
            };
        }
        "panic-cancelled" => out_on_visit::panic_cancelled(app, me, visit, now)
            .await
            .map(|()| "panic-cancelled"),
        "check-in" => {
            let input = CheckInInput {
                note: text("note"),
                pin: text("pin"),
                client_ref: text("client_ref"),
                ..Default::default()
            };
            out_on_visit::check_in(app, me, visit, &input, now)
                .await
                .map(|_| "checked-in")
        }
        "extend" => match extra_minutes(form.get("minutes")) {
            // C9: a number no one can mean is refused by the box, never taken as the default.
            Err(r) => Err(r),
            Ok(minutes) => {
                let input = out_on_visit::ExtendInput {
                    minutes,
                    reason: form.get("reason").to_string(),
                    client_ref: text("client_ref"),
                };
                out_on_visit::extend(app, me, visit, &input, now)
                    .await
                    .map(|_| "extended")
            }
        },
        "panic" | "duress" | "observation" => {
            let (kind, done) = match action.as_str() {
                "panic" => (Some(AlarmKind::Panic), "panic"),
                "duress" => (Some(AlarmKind::Duress), "duress"),
                _ => (observation(form.get("kind")), "observation"),
            };
            let input = out_on_visit::AlarmInput {
                // Duress is silent: the buddy's tap carries no note.
                note: if kind == Some(AlarmKind::Duress) {
                    None
                } else {
                    text("note")
                },
                client_ref: text("client_ref"),
                ..Default::default()
            };
            match kind {
                Some(kind) => out_on_visit::raise_alarm(app, me, visit, kind, &input, now)
                    .await
                    .map(|_| done),
                None => Err(Refusal::bad_request("kind", "choose what you saw")),
            }
        }
        _ => return Err(Refusal::not_found("action").into()),
    };
    match done {
        Ok(done) => Ok(see_other(&format!("/today?done={done}#visit-{id}"))),
        Err(r) if r.is_fixable() => {
            let errors = Errors::from_refusal(r, &[], "status");
            let page = super::build(&ctx, None, errors, id).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(r) => Err(r.into()),
    }
}

/// The extra time chosen on "Need more time": blank takes the policy's one-tap extension;
/// otherwise a whole number of minutes, 1 to 240 (as the JSON route's `minutes`), or a refusal
/// naming the box.
fn extra_minutes(typed: &str) -> Result<Option<u32>, Refusal> {
    if typed.is_empty() {
        return Ok(None);
    }
    match typed.parse::<u32>() {
        Ok(m) if (1..=240).contains(&m) => Ok(Some(m)),
        _ => Err(Refusal::invalid(
            "minutes",
            "Choose the extra time: a whole number of minutes from 1 to 240",
        )),
    }
}

/// The doorstep observation a form names, as the JSON API's `kind` reads it.
fn observation(kind: &str) -> Option<AlarmKind> {
    Some(match kind {
        "child_alone" => AlarmKind::ChildAlone,
        "child_in_danger" => AlarmKind::ChildInDanger,
        "not_invited_in" => AlarmKind::NotInvitedIn,
        "animals_not_secured" => AlarmKind::AnimalsNotSecured,
        _ => return None,
    })
}

/// A step of the visit's lifecycle (signed out, arrived, nobody home, turned back, left, back):
/// the same use cases as the JSON routes.
async fn step(ctx: &Ctx, id: i64, action: &str, form: &FormData) -> Result<Response, WebError> {
    use app::visits;
    let (app, me, visit) = (&ctx.state, &ctx.me, VisitId(id));
    let (result, done) = match action {
        "sign-out" => (visits::sign_out(app, me, visit).await, "signed-out"),
        "arrived" => (visits::arrived(app, me, visit).await, "arrived"),
        "nobody-home" => (visits::nobody_home(app, me, visit).await, "nobody-home"),
        "left" => {
            let early_for_safety = form.get("early_for_safety") == "true";
            let input = visits::LeftInput {
                early_for_safety,
                ..Default::default()
            };
            let done = if early_for_safety {
                "left-early"
            } else {
                "left"
            };
            (visits::left(app, me, visit, input).await, done)
        }
        // D6: called off at the door, with the reason; the card then offers to plan it again.
        "cancel-at-door" => {
            let cancelled = async {
                let input = visits::CancelAtDoorInput {
                    reason: form.get("reason").to_string(),
                    note: form.opt_text("note")?,
                };
                visits::cancel_at_door(app, me, visit, input).await
            };
            (cancelled.await, "cancelled-at-door")
        }
        // A9: turned back on the way, with the reason; then Back at school or Home safe.
        "turn-back" => {
            let turned = async {
                let input = visits::TurnBackInput {
                    reason: form.text("reason")?,
                    tapped_at: None,
                };
                visits::turn_back(app, me, visit, input).await
            };
            (turned.await, "turned-back")
        }
        _ => {
            let input = visits::ReturnedInput {
                at_home: form.get("at_home") == "true",
                ..Default::default()
            };
            (visits::returned(app, me, visit, input).await, "returned")
        }
    };
    match result {
        // D7: the Today page then offers the incident form for this visit.
        Ok(_) if done == "left-early" => Ok(see_other(&format!(
            "/today?done={done}&visit={id}#visit-{id}"
        ))),
        Ok(_) => Ok(see_other(&format!("/today?done={done}#visit-{id}"))),
        Err(r) if r.is_fixable() => {
            let errors = Errors::from_refusal(r, &[], "status");
            let page = super::build(ctx, None, errors, id).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(r) => Err(r.into()),
    }
}
