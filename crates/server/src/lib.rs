//! Doorstep's HTTP server: the JSON API, login sessions, role checks and the audit trail.
//!
//! Handlers parse input into domain types, call the store through one use case each, and
//! answer with [`ApiError`] on failure. They never see SQL.

mod access;
mod after_visit;
mod alarms;
mod audit_api;
mod auth;
mod error;
pub mod exports;
mod extract;
mod households;
mod in_progress;
mod openapi;
mod read_batch;
mod risk;
mod schools;
mod staff;
mod visits;
mod web;

pub use auth::hash_password;
pub use error::ApiError;
pub use safety::Clock;
pub use schools::{adopt_policy, create_school_on_preset};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use store::Db;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa_axum::router::OpenApiRouter;

/// The largest request body read. Extractors enforce it (axum's `DefaultBodyLimit`), so an
/// oversized body is refused with the API's JSON error naming the body, not a bare text answer.
pub(crate) const BODY_LIMIT_BYTES: usize = 256 * 1024;

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    clock: Clock,
    secure_cookies: bool,
    /// Wakes the safety monitor so a raised alarm goes out at once rather than on the next tick.
    monitor_waker: Option<Arc<tokio::sync::Notify>>,
    /// How old the monitor's last pass may be before /healthz fails.
    monitor_max_age: chrono::Duration,
    /// Group commit for check-ins; without it each check-in is its own transaction.
    check_in_writer: Option<safety::CheckInWriter>,
    /// Policy versions already read. A version is never changed once stored (a new policy is a
    /// new version), so a cached one is always current.
    policy_versions: Arc<PolicyCache>,
    /// Read batching for the reads every request makes; without it each is its own query.
    reads: Option<Reads>,
}

#[derive(Clone)]
struct Reads {
    /// Token hash → (session expiry, member of staff).
    sessions: read_batch::ReadBatcher<String, (chrono::DateTime<chrono::Utc>, store::Staff)>,
    visits: read_batch::ReadBatcher<domain::VisitId, store::Visit>,
}

/// The most policy versions kept; past it the cache starts again empty.
const POLICY_CACHE_MAX: usize = 1024;

#[derive(Default)]
struct PolicyCache(std::sync::Mutex<std::collections::HashMap<i64, Arc<store::PolicyVersion>>>);

impl AppState {
    pub fn new(db: Db, clock: Clock) -> Self {
        AppState {
            inner: Arc::new(Inner {
                db,
                clock,
                secure_cookies: false,
                monitor_waker: None,
                monitor_max_age: chrono::Duration::seconds(30),
                check_in_writer: None,
                policy_versions: Arc::default(),
                reads: None,
            }),
        }
    }

    fn rebuild(self, change: impl FnOnce(&mut Inner)) -> Self {
        let mut inner = Inner {
            db: self.inner.db.clone(),
            clock: self.inner.clock.clone(),
            secure_cookies: self.inner.secure_cookies,
            monitor_waker: self.inner.monitor_waker.clone(),
            monitor_max_age: self.inner.monitor_max_age,
            check_in_writer: self.inner.check_in_writer.clone(),
            policy_versions: self.inner.policy_versions.clone(),
            reads: self.inner.reads.clone(),
        };
        change(&mut inner);
        AppState {
            inner: Arc::new(inner),
        }
    }

    /// Marks session cookies `Secure` (when served over HTTPS behind a proxy).
    pub fn with_secure_cookies(self, secure: bool) -> Self {
        self.rebuild(|i| i.secure_cookies = secure)
    }

    /// Connects the safety monitor: raised alarms wake it, and /healthz reports on its passes,
    /// failing when the last completed pass is older than `max_age`.
    pub fn with_monitor(self, waker: Arc<tokio::sync::Notify>, max_age: chrono::Duration) -> Self {
        self.rebuild(|i| {
            i.monitor_waker = Some(waker);
            i.monitor_max_age = max_age;
        })
    }

    /// Writes check-ins through a group commit (needs a tokio runtime).
    pub fn with_group_commit(self) -> Self {
        let writer = safety::CheckInWriter::spawn(self.inner.db.clone());
        self.rebuild(|i| i.check_in_writer = Some(writer))
    }

    /// Batches the reads every request makes (its session, the visit it acts on): requests
    /// arriving together share one query. Starts tasks on the current tokio runtime.
    pub fn with_read_batching(self) -> Self {
        let db = self.inner.db.clone();
        let sessions = read_batch::ReadBatcher::spawn(move |keys: Vec<String>| {
            let db = db.clone();
            async move {
                let found = db.session_members(&keys).await?;
                Ok(found
                    .into_iter()
                    .map(|(token, expires, staff)| (token, (expires, staff)))
                    .collect())
            }
        });
        let db = self.inner.db.clone();
        let visits = read_batch::ReadBatcher::spawn(move |keys: Vec<domain::VisitId>| {
            let db = db.clone();
            async move {
                let found = db.visits_by_id(&keys).await?;
                Ok(found.into_iter().map(|v| (v.id, v)).collect())
            }
        });
        self.rebuild(|i| i.reads = Some(Reads { sessions, visits }))
    }

    /// The active member of staff whose live session this is (see [`Db::session_member`]).
    pub(crate) async fn session_member(
        &self,
        token_hash: String,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<store::Staff>, ApiError> {
        if let Some(reads) = &self.inner.reads
            && let Some(found) = reads.sessions.get(token_hash.clone()).await
        {
            return Ok(found
                .filter(|(expires, _)| *expires > now)
                .map(|(_, staff)| staff));
        }
        Ok(self.inner.db.session_member(&token_hash, now).await?)
    }

    /// The visit with its staff (see [`Db::visit`]).
    pub(crate) async fn visit(&self, id: domain::VisitId) -> Result<store::Visit, ApiError> {
        if let Some(reads) = &self.inner.reads
            && let Some(found) = reads.visits.get(id).await
        {
            return found.ok_or_else(|| {
                store::StoreError::NotFound {
                    what: "visit",
                    id: id.0,
                }
                .into()
            });
        }
        Ok(self.inner.db.visit(id).await?)
    }

    pub(crate) fn check_in_writer(&self) -> Option<&safety::CheckInWriter> {
        self.inner.check_in_writer.as_ref()
    }

    pub(crate) fn wake_monitor(&self) {
        if let Some(w) = &self.inner.monitor_waker {
            w.notify_one();
        }
    }

    pub(crate) fn monitor_expected(&self) -> Option<chrono::Duration> {
        self.inner
            .monitor_waker
            .as_ref()
            .map(|_| self.inner.monitor_max_age)
    }

    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    /// A policy version, read once and then kept (versions are immutable).
    pub(crate) async fn policy_version(
        &self,
        id: domain::PolicyVersionId,
    ) -> Result<Arc<store::PolicyVersion>, ApiError> {
        let cache = &self.inner.policy_versions.0;
        if let Some(p) = cache.lock().ok().and_then(|c| c.get(&id.0).cloned()) {
            return Ok(p);
        }
        let p = Arc::new(self.inner.db.policy_version(id).await?);
        if let Ok(mut c) = cache.lock() {
            if c.len() >= POLICY_CACHE_MAX {
                c.clear();
            }
            c.insert(id.0, p.clone());
        }
        Ok(p)
    }

    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    fn inner_secure(&self) -> bool {
        self.inner.secure_cookies
    }
}

/// The whole application: API routes, OpenAPI description and health check, with middleware.
pub fn build_router(state: AppState) -> Router {
    let (api, spec) = OpenApiRouter::with_openapi(openapi::ApiDoc::base())
        .merge(auth::router())
        .merge(schools::router())
        .merge(staff::router())
        .merge(households::router())
        .merge(risk::router())
        .merge(visits::router())
        .merge(in_progress::router())
        .merge(alarms::router())
        .merge(audit_api::router())
        .merge(after_visit::router())
        .split_for_parts();
    let spec = Arc::new(spec);
    // The web pages call the API in-process, as the signed-in person (see `web`).
    let pages = web::router(api.clone().with_state(state.clone()));
    let x_request_id = axum::http::HeaderName::from_static("x-request-id");
    Router::new()
        .merge(api)
        .merge(pages)
        .route(
            "/api/openapi.json",
            get(move || openapi::serve(spec.clone())),
        )
        .route("/healthz", get(healthz))
        .fallback(web::fallback)
        .method_not_allowed_fallback(error::method_not_allowed_fallback)
        .with_state(state)
        // Order, outermost last: ids first so every log line has one; panics become a 500
        // page rather than a dropped connection; bodies are capped before anything reads them.
        // Cross-site form posts are refused (Sec-Fetch-Site / Origin); the JSON API also demands
        // application/json and the session cookie is SameSite=Strict.
        .layer(tower_http::csrf::CsrfLayer::new())
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(TraceLayer::new_for_http())
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(SetRequestIdLayer::new(x_request_id, MakeRequestUuid))
}

/// Ready when the database answers and, when a monitor runs here, its last pass is recent:
/// who watches the watcher.
async fn healthz(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> axum::response::Response {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    if let Err(e) = state.db().schools_of_trust(domain::TrustId(0)).await {
        tracing::error!(error = %e, "health check: database unavailable");
        return (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response();
    }
    let Some(max_age) = state.monitor_expected() else {
        return "ok".into_response();
    };
    let now = state.clock().now();
    let last = match state.db().monitor_passes().await {
        Ok(passes) => passes.into_iter().map(|p| p.last_pass_at).max(),
        Err(e) => {
            tracing::error!(error = %e, "health check: cannot read the monitor's passes");
            None
        }
    };
    match last {
        Some(at) if now - at <= max_age => {
            format!("ok\nmonitor last pass: {}", at.to_rfc3339()).into_response()
        }
        Some(at) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("monitor late: last pass {}", at.to_rfc3339()),
        )
            .into_response(),
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            "monitor has not completed a pass yet",
        )
            .into_response(),
    }
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, build_router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
