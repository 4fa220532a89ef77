//! The approvals page (#12 item 3): senior roles (headteacher, DSL, chair of governors, trust
//! administrator) asked for someone wait here for a second person, who approves or refuses each
//! with a labelled button. Who may decide is `app::accounts`'s answer (as for `/api/role-grants`);
//! this room only shows it and posts the decision.

use super::page::{Chrome, Ctx, WebError, render, see_other};
use crate::AppState;
use crate::web::PageQuery;
use app::accounts as uc;
use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/approvals", get(approvals_page))
        .route("/approvals/{id}/approve", post(approve))
        .route("/approvals/{id}/refuse", post(refuse))
}

/// One waiting grant as a row of the page.
struct Row {
    id: i64,
    staff_id: i64,
    staff_name: String,
    role: &'static str,
    requested_by: String,
    requested_at: String,
    may_decide: bool,
}

#[derive(Template)]
#[template(path = "approvals.html")]
struct ApprovalsPage {
    chrome: Chrome,
    rows: Vec<Row>,
    done: String,
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn approvals_page(
    ctx: Ctx,
    PageQuery(q): PageQuery<DoneQuery>,
) -> Result<Response, WebError> {
    let local = ctx.local().await?;
    let rows = uc::grants_needing_approval(&ctx.state, &ctx.me)
        .await?
        .grants
        .into_iter()
        .map(|g| Row {
            id: g.id,
            staff_id: g.staff_id,
            staff_name: g.staff_name,
            role: g.role.title(),
            requested_by: g.requested_by,
            requested_at: local.day_time(g.requested_at),
            may_decide: g.may_approve,
        })
        .collect();
    let done = match q.done.as_deref() {
        Some("approved") => "Approved: the role is given.",
        Some("refused") => "Refused: the role was not given.",
        _ => "",
    };
    Ok(render(&ApprovalsPage {
        chrome: ctx.chrome("approvals"),
        rows,
        done: done.to_string(),
    }))
}

async fn approve(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, WebError> {
    uc::approve_grant(&ctx.state, &ctx.me, id, ctx.state.now()).await?;
    Ok(see_other("/approvals?done=approved"))
}

async fn refuse(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, WebError> {
    uc::refuse_grant(&ctx.state, &ctx.me, id, ctx.state.now()).await?;
    Ok(see_other("/approvals?done=refused"))
}
