//! "My actions": the follow-up actions I own that are not done yet, soonest due first, the
//! overdue ones marked (A3); and marking an action done from here or from its visit's page.

use super::form::FormData;
use super::page::{Chrome, Ctx, WebError, local_path, render, see_other};
use super::record::ActionRow;
use super::time::Local;
use crate::AppState;
use crate::web::PageQuery;
use app::records::{self, DoneInput};
use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/actions", get(mine))
        .route("/actions/{id}/done", post(done))
}

#[derive(Template)]
#[template(path = "my_actions.html")]
struct MinePage {
    chrome: Chrome,
    flash: bool,
    actions: Vec<ActionRow>,
    overdue: usize,
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn mine(ctx: Ctx, PageQuery(q): PageQuery<DoneQuery>) -> Result<Response, WebError> {
    let school = ctx.school(None).await?;
    let policy = app::school::current_policy(&ctx.state, &ctx.me, school).await?;
    let local = Local::of(&policy.settings);
    let today = local.date_of(ctx.state.clock().now());
    let actions: Vec<ActionRow> = records::my_actions(&ctx.state, &ctx.me)
        .await?
        .into_iter()
        .map(|a| ActionRow::of(a, today, &local))
        .collect();
    Ok(render(&MinePage {
        chrome: ctx.chrome("actions"),
        flash: q.done.is_some(),
        overdue: actions.iter().filter(|a| a.overdue).count(),
        actions,
    }))
}

/// Marks an action done and goes back where the button was.
async fn done(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    let input = DoneInput {
        note: f.opt_text("note")?,
    };
    records::complete_action(&ctx.state, &ctx.me, id, input).await?;
    let back = local_path(f.get("return_to"), "/actions");
    let back = back.split(['?', '#']).next().unwrap_or("/actions");
    Ok(see_other(&format!("{back}?done=action-done")))
}
