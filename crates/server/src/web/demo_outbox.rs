//! `/outbox` (`doorstep demo` only): the messages the demo kept instead of sending, because no
//! e-mail, SMS or webhook is set up there — like a development mail catcher. Office and head
//! only; `app::demo_outbox` decides who and audits the read. `/api/demo/outbox` is the same list
//! as JSON.

use super::page::{Chrome, Ctx, WebError, render};
use crate::AppState;
use crate::web::PageQuery;
use askama::Template;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use domain::policy::Channel;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/outbox", get(page))
        .route("/api/demo/outbox", get(json))
}

#[derive(Deserialize)]
struct Q {
    school_id: Option<i64>,
}

pub struct Row {
    pub channel: &'static str,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub when: String,
    pub alarm: String,
}

#[derive(Template)]
#[template(path = "demo_outbox.html")]
struct Page {
    chrome: Chrome,
    rows: Vec<Row>,
}

fn channel_label(channel: Channel) -> &'static str {
    match channel {
        Channel::Email => "E-mail",
        Channel::Sms => "Text (SMS)",
        Channel::Webhook => "Webhook",
        Channel::InApp => "In Doorstep",
    }
}

async fn page(ctx: Ctx, PageQuery(q): PageQuery<Q>) -> Result<Response, WebError> {
    let kept = app::demo_outbox::kept_messages(&ctx.state, &ctx.me, q.school_id).await?;
    let local = ctx.local().await?;
    let rows = kept
        .into_iter()
        .map(|m| Row {
            channel: channel_label(m.channel),
            to: match m.recipient {
                Some(name) => format!("{name} ({})", m.address),
                None => m.address,
            },
            subject: m.subject,
            body: m.body,
            when: m.kept_at.map(|t| local.day_time(t)).unwrap_or_default(),
            alarm: m.alarm_id.map(|a| a.to_string()).unwrap_or_default(),
        })
        .collect();
    Ok(render(&Page {
        chrome: ctx.chrome("outbox"),
        rows,
    }))
}

async fn json(ctx: Ctx, PageQuery(q): PageQuery<Q>) -> Result<Response, WebError> {
    let kept = app::demo_outbox::kept_messages(&ctx.state, &ctx.me, q.school_id).await?;
    Ok(Json(kept).into_response())
}
