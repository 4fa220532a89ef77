//! The pushed board: `/board/events` streams an office board the changes of the board feed as
//! server-sent events as they commit, and `/today/events` a person's Today page those of the
//! visits they are on (never a duress alarm's: `app::board::feed::today`), each with its feed id, so a page that reconnects (the browser sends `Last-Event-ID`) gets what it
//! missed — or, when what it missed was pruned (after a day), a `refresh` event. The page re-reads its own fragment on an event; nothing here renders the board. Who
//! receives what is `app::board::feed::FeedScope`, decided once per stream; whether they still
//! may is checked as it streams (a signed-out or deactivated person's stream ends at once:
//! `crate::session_watch`).

use super::page::{Ctx, WebError};
use crate::AppState;
use crate::session_watch::{RECHECK, SessionWatch};
use crate::web::PageQuery;
use app::board::feed::{self, FeedScope, Resume};
use axum::Router;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::Stream;
use serde::Deserialize;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use store::BoardChange;
use tokio::sync::broadcast::{self, error::RecvError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/board/events", get(board_events))
        .route("/today/events", get(today_events))
}

#[derive(Deserialize)]
struct EventsQuery {
    school_id: Option<i64>,
    /// The feed id the page was rendered at; `Last-Event-ID` wins when the browser sends one.
    after: Option<i64>,
}

/// Where to resume: the browser's `Last-Event-ID` on a reconnect, else the page's `after`, else
/// from now. A database fault reading "now" is answered (the browser retries), never a stream
/// from the very first change.
async fn resume_from(
    state: &AppState,
    headers: &HeaderMap,
    after: Option<i64>,
) -> Result<i64, WebError> {
    let last = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok());
    Ok(match last.or(after) {
        Some(id) => id.max(0),
        None => feed::cursor(state).await?,
    })
}

async fn board_events(
    ctx: Ctx,
    headers: HeaderMap,
    PageQuery(q): PageQuery<EventsQuery>,
) -> Result<Response, WebError> {
    let scope = feed::board_scope(&ctx.state, &ctx.me, q.school_id).await?;
    let from = resume_from(&ctx.state, &headers, q.after).await?;
    // Ctx let this request in, so its cookie is there; without one there is nothing to stream.
    let Some(watch) = SessionWatch::of(&headers) else {
        return Ok(axum::http::StatusCode::UNAUTHORIZED.into_response());
    };
    Ok(events(ctx.state, scope, watch, from).into_response())
}

/// The Today page's stream: changes of the visits the signed-in person is on.
async fn today_events(
    ctx: Ctx,
    headers: HeaderMap,
    PageQuery(q): PageQuery<EventsQuery>,
) -> Result<Response, WebError> {
    let scope = feed::today::today_scope(&ctx.state, &ctx.me).await?;
    let from = resume_from(&ctx.state, &headers, q.after).await?;
    let Some(watch) = SessionWatch::of(&headers) else {
        return Ok(axum::http::StatusCode::UNAUTHORIZED.into_response());
    };
    Ok(events(ctx.state, scope, watch, from).into_response())
}

struct Follow {
    state: AppState,
    scope: FeedScope,
    watch: SessionWatch,
    rx: broadcast::Receiver<Arc<BoardChange>>,
    /// The last id sent (or skipped as not this page's).
    cursor: i64,
    /// Read from the feed after a reconnect or a lag, not yet sent.
    missed: VecDeque<BoardChange>,
    caught_up: bool,
}

fn events(
    state: AppState,
    scope: FeedScope,
    watch: SessionWatch,
    from: i64,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    // Subscribe before reading what was missed, so nothing commits in between unseen.
    let rx = state.board_feed().subscribe();
    let follow = Follow {
        state,
        scope,
        watch,
        rx,
        cursor: from,
        missed: VecDeque::new(),
        caught_up: false,
    };
    let stream = futures_util::stream::unfold(follow, |mut f| async move {
        loop {
            if !f.caught_up {
                f.caught_up = true;
                match feed::resume(&f.state, &mut f.scope, f.cursor).await {
                    Ok(Resume::Changes(missed)) => f.missed.extend(missed),
                    Ok(Resume::Refresh { at }) => {
                        if !f.watch.holds(&f.state).await {
                            return None;
                        }
                        f.missed.clear();
                        f.cursor = f.cursor.max(at);
                        return Some((Ok(refresh(f.cursor)), f));
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "board events: cannot read what was missed")
                    }
                }
            }
            if let Some(c) = f.missed.pop_front() {
                if !f.watch.holds(&f.state).await {
                    return None;
                }
                f.cursor = f.cursor.max(c.id);
                return Some((Ok(event(&c)), f));
            }
            let next = tokio::time::timeout(RECHECK, f.rx.recv()).await;
            let Ok(next) = next else {
                // Quiet: is this still a signed-in, active person's board?
                if !f.watch.holds(&f.state).await {
                    return None;
                }
                continue;
            };
            match next {
                Ok(c) if c.id > f.cursor => match f.scope.admit(&f.state, &c).await {
                    Ok(Some(seen)) => {
                        if !f.watch.holds(&f.state).await {
                            return None;
                        }
                        f.cursor = c.id;
                        return Some((Ok(event(&seen)), f));
                    }
                    Ok(None) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, "board events: cannot decide who sees a change");
                        // Read it again from the feed rather than lose it.
                        f.caught_up = false;
                    }
                },
                Ok(_) => {}
                // Too slow to keep up: read what was missed from the feed itself.
                Err(RecvError::Lagged(_)) => f.caught_up = false,
                Err(RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// `event: change`, `id: <feed id>`, data: the change as JSON (kind, visit, alarm, detail).
fn event(c: &BoardChange) -> Event {
    let data = serde_json::to_string(c).unwrap_or_else(|_| "{}".into());
    Event::default()
        .id(c.id.to_string())
        .event("change")
        .data(data)
}

/// `event: refresh`, `id: <feed id>`: what the page missed is no longer in the feed; it reads
/// itself again in full and follows on from this id.
fn refresh(at: i64) -> Event {
    Event::default()
        .id(at.to_string())
        .event("refresh")
        .data("{}")
}
