//! Which requests go first. The safety actions of a visit under way (check-in, panic, duress,
//! arrived, left, back…) are always let through; everything else shares a bounded number of
//! places, so a flood of other requests can neither fill every connection nor queue ahead of the
//! monitor for the database pool.

use axum::http::{Method, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::Semaphore;

/// The safety actions on `/api/visits/{id}/…` (JSON) and `/today/{id}/…` (the Today page's
/// forms). Keep in step with `in_progress`, `visits::steps` and `web::today::act`.
const SAFETY_ACTIONS: [&str; 14] = [
    "check-in",
    "panic-pressed",
    "panic-cancelled",
    "extend",
    "panic",
    "duress",
    "observations",
    "observation",
    "buddy-handover",
    "sign-out",
    "arrived",
    "nobody-home",
    "left",
    "returned",
];

/// True for a POST of a safety action: `/api/visits/{id}/{action}` or `/today/{id}/{action}`.
pub(crate) fn is_safety<B>(req: &Request<B>) -> bool {
    if req.method() != Method::POST {
        return false;
    }
    let path = req.uri().path();
    let rest = path
        .strip_prefix("/api/visits/")
        .or_else(|| path.strip_prefix("/today/"));
    let Some((id, action)) = rest.and_then(|r| r.split_once('/')) else {
        return false;
    };
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) && SAFETY_ACTIONS.contains(&action)
}

/// How long a request other than a safety action waits for its turn before it is answered 503.
const TURN_WAIT: Duration = Duration::from_secs(10);

/// The places for requests other than safety actions.
pub(crate) struct Gate {
    /// Connections that may be answering such a request at once: the cap less the reserve for
    /// safety actions. Over it the answer is 503 at once.
    connections: Arc<Semaphore>,
    /// Such requests being handled at once; more wait up to [`TURN_WAIT`].
    handlers: Arc<Semaphore>,
    /// 503s answered, for the door's log summary.
    pub(crate) refused: AtomicU64,
}

/// Held while a request other than a safety action is handled.
pub(crate) struct Turn {
    _connection: tokio::sync::OwnedSemaphorePermit,
    _handler: tokio::sync::OwnedSemaphorePermit,
}

impl Gate {
    pub(crate) fn new(general_connections: usize, handlers: usize) -> Gate {
        Gate {
            connections: Arc::new(Semaphore::new(general_connections.max(1))),
            handlers: Arc::new(Semaphore::new(handlers.max(1))),
            refused: AtomicU64::new(0),
        }
    }

    /// `Ok(None)` for a safety action (no place needed), `Ok(Some(turn))` once a place is free,
    /// or the 503 answer when none frees in time.
    pub(crate) async fn admit<B>(&self, req: &Request<B>) -> Result<Option<Turn>, Response> {
        if is_safety(req) {
            return Ok(None);
        }
        let Ok(connection) = self.connections.clone().try_acquire_owned() else {
            return Err(self.busy());
        };
        match tokio::time::timeout(TURN_WAIT, self.handlers.clone().acquire_owned()).await {
            Ok(Ok(handler)) => Ok(Some(Turn {
                _connection: connection,
                _handler: handler,
            })),
            _ => Err(self.busy()),
        }
    }

    fn busy(&self) -> Response {
        self.refused.fetch_add(1, Ordering::Relaxed);
        let reason = "Doorstep is busy; try again in a few seconds";
        (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, "5"), (header::CONNECTION, "close")],
            axum::Json(serde_json::json!({ "error": "busy", "field": null, "reason": reason })),
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(path: &str) -> Request<()> {
        Request::post(path).body(()).expect("request")
    }

    #[test]
    fn safety_actions_are_the_visit_in_progress_posts() {
        for path in [
            "/api/visits/12/check-in",
            "/api/visits/1/panic",
            "/api/visits/1/duress",
            "/api/visits/1/arrived",
            "/api/visits/1/left",
            "/api/visits/1/returned",
            "/today/7/check-in",
            "/today/7/panic",
            "/today/7/returned",
        ] {
            assert!(is_safety(&post(path)), "{path}");
        }
        for path in [
            "/api/visits",
            "/api/visits/1/authorise",
            "/api/visits/x/check-in",
            "/api/visits//check-in",
            "/api/visits/1/check-in/more",
            "/api/login",
            "/today",
        ] {
            assert!(!is_safety(&post(path)), "{path}");
        }
        let get = Request::get("/api/visits/1/check-in")
            .body(())
            .expect("request");
        assert!(!is_safety(&get));
    }
}
