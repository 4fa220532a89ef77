//! A live stream's session, checked as it streams (#12 item 3): the in-app feed (`/api/feed`)
//! and the office board's events (`/board/events`) carry alarm bodies and information-pack
//! details, so a person who signs out (on this device or from "my sessions") or whose account is
//! deactivated stops receiving them at once, not when the connection happens to drop. Each
//! stream checks before every event it sends and every [`RECHECK`] while quiet.
//!
//! Only an ended session or a deactivated account stops a stream: a session's age does not, so a
//! visitor out on a visit is never cut off for it (#11 item 5); the browser's reconnect then
//! meets the usual sign-in check.

use crate::AppState;
use crate::auth::session_token;
use app::school_admin::token_hash;
use axum::http::HeaderMap;
use std::time::Duration;

/// How often a quiet stream re-checks its session: the longest a signed-out person's open
/// stream stays open without an event to send.
pub(crate) const RECHECK: Duration = Duration::from_secs(2);

/// The session a stream was opened with (its token's hash only).
#[derive(Clone)]
pub(crate) struct SessionWatch {
    hash: String,
}

impl SessionWatch {
    /// The session the request's cookie carries; `None` without one (the extractor that let
    /// the request in has already refused that).
    pub(crate) fn of(headers: &HeaderMap) -> Option<Self> {
        session_token(headers).map(|t| SessionWatch {
            hash: token_hash(&t),
        })
    }

    /// Whether the session still exists and its account is still active. A database that
    /// cannot answer ends the stream too (it holds safeguarding details); the browser
    /// reconnects and is checked afresh.
    pub(crate) async fn holds(&self, state: &AppState) -> bool {
        match state.session(self.hash.clone()).await {
            Ok(Some(_)) => true,
            Ok(None) => {
                tracing::info!(
                    "a live stream ended: its session was signed out or its account deactivated"
                );
                false
            }
            Err(e) => {
                tracing::warn!(error = %e, "a live stream ended: its session could not be checked");
                false
            }
        }
    }
}
