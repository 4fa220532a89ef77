//! A6, #13: the child-missing pack page, where the unanswered-slip alarm's messages link. The
//! same use case as `/api/visits/{id}/child-missing` decides who reads it and audits the read.

use super::page::{Chrome, Ctx, WebError, render};
use crate::AppState;
use app::records;
use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::get;
use domain::VisitId;

pub fn router() -> Router<AppState> {
    Router::new().route("/visits/{id}/child-missing", get(pack))
}

#[derive(Template)]
#[template(path = "child_missing.html")]
struct PackPage {
    chrome: Chrome,
    id: i64,
    child: String,
    school: String,
    times_note: String,
    sections: Vec<(String, Vec<String>)>,
}

/// The pack, printable, with its PDF one click away.
async fn pack(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, WebError> {
    let pack = records::child_missing_pack(&ctx.state, &ctx.me, VisitId(id)).await?;
    Ok(render(&PackPage {
        chrome: ctx.chrome("board"),
        id,
        times_note: format!("Times are {} time.", pack.time_zone),
        sections: pack
            .sections()
            .into_iter()
            .map(|(h, lines)| (h.to_string(), lines))
            .collect(),
        child: pack.child,
        school: pack.school,
    }))
}
