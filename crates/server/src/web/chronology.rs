//! A pupil's chronology (A3): every visit, outcome, action, slip, safeguarding concern and
//! incident in time order, filtered by kind and dates, with the same as a PDF; and for the DSL
//! and the head, who has read the child's records (A9). Read through `app::safeguarding`, which
//! lets in only the staff involved with the child, the DSL and the head — anyone else is told
//! "not found" — and records every look.

use super::form::FormData;
use super::page::{Choice, Chrome, Ctx, Errors, WebError, render_with, see_other};
use super::time::Local;
use crate::AppState;
use crate::web::PageQuery;
use app::Refusal;
use app::permissions::reads_every_child;
use app::safeguarding::{
    BreakGlassInput, ChronologyQuery, break_glass as open_records, break_glass_offer,
    chronology as read_chronology, record_reads,
};
use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::NaiveDate;
use domain::PupilId;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/pupils/{id}/chronology", get(chronology))
        .route("/pupils/{id}/break-glass", post(break_glass))
}

const KINDS: [(&str, &str); 6] = [
    ("visit", "Visits"),
    ("outcome", "Outcomes"),
    ("action", "Follow-up actions"),
    ("slip", "Home Visit Slips"),
    ("concern", "Safeguarding concerns"),
    ("incident", "Incidents"),
];

#[derive(Deserialize, Default)]
struct Filter {
    kind: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

impl Filter {
    /// The filter as a query string for the PDF link.
    fn query(&self) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [("kind", &self.kind), ("from", &self.from), ("to", &self.to)] {
            if let Some(v) = v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                q.append_pair(k, v);
            }
        }
        q.finish()
    }

    /// The filter as the use case takes it; a date that is not one is refused naming its field.
    fn checked(&self) -> Result<ChronologyQuery, Refusal> {
        let date = |field: &'static str, v: &Option<String>| match v
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
        {
            None => Ok(None),
            Some(v) => v.parse::<NaiveDate>().map(Some).map_err(|_| {
                Refusal::bad_request(field, format!("'{v}' is not a date like 2026-09-01"))
            }),
        };
        Ok(ChronologyQuery {
            kind: self.kind.clone().filter(|k| !k.trim().is_empty()),
            from: date("from", &self.from)?,
            to: date("to", &self.to)?,
        })
    }
}

pub struct Entry {
    pub when: String,
    pub kind: &'static str,
    pub title: String,
    pub detail: String,
    pub visit_id: i64,
}

pub struct Read {
    pub when: String,
    pub who: String,
    pub what: String,
}

#[derive(Template)]
#[template(path = "chronology.html")]
struct Page {
    chrome: Chrome,
    errors: Errors,
    id: i64,
    name: String,
    kinds: Vec<Choice>,
    from: String,
    to: String,
    entries: Vec<Entry>,
    pdf: String,
    /// For the DSL and the head: who read this child's records.
    reads: Option<Vec<Read>>,
}

fn kind_label(kind: &str) -> &'static str {
    KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("Record", |(_, l)| l)
}

async fn chronology(
    ctx: Ctx,
    Path(id): Path<i64>,
    PageQuery(filter): PageQuery<Filter>,
) -> Result<Response, WebError> {
    let query = filter.query();
    let chosen = filter.kind.clone().unwrap_or_default();
    let mut kinds = vec![Choice::new("", "Everything", chosen.is_empty())];
    kinds.extend(KINDS.iter().map(|(k, l)| Choice::new(*k, *l, *k == chosen)));
    let pupil = PupilId(id);
    let asked = filter.checked();
    let (status, errors, chron) = match asked {
        Ok(q) => match read_chronology(&ctx.state, &ctx.me, pupil, &q).await {
            Ok(c) => (StatusCode::OK, Errors::none(), c),
            Err(e @ Refusal::BadRequest { .. }) => bad_filter(&ctx, pupil, e).await?,
            Err(e @ Refusal::NotFound(_)) => {
                return closed(&ctx, pupil, e, Errors::none(), "").await;
            }
            Err(e) => return Err(e.into()),
        },
        Err(e) => bad_filter(&ctx, pupil, e).await?,
    };
    let (_, school) = app::school::pupil_name(&ctx.state, &ctx.me, pupil).await?;
    let local = Local::of(
        &app::school::current_policy(&ctx.state, &ctx.me, school)
            .await?
            .settings,
    );
    let entries = chron
        .entries
        .into_iter()
        .map(|e| Entry {
            when: local.day_time(e.at),
            kind: kind_label(e.kind),
            title: e.title,
            detail: e.detail,
            visit_id: e.visit_id.unwrap_or_default(),
        })
        .collect();
    let reads = if reads_every_child(&ctx.me) {
        let list = record_reads(&ctx.state, &ctx.me, pupil).await?;
        Some(
            list.into_iter()
                .take(200)
                .map(|r| Read {
                    when: local.day_time(r.at),
                    who: r.actor_name.unwrap_or_else(|| "—".into()),
                    what: r.action.replace(['_', '.'], " "),
                })
                .collect(),
        )
    } else {
        None
    };
    let page = Page {
        chrome: ctx.chrome("households"),
        errors,
        id,
        name: chron.pupil_name,
        kinds,
        from: filter.from.clone().unwrap_or_default(),
        to: filter.to.clone().unwrap_or_default(),
        entries,
        pdf: format!("/api/pupils/{id}/chronology.pdf?{query}"),
        reads,
    };
    Ok(render_with(status, &page))
}

/// A filter that cannot be used: the refusal next to its field, with everything listed.
async fn bad_filter(
    ctx: &Ctx,
    pupil: PupilId,
    refusal: Refusal,
) -> Result<(StatusCode, Errors, app::safeguarding::Chronology), WebError> {
    let errors = Errors::from_refusal(refusal, &["kind", "from", "to"], "from");
    let all = read_chronology(&ctx.state, &ctx.me, pupil, &ChronologyQuery::default()).await?;
    Ok((StatusCode::BAD_REQUEST, errors, all))
}

/// The records closed to this person: "not found", exactly as the API and the pupil page answer
/// it (no name, no 403, so trying ids does not read the school's roll); those who may break the
/// glass ([`app::access::may_break_glass`]) get the break-glass form with it, which does not name
/// the child either.
#[derive(Template)]
#[template(path = "records_closed.html")]
struct Closed {
    chrome: Chrome,
    id: i64,
    minutes: u32,
    errors: Errors,
    reason: String,
}

async fn closed(
    ctx: &Ctx,
    pupil: PupilId,
    refusal: Refusal,
    errors: Errors,
    reason: &str,
) -> Result<Response, WebError> {
    let Ok(Some(minutes)) = break_glass_offer(&ctx.state, &ctx.me, pupil).await else {
        return Err(refusal.into());
    };
    let page = Closed {
        chrome: ctx.chrome("households"),
        id: pupil.0,
        minutes,
        errors,
        reason: reason.to_string(),
    };
    let status = if page.errors.is_empty() {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render_with(status, &page))
}

/// Opens the child's records with the reason typed, then shows them; the form again, with the
/// reason kept, when it is refused.
async fn break_glass(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    let reason = f.get("reason").to_string();
    let pupil = PupilId(id);
    let opened = async {
        let input = BreakGlassInput {
            reason: domain::MultiLine::parse("reason", &reason)?,
        };
        open_records(&ctx.state, &ctx.me, pupil, &input, ctx.state.now()).await
    };
    match opened.await {
        Ok(_) => Ok(see_other(&format!("/pupils/{id}/chronology"))),
        Err(e) if e.is_fixable() && !matches!(e, Refusal::NotFound(_)) => {
            let errors = Errors::from_refusal(e, &["reason"], "reason");
            closed(&ctx, pupil, Refusal::not_found("pupil"), errors, &reason).await
        }
        Err(e) => Err(e.into()),
    }
}
