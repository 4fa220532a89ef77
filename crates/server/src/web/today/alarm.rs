//! The Today card's alarm lines (#11 item 4): "Sent at 14:02 · Olive Office is dealing with it
//! (14:03)" after a panic, and a red box with the ladder's instruction and the buddy's mobile
//! after a missed check-in; and the no-JavaScript confirm step of the panic button. The same
//! lines are redrawn by `static/app.js` from `/api/visits/{id}/phone-status`.

use super::super::page::{Chrome, WebError, render_with};
use super::super::time::Local;
use crate::web::page::TapCtx;
use app::out_on_visit::PhoneStatus;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use domain::VisitId;

/// What the card says about a panic sent.
pub struct HelpLine {
    pub text: String,
    pub taken: bool,
}

/// What the card says about a missed check-in.
pub struct MissedBox {
    pub heading: String,
    pub buddy_heading: String,
    pub instruction: String,
    pub buddy_name: String,
    pub buddy_mobile: String,
    pub taken_by: String,
}

/// The lines for one card, in the school's time zone.
pub fn lines(status: &PhoneStatus, local: &Local) -> (Option<HelpLine>, Option<MissedBox>) {
    let help = status.help.as_ref().map(|h| HelpLine {
        text: help_text(h.sent_at, h.taken_by.as_deref(), h.taken_at, local),
        taken: h.taken_by.is_some(),
    });
    let missed = status.missed.as_ref().map(|m| MissedBox {
        heading: m.heading.clone(),
        buddy_heading: m.buddy_heading.clone(),
        instruction: m.instruction.clone(),
        buddy_name: m.buddy_name.clone().unwrap_or_default(),
        buddy_mobile: crate::web::shown(m.buddy_mobile.as_ref()),
        taken_by: m.taken_by.clone().unwrap_or_default(),
    });
    (help, missed)
}

/// "Sent at 14:02 · Olive Office is dealing with it (14:03)"; the phone's script writes the same.
fn help_text(
    sent: DateTime<Utc>,
    by: Option<&str>,
    at: Option<DateTime<Utc>>,
    local: &Local,
) -> String {
    match (by, at) {
        (Some(by), Some(at)) => format!(
            "Sent at {} · {by} is dealing with it ({})",
            local.time(sent),
            local.time(at)
        ),
        _ => format!(
            "Sent at {} · waiting for someone at school to take charge",
            local.time(sent)
        ),
    }
}

#[derive(Template)]
#[template(path = "today_panic.html")]
struct ConfirmPage {
    chrome: Chrome,
    id: i64,
    client_ref: String,
}

/// `GET /today/{id}/panic-confirm`: the second tap without JavaScript. The first tap has been
/// recorded; this page sends the alarm or takes the tap back.
pub(super) async fn confirm(
    TapCtx(ctx): TapCtx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    // Only someone who may press panic on this visit sees the page (no child's details on it).
    app::access::visit_to_act_on(&ctx.state, &ctx.me, VisitId(id), "use the panic button").await?;
    let page = ConfirmPage {
        chrome: ctx.chrome("today"),
        id,
        client_ref: uuid::Uuid::new_v4().to_string(),
    };
    Ok(render_with(StatusCode::OK, &page))
}
