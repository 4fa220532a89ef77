//! Safeguarding concerns for the DSL (A4): every concern raised at the school, newest first, the
//! ones not yet acknowledged on top, and acknowledging one with what the DSL decided. The use
//! cases (`app::safeguarding`) decide who may list them (the DSL, the safeguarding team and the
//! head) and audit each look.

use super::form::FormData;
use super::page::{Chrome, Ctx, Errors, WebError, render, render_with, see_other};
use super::time::Local;
use crate::AppState;
use crate::web::PageQuery;
use app::safeguarding::{AcknowledgeInput, acknowledge_concern, safeguarding_overview};
use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/safeguarding", get(list))
        .route("/safeguarding/{id}/acknowledge", post(acknowledge))
}

pub struct Row {
    pub id: i64,
    pub pupil: String,
    pub pupil_id: i64,
    pub visit_id: i64,
    pub heading: String,
    pub concern: String,
    pub acknowledged: String,
    /// The name of this concern's note field, so each form's error sits by its own field.
    pub field: String,
    pub note: String,
}

/// One break-glass opening, as the DSL reviews it.
pub struct GlassRow {
    pub who: String,
    pub pupil: String,
    pub pupil_id: i64,
    pub reason: String,
    pub when: String,
}

#[derive(Template)]
#[template(path = "safeguarding.html")]
struct ListPage {
    chrome: Chrome,
    flash: bool,
    errors: Errors,
    open: Vec<Row>,
    done: Vec<Row>,
    /// Every break-glass of the school, for the DSL and the head; `None` for others.
    glass: Option<Vec<GlassRow>>,
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn page(
    ctx: &Ctx,
    flash: bool,
    errors: Errors,
    typed: Option<(i64, String)>,
) -> Result<ListPage, WebError> {
    let school = ctx.school(None).await?;
    let (policy, seen) = tokio::try_join!(
        app::school::current_policy(&ctx.state, &ctx.me, school),
        safeguarding_overview(&ctx.state, &ctx.me, Some(school.0)),
    )?;
    let (list, glass, names) = (seen.concerns, seen.break_glass, seen.pupil_names);
    let local = Local::of(&policy.settings);
    let (mut open, mut done) = (vec![], vec![]);
    for c in list {
        let row = Row {
            id: c.id,
            pupil: names.get(&c.pupil_id.0).cloned().unwrap_or_default(),
            pupil_id: c.pupil_id.0,
            visit_id: c.visit_id.unwrap_or_default(),
            heading: format!(
                "Raised by {}, {} ({})",
                c.raised_by_name,
                local.day_time(c.observed_at),
                c.source.replace('_', " ")
            ),
            concern: c.concern,
            acknowledged: match (c.acknowledged_at, c.dsl_note) {
                (Some(at), note) => {
                    format!("{}: {}", local.day_time(at), note.unwrap_or_default())
                }
                _ => String::new(),
            },
            field: format!("note-{}", c.id),
            note: typed
                .as_ref()
                .filter(|(id, _)| *id == c.id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default(),
        };
        if row.acknowledged.is_empty() {
            open.push(row);
        } else {
            done.push(row);
        }
    }
    let glass = glass.map(|rows| {
        rows.into_iter()
            .map(|b| GlassRow {
                who: b.staff_name,
                pupil: b.pupil_name,
                pupil_id: b.pupil_id,
                reason: b.reason,
                when: format!(
                    "{} until {}",
                    local.day_time(b.opened_at),
                    local.time(b.ends_at)
                ),
            })
            .collect()
    });
    Ok(ListPage {
        chrome: ctx.chrome("safeguarding"),
        flash,
        errors,
        open,
        done,
        glass,
    })
}

async fn list(ctx: Ctx, PageQuery(q): PageQuery<DoneQuery>) -> Result<Response, WebError> {
    Ok(render(
        &page(&ctx, q.done.is_some(), Errors::none(), None).await?,
    ))
}

async fn acknowledge(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    let field = format!("note-{id}");
    let note = f.get(&field).to_string();
    let done = async {
        let input = AcknowledgeInput {
            note: domain::MultiLine::parse(&field, &note)?,
        };
        acknowledge_concern(&ctx.state, &ctx.me, id, &input).await
    };
    match done.await {
        Ok(_) => Ok(see_other("/safeguarding?done=acknowledged")),
        Err(e) if e.is_fixable() => {
            let errors = Errors::from_refusal(e, &[field.as_str()], &field);
            let page = page(&ctx, false, errors, Some((id, note))).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}
