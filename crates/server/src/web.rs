//! The web app: server-rendered pages for a phone on a doorstep, the office desktop and the head
//! between meetings. Askama templates (`crates/server/templates/`), progressive enhancement with
//! htmx, assets embedded in the binary, installable (manifest, icons, service worker).
//!
//! One rule keeps this room thin: **a page calls the same use case as the JSON route** (`app`):
//! a form handler parses the form into the use case's typed input, calls it, and answers with a
//! 303 or re-renders the form with the refusal next to its field. Access checks, policy
//! refusals, transactions and the audit trail therefore exist once, in `app`. No SQL here, and no
//! HTML built in Rust: templates only.

mod accounts;
mod actions;
mod approvals;
mod assets;
mod audit;
mod authorise;
mod board;
mod board_events;
mod child_missing;
mod chronology;
mod concerns;
mod demo_outbox;
mod drills;
mod exports;
mod failure;
mod form;
mod head_only;
mod households;
mod imports;
mod incidents;
mod login;
mod page;
mod plan;
mod policy;
mod query;
mod record;
mod reports;
mod risk;
mod second_factor;
mod sso;
mod sso_settings;
mod staff;
mod time;
mod today;
mod visit;

#[cfg(test)]
mod render_timings;

use crate::AppState;
use axum::Router;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

pub(crate) use page::{Ctx, WebError};
pub(crate) use query::PageQuery;

/// The pages, their form handlers and the static assets.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .merge(login::router())
        .merge(accounts::router())
        .merge(approvals::router())
        .merge(audit::router())
        .merge(sso::router())
        .merge(sso_settings::router())
        .merge(today::router())
        .merge(board_events::router())
        .merge(demo_outbox::router())
        .merge(drills::router())
        .merge(plan::router())
        .merge(visit::router())
        .merge(record::router())
        .merge(actions::router())
        .merge(incidents::router())
        .merge(concerns::router())
        .merge(head_only::router())
        .merge(chronology::router())
        .merge(exports::router())
        .merge(imports::router())
        .merge(risk::router())
        .merge(authorise::router())
        .merge(board::router())
        .merge(child_missing::router())
        .merge(households::router())
        .merge(staff::router())
        .merge(policy::router())
        .merge(second_factor::router())
        .merge(reports::router())
        .merge(assets::router())
        .layer(axum::middleware::from_fn(
            second_factor::redirect_to_code_page,
        ))
}

/// Where a signed-in person starts: the office on the board, everyone else on their day.
async fn home(ctx: Result<Ctx, WebError>) -> Response {
    match ctx {
        Ok(ctx) if !ctx.chrome_flags().staff => Redirect::to("/head-only").into_response(),
        Ok(ctx) if ctx.chrome_flags().watches && !ctx.chrome_flags().visits => {
            Redirect::to("/board").into_response()
        }
        Ok(_) => Redirect::to("/today").into_response(),
        Err(_) => Redirect::to("/login").into_response(),
    }
}

/// Unknown addresses: a page for people, the API's JSON for programs.
pub async fn fallback(uri: axum::http::Uri, headers: axum::http::HeaderMap) -> Response {
    let wants_html = headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if wants_html && !uri.path().starts_with("/api/") {
        WebError::from(crate::ApiError::NotFound("page".into())).into_response()
    } else {
        crate::error::not_found_fallback().await.into_response()
    }
}

/// A stored phone number as a page shows it: the checked number, the number as stored when
/// today's parser refuses it (never hidden), or empty when none is on record.
pub(crate) fn shown<T: domain::recorded::ReadOut>(
    v: Option<&domain::recorded::Recorded<T>>,
) -> String {
    v.map_or_else(String::new, ToString::to_string)
}
