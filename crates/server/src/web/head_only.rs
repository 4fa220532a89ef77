//! Records for the head only (A10): allegations against staff and parents' concerns about a
//! visit, kept apart from the child's records. Anyone at the school records one here; only the
//! headteacher reads them back — or, when the allegation is about a headteacher, the chair of
//! governors and the trust's administrators (`app::safeguarding` decides, and audits each read).

use super::form::{FormData, Posted};
use super::page::{Choice, Chrome, Ctx, Errors, WebError, render, render_with, see_other};
use super::time::Local;
use crate::AppState;
use crate::web::PageQuery;
use app::safeguarding::{
    CloseInput, HeadOnlyQuery, RecordInput, close_head_only, head_only_records, record_head_only,
};
use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use domain::safeguarding::HeadOnlyKind;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/head-only", get(list).post(record))
        .route("/head-only/new", get(new_page))
        .route("/head-only/{id}/close", post(close))
}

fn kind_label(kind: HeadOnlyKind) -> &'static str {
    match kind {
        HeadOnlyKind::AllegationAgainstStaff => "Allegation against a member of staff",
        HeadOnlyKind::ParentConcern => "A parent's concern about a home visit",
    }
}

pub struct Row {
    pub id: i64,
    pub kind: &'static str,
    pub about: String,
    pub raised: String,
    pub account: String,
    pub visit_id: i64,
    pub outcome: String,
    pub field: String,
    pub typed: String,
}

#[derive(Template)]
#[template(path = "head_only.html")]
struct ListPage {
    chrome: Chrome,
    flash: bool,
    errors: Errors,
    rows: Vec<Row>,
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
    let q = HeadOnlyQuery {
        school_id: Some(school.0),
    };
    let (st, me) = (&ctx.state, &ctx.me);
    let (policy, list) = tokio::try_join!(
        app::school::current_policy(st, me, school),
        head_only_records(st, me, &q),
    )?;
    let local = Local::of(&policy.settings);
    let abouts: Vec<i64> = list.iter().filter_map(|r| r.about_staff_id).collect();
    let names = app::school::staff_names(st, me, &abouts).await?;
    let mut rows = vec![];
    for r in list {
        let about = r
            .about_staff_id
            .map(|id| names.get(&id).cloned().unwrap_or_else(|| "—".into()))
            .unwrap_or_default();
        rows.push(Row {
            id: r.id,
            kind: kind_label(r.kind),
            about,
            raised: format!(
                "{}, received {} (recorded {})",
                r.raised_by_name,
                local.day_time(r.received_at),
                local.day_time(r.recorded_at)
            ),
            account: r.account,
            visit_id: r.visit_id.unwrap_or_default(),
            outcome: match (r.closed_at, r.outcome) {
                (Some(at), Some(o)) => format!("{}: {o}", local.day_time(at)),
                _ => String::new(),
            },
            field: format!("outcome-{}", r.id),
            typed: typed
                .as_ref()
                .filter(|(id, _)| *id == r.id)
                .map(|(_, t)| t.clone())
                .unwrap_or_default(),
        });
    }
    Ok(ListPage {
        chrome: ctx.chrome("head-only"),
        flash,
        errors,
        rows,
    })
}

async fn list(ctx: Ctx, PageQuery(q): PageQuery<DoneQuery>) -> Result<Response, WebError> {
    Ok(render(
        &page(&ctx, q.done.is_some(), Errors::none(), None).await?,
    ))
}

async fn close(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    let field = format!("outcome-{id}");
    let outcome = f.get(&field).to_string();
    let closed = async {
        let input = CloseInput {
            outcome: domain::MultiLine::parse(&field, &outcome)?,
        };
        close_head_only(&ctx.state, &ctx.me, id, &input).await
    };
    match closed.await {
        Ok(_) => Ok(see_other("/head-only?done=closed")),
        Err(e) if e.is_fixable() => {
            let errors = Errors::from_refusal(e, &[field.as_str()], &field);
            let page = page(&ctx, false, errors, Some((id, outcome))).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "head_only_new.html")]
struct NewPage {
    chrome: Chrome,
    errors: Errors,
    receipt: String,
    v: Vec<(String, String)>,
    kinds: Vec<Choice>,
    staff: Vec<Choice>,
}

impl NewPage {
    fn value(&self, name: &str) -> &str {
        super::form::typed(&self.v, name)
    }
}

#[derive(Deserialize)]
struct NewQuery {
    visit_id: Option<i64>,
    to: Option<String>,
}

async fn form(
    ctx: &Ctx,
    v: Vec<(String, String)>,
    errors: Errors,
    receipt: String,
) -> Result<NewPage, WebError> {
    let school = ctx.school(None).await?;
    let pick = |name: &str| crate::web::form::typed(&v, name).to_string();
    let (kind, about) = (pick("kind"), pick("about_staff_id"));
    let mut staff = vec![Choice::new("", "Nobody in particular", about.is_empty())];
    staff.extend(
        app::school::staff_directory(&ctx.state, &ctx.me, school)
            .await?
            .into_iter()
            .filter(|s| s.active)
            .map(|s| {
                let id = s.id.0.to_string();
                let selected = id == about;
                Choice::new(id, s.name, selected)
            }),
    );
    let kinds = [
        (
            "allegation_against_staff",
            "An allegation against a member of staff",
        ),
        (
            "parent_concern",
            "A parent's or carer's concern about a home visit",
        ),
    ]
    .iter()
    .map(|(k, l)| Choice::new(*k, *l, *k == kind))
    .collect();
    Ok(NewPage {
        chrome: ctx.chrome("head-only"),
        errors,
        receipt,
        v,
        kinds,
        staff,
    })
}

async fn new_page(ctx: Ctx, PageQuery(q): PageQuery<NewQuery>) -> Result<Response, WebError> {
    let v = vec![(
        "visit_id".to_string(),
        q.visit_id.map(|i| i.to_string()).unwrap_or_default(),
    )];
    let receipt = match q.to.as_deref() {
        Some("head") => {
            "Recorded. Only the headteacher can read it; they have been told it is waiting."
        }
        Some("chair") => {
            "Recorded. It is about the headteacher, so only the chair of governors and the trust's administrators can read it; they have been told."
        }
        _ => "",
    };
    Ok(render(
        &form(&ctx, v, Errors::none(), receipt.into()).await?,
    ))
}

/// A10: the record goes to the head (or the chair); the person who made it cannot read it back.
async fn record(ctx: Ctx, f: Posted) -> Result<Response, WebError> {
    // A box refused before it was read: the form again, the refusal by it.
    let f = match f {
        Ok(f) => f,
        Err(r) => {
            let (errors, typed) = r.on_page()?;
            let page = form(&ctx, typed, errors, String::new()).await?;
            return Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    let id = |name: &str| f.get(name).parse::<i64>().ok();
    // Every box is checked before the page is shown again, so each refusal is by its box.
    let kind = f.opt("kind").and_then(HeadOnlyKind::parse);
    let raised_by_name = f.text("raised_by_name");
    let account = f.text("account");
    let (Some(kind), Ok(raised_by_name), Ok(account)) = (kind, &raised_by_name, &account) else {
        let mut errors = Errors::none();
        if kind.is_none() {
            errors.add(
                "kind",
                "Choose whether it is an allegation or a parent's concern",
            );
        }
        for e in [raised_by_name.err(), account.err()].into_iter().flatten() {
            errors.add(&e.field, e.reason);
        }
        let page = form(&ctx, f.pairs(), errors, String::new()).await?;
        return Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page));
    };
    let recorded = async {
        let input = RecordInput {
            kind,
            visit_id: id("visit_id"),
            pupil_id: None,
            about_staff_id: id("about_staff_id"),
            raised_by_name: raised_by_name.clone(),
            received_at: None,
            account: account.clone(),
        };
        record_head_only(&ctx.state, &ctx.me, &input).await
    };
    match recorded.await {
        Ok(receipt) => {
            let to = if receipt.to_chair { "chair" } else { "head" };
            Ok(see_other(&format!("/head-only/new?to={to}")))
        }
        Err(e) if e.is_fixable() => {
            let errors = Errors::from_refusal(e, &[], "kind");
            let page = form(&ctx, f.pairs(), errors, String::new()).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}
