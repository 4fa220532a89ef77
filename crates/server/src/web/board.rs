//! The office board: everyone out now — who, where, with whom, last contact, next due, due
//! back — overdue in red, alarms at the top with acknowledge and resolve, the information pack
//! one click away, and the staff's mobile numbers as `tel:` links (`phones`). On a phone each
//! person out is a card, status first (`static/app.css`), from the same markup. The page
//! follows the board feed (`board_events`) and re-reads its live part when something commits
//! (waiting while someone types into it); without JavaScript it reloads itself. The board's
//! content is `app::board::board`, the same as the API's `/api/board`, so the office and any
//! other client see the same thing.

use super::form::FormData;
use super::page::{Choice, Chrome, Ctx, Errors, WebError, render, render_with, see_other};
use super::time::{Local, relative};
use crate::AppState;
use crate::web::PageQuery;
use app::board;
use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use domain::VisitId;
use serde::Deserialize;

mod channels;
mod phones;
use channels::{channel_label, test_lines, unreachable_lines};
use phones::{Phone, Visitor};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/board", get(board))
        .route("/board/live", get(live))
        .route("/alarms/{id}/acknowledge", post(acknowledge))
        .route("/alarms/{id}/resolve", post(resolve))
        .route("/visits/{id}/pack", get(pack))
}

struct AlarmRow {
    id: i64,
    visit_id: i64,
    label: String,
    urgent: bool,
    /// A practice alarm (drill): shown as one.
    drill: bool,
    raised: String,
    who: String,
    where_: String,
    acknowledged: String,
    /// Nobody outside the app has been told yet.
    failed: bool,
    /// One line per outside channel failing now, e.g. "E-mail failing since 09:02: …", and
    /// per person a channel cannot reach ("no mobile number on record for Helen Head").
    failing: Vec<String>,
    /// Who was told what, how, when and whether it was delivered, one line each.
    told: Vec<String>,
    /// The visitors' and buddy's mobiles, to phone now.
    phones: Vec<Phone>,
}

struct OutRow {
    visit_id: i64,
    status: &'static str,
    /// Each visitor once, with their mobile beside the name.
    visitors: Vec<Visitor>,
    family: String,
    address: String,
    buddy: String,
    buddy_phone: Option<Phone>,
    last_contact: String,
    next_due: String,
    due_back: String,
    overdue: bool,
    /// Due and not yet made, inside its grace: shown amber with words.
    late_in_grace: bool,
}

/// One line of the daily channel test, e.g. "E-mail, test of 07:30: received by 2 of 2".
struct TestLine {
    text: String,
    failing: bool,
}

/// The part of the board that refreshes itself.
#[derive(Template)]
#[template(path = "board_live.html")]
struct Live {
    school_id: i64,
    now: String,
    alarms: Vec<AlarmRow>,
    out: Vec<OutRow>,
    channel_test: Vec<TestLine>,
    errors: Errors,
    error_alarm: i64,
}

#[derive(Template)]
#[template(path = "board.html")]
struct BoardPage {
    chrome: Chrome,
    schools: Vec<Choice>,
    live: Live,
    /// The board feed's id when this page was read: the page's live stream resumes from here.
    feed_after: i64,
}

#[derive(Deserialize)]
struct SchoolQuery {
    school_id: Option<i64>,
}

async fn live_part(
    ctx: &Ctx,
    school_id: Option<i64>,
    errors: Errors,
    error_alarm: i64,
) -> Result<Live, WebError> {
    let b = board::board(&ctx.state, &ctx.me, school_id, ctx.state.now()).await?;
    let local = Local::in_zone(b.tz);
    let when = |at: DateTime<Utc>| format!("{} ({})", local.time(at), relative(at, b.now));
    let alarms = b
        .alarms
        .iter()
        .map(|a| {
            let out = b.out.iter().find(|o| Some(o.visit_id) == a.alarm.visit_id);
            AlarmRow {
                id: a.alarm.id,
                visit_id: a.alarm.visit_id.unwrap_or_default(),
                label: a.label.clone(),
                urgent: a.urgent,
                drill: a.alarm.drill,
                raised: when(a.alarm.raised_at),
                who: out.map_or(String::new(), |o| o.staff.join(", ")),
                where_: out.map_or(String::new(), |o| {
                    format!("{} family, {}, {}", o.family_name, o.address, o.postcode)
                }),
                acknowledged: match (a.alarm.state.as_str(), a.alarm.acknowledged_at) {
                    // The same words as the 409 a second acknowledger gets (C13).
                    ("acknowledged", Some(at)) => {
                        let note = a.alarm.acknowledgement.clone().unwrap_or_default();
                        format!(
                            "{} is dealing with this alarm (since {}){}",
                            a.acknowledged_by_name.as_deref().unwrap_or("Someone"),
                            local.time(at),
                            if note.is_empty() {
                                String::new()
                            } else {
                                format!(": {note}")
                            }
                        )
                    }
                    _ => String::new(),
                },
                failed: a.reach.nobody_told,
                failing: a
                    .reach
                    .channels
                    .iter()
                    .filter(|c| c.failing)
                    .map(|c| {
                        format!(
                            "{} failing since {}: {} ({} sent, {} waiting, {} given up)",
                            channel_label(&c.channel),
                            c.failing_since.map_or("—".into(), |at| local.time(at)),
                            c.last_error.as_deref().unwrap_or("no detail"),
                            c.sent,
                            c.waiting,
                            c.failed
                        )
                    })
                    .chain(unreachable_lines(&a.reach.channels))
                    .collect(),
                told: a.told.iter().map(|t| t.line.clone()).collect(),
                phones: out.map(phones::all).unwrap_or_default(),
            }
        })
        .collect();
    let out = b
        .out
        .iter()
        .map(|o| OutRow {
            visit_id: o.visit_id,
            status: o.status.label(),
            visitors: phones::visitors(o),
            family: o.family_name.clone(),
            address: format!("{}, {}", o.address, o.postcode),
            buddy: match (&o.buddy, o.buddy_missing) {
                (Some(b), _) => b.clone(),
                (None, _) => "No buddy on site: the office is watching".into(),
            },
            last_contact: when(o.last_contact_at),
            // An open alarm says what was missed, not a check-in still to come (C10).
            next_due: match &o.overdue_for {
                Some((what, since)) => format!("Overdue: {what} (since {})", local.time(*since)),
                None => o.next_due.map(when).unwrap_or_else(|| "—".into()),
            },
            buddy_phone: phones::buddy(o),
            due_back: when(o.due_back),
            overdue: o.overdue,
            late_in_grace: o.late_in_grace,
        })
        .collect();
    let channel_test = b
        .channel_test
        .as_ref()
        .map(|t| test_lines(t, &local))
        .unwrap_or_default();
    Ok(Live {
        school_id: b.school_id,
        now: local.time(b.now),
        alarms,
        out,
        channel_test,
        errors,
        error_alarm,
    })
}

async fn page(
    ctx: &Ctx,
    school_id: Option<i64>,
    errors: Errors,
    error_alarm: i64,
) -> Result<BoardPage, WebError> {
    // Read before the board, so a change committed while it is read is sent again, not lost.
    let feed_after = board::feed::cursor(&ctx.state).await?;
    let live = live_part(ctx, school_id, errors, error_alarm).await?;
    Ok(BoardPage {
        feed_after,
        chrome: ctx.chrome("board"),
        schools: ctx.school_choices(domain::SchoolId(live.school_id)).await?,
        live,
    })
}

async fn board(ctx: Ctx, PageQuery(q): PageQuery<SchoolQuery>) -> Result<Response, WebError> {
    Ok(render(&page(&ctx, q.school_id, Errors::none(), 0).await?))
}

async fn live(ctx: Ctx, PageQuery(q): PageQuery<SchoolQuery>) -> Result<Response, WebError> {
    Ok(render(
        &live_part(&ctx, q.school_id, Errors::none(), 0).await?,
    ))
}

/// Acknowledge or resolve from the board: the same use case as the JSON API; a refusal is shown
/// next to the alarm's field on the re-rendered board.
async fn alarm_action(
    ctx: Ctx,
    id: i64,
    f: FormData,
    field: &'static str,
) -> Result<Response, WebError> {
    let school = f.get("school_id").parse::<i64>().ok();
    let back = match school {
        Some(s) => format!("/board?school_id={s}"),
        None => "/board".to_string(),
    };
    let text = f.get(field);
    let now = ctx.state.now();
    let done = match field {
        "note" => board::acknowledge(&ctx.state, &ctx.me, id, text, now).await,
        _ => board::resolve(&ctx.state, &ctx.me, id, text, now).await,
    };
    match done {
        Ok(_) => Ok(see_other(&back)),
        Err(r) if r.is_fixable() => {
            let mut errors = Errors::from_refusal(r, &[], field);
            for m in &mut errors.list {
                m.anchor = format!("{field}-{id}");
            }
            let page = page(&ctx, school, errors, id).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(r) => Err(r.into()),
    }
}

async fn acknowledge(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    alarm_action(ctx, id, f, "note").await
}

async fn resolve(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    alarm_action(ctx, id, f, "outcome").await
}

#[derive(Template)]
#[template(path = "pack.html")]
struct PackPage {
    chrome: Chrome,
    id: i64,
    text: String,
}

/// The information pack for the police, printable. The use case audits every read.
async fn pack(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, WebError> {
    let text = board::information_pack(&ctx.state, &ctx.me, VisitId(id), ctx.state.now()).await?;
    Ok(render(&PackPage {
        chrome: ctx.chrome("board"),
        id,
        text,
    }))
}
