//! Doorstep's HTTP server: the JSON API, login sessions, role checks and the audit trail.
//!
//! Handlers parse input into domain types, call the store through one use case each, and
//! answer with [`ApiError`] on failure. They never see SQL.

mod accounts;
mod after_visit;
mod alarms;
mod audit_api;
mod auth;
mod door;
mod drills;
mod edge;
mod error;
pub mod exports;
mod extract;
mod households;
mod imports;
mod in_progress;
mod openapi;
mod policy_approval;
mod reports;
mod risk;
mod schools;
mod second_factor;
mod session_watch;
mod sms_in;
mod sso;
mod sso_settings;
mod staff;
mod term_dates;
mod visits;
mod web;

use app::read_batch;
pub use app::{App, Clock};
pub use auth::hash_password;
pub use door::{DoorSettings, serve_router};
pub use error::ApiError;
pub use schools::{adopt_policy, create_school_on_preset};
pub use sso::SsoProvider;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use std::future::Future;
use std::sync::Arc;
use store::Db;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa_axum::router::OpenApiRouter;

/// The largest request body read. Extractors enforce it (axum's `DefaultBodyLimit`), so an
/// oversized body is refused with the API's JSON error naming the body, not a bare text answer.
pub(crate) const BODY_LIMIT_BYTES: usize = 256 * 1024;

/// What every handler can reach: the use cases' [`app::App`] (by `Deref`), and what only HTTP
/// needs (cookies, sessions, the health check's expectations). Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    app: App,
    secure_cookies: bool,
    /// Where people open Doorstep (`--public-url`): links Doorstep writes start with it.
    public_url: Option<app::messages::Links>,
    /// Whether `X-Forwarded-For` names the client (`--trust-proxy`): only behind a proxy.
    trust_proxy: bool,
    /// Single sign-on with school accounts, for every trust that sets its provider.
    sso: Option<sso::SsoProvider>,
    /// How old the monitor's last pass may be before /healthz fails (when a monitor runs here).
    monitor_max_age: chrono::Duration,
    /// Token hash → stored session, shared by concurrent requests.
    sessions: Option<read_batch::ReadBatcher<String, store::Session>>,
    /// The reader of the board feed shared by every open board, started by the first one.
    board_feed: Arc<std::sync::OnceLock<app::board::feed::FeedHub>>,
    /// The secret shared with the SMS gateway that signs inbound texts; none: not set up.
    sms_inbound_secret: Option<String>,
}

impl std::ops::Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.inner.app
    }
}

impl AppState {
    pub fn new(db: Db, clock: Clock) -> Self {
        AppState {
            inner: Arc::new(Inner {
                app: App::new(db, clock),
                secure_cookies: false,
                public_url: None,
                trust_proxy: false,
                sso: None,
                monitor_max_age: chrono::Duration::seconds(30),
                sessions: None,
                board_feed: Arc::default(),
                sms_inbound_secret: None,
            }),
        }
    }

    fn rebuild(self, change: impl FnOnce(&mut Inner)) -> Self {
        let mut inner = (*self.inner).clone();
        change(&mut inner);
        AppState {
            inner: Arc::new(inner),
        }
    }

    /// The use cases, as every handler calls them.
    pub fn app(&self) -> &App {
        &self.inner.app
    }

    /// Marks session cookies `Secure` (when served over HTTPS behind a proxy).
    pub fn with_secure_cookies(self, secure: bool) -> Self {
        self.rebuild(|i| i.secure_cookies = secure)
    }

    /// Accepts texts from the SMS gateway at `POST /api/sms/inbound`, signed with this secret
    /// (`DOORSTEP_SMS_INBOUND_SECRET`); without one that route refuses every request.
    pub fn with_sms_inbound_secret(self, secret: Option<String>) -> Self {
        self.rebuild(|i| i.sms_inbound_secret = secret.filter(|s| !s.is_empty()))
    }

    pub(crate) fn sms_inbound_secret(&self) -> Option<&str> {
        self.inner.sms_inbound_secret.as_deref()
    }

    /// Where people open Doorstep (`--public-url`): links Doorstep writes (calendar feeds) start
    /// with it; when it is `https://…`, session cookies are `Secure` and answers carry HSTS.
    pub fn with_public_url(self, links: app::messages::Links) -> Self {
        let https = links.is_https();
        self.rebuild(|i| {
            i.secure_cookies = i.secure_cookies || https;
            i.public_url = Some(links);
        })
    }

    /// Takes the client's address from the `X-Forwarded-For` its proxy adds (`--trust-proxy`),
    /// not from the connection (which is the proxy's). Only right behind a proxy that sets it.
    /// `doorstep demo`: the /outbox page shows the messages kept instead of sent.
    pub fn with_demo_outbox(self) -> Self {
        self.rebuild(|i| i.app = i.app.clone().with_demo_outbox())
    }

    pub fn with_trust_proxy(self, trust: bool) -> Self {
        self.rebuild(|i| i.trust_proxy = trust)
    }

    /// The `--public-url` setting, if given.
    pub(crate) fn public_url(&self) -> Option<&app::messages::Links> {
        self.inner.public_url.as_ref()
    }

    pub(crate) fn trusts_proxy(&self) -> bool {
        self.inner.trust_proxy
    }

    /// Whether answers say "HTTPS only" (HSTS): when the public address is `https://…`.
    pub(crate) fn is_https(&self) -> bool {
        self.public_url()
            .is_some_and(app::messages::Links::is_https)
    }

    /// Turns on single sign-on with school accounts: the sign-in page offers it for each trust
    /// whose administrator set its provider.
    pub fn with_sso(self, sso: sso::SsoProvider) -> Self {
        self.rebuild(|i| i.sso = Some(sso))
    }

    pub(crate) fn sso(&self) -> Option<&sso::SsoProvider> {
        self.inner.sso.as_ref()
    }

    pub(crate) fn secure_cookies(&self) -> bool {
        self.inner.secure_cookies
    }

    /// Connects the safety monitor: raised alarms wake it, and /healthz reports on its passes,
    /// failing when the last completed pass is older than `max_age`.
    pub fn with_monitor(self, waker: Arc<tokio::sync::Notify>, max_age: chrono::Duration) -> Self {
        self.rebuild(|i| {
            i.app = i.app.clone().with_monitor_waker(waker);
            i.monitor_max_age = max_age;
        })
    }

    /// Login sessions last as `limits` say (idle timeout, absolute lifetime).
    pub fn with_session_limits(self, limits: app::school_admin::SessionLimits) -> Self {
        self.rebuild(|i| i.app = i.app.clone().with_session_limits(limits))
    }

    /// Account e-mails (reset links, password changed) link to `links`; `sends_email`: SMTP is
    /// set up, so "Forgotten your password?" e-mails a link (without it, an administrator hands
    /// one over).
    pub fn with_account_mail(self, links: app::messages::Links, sends_email: bool) -> Self {
        self.rebuild(|i| i.app = i.app.clone().with_account_mail(links, sends_email))
    }

    /// Writes check-ins through a group commit (needs a tokio runtime).
    pub fn with_group_commit(self) -> Self {
        self.rebuild(|i| i.app = i.app.clone().with_group_commit())
    }

    /// Batches the reads every request makes (its session, the visit it acts on): requests
    /// arriving together share one query. Starts tasks on the current tokio runtime.
    pub fn with_read_batching(self) -> Self {
        let db = self.db().clone();
        let sessions = read_batch::ReadBatcher::spawn(move |keys: Vec<String>| {
            let db = db.clone();
            async move { Ok(db.sessions(&keys).await?.into_iter().collect()) }
        });
        self.rebuild(|i| {
            i.app = i.app.clone().with_read_batching();
            i.sessions = Some(sessions);
        })
    }

    /// The stored session with this token hash, lapsed or not (see [`store::Db::session`]).
    pub(crate) async fn session(
        &self,
        token_hash: String,
    ) -> Result<Option<store::Session>, ApiError> {
        if let Some(sessions) = &self.inner.sessions
            && let Some(found) = sessions.get(token_hash.clone()).await
        {
            return Ok(found);
        }
        Ok(self.db().session(&token_hash).await?)
    }

    /// The process's board feed reader, started on first use (on the current tokio runtime).
    pub(crate) fn board_feed(&self) -> &app::board::feed::FeedHub {
        self.inner
            .board_feed
            .get_or_init(|| app::board::feed::FeedHub::spawn(self.app().clone()))
    }

    pub(crate) fn monitor_expected(&self) -> Option<chrono::Duration> {
        self.has_monitor().then_some(self.inner.monitor_max_age)
    }

    fn inner_secure(&self) -> bool {
        self.inner.secure_cookies
    }
}

/// The whole application: API routes, OpenAPI description and health check, with middleware.
pub fn build_router(state: AppState) -> Router {
    let (api, spec) = OpenApiRouter::with_openapi(openapi::ApiDoc::base())
        .merge(auth::router())
        .merge(accounts::router())
        .merge(sso_settings::router())
        .merge(second_factor::router())
        .merge(schools::router())
        .merge(policy_approval::router())
        .merge(staff::router())
        .merge(term_dates::router())
        .merge(households::router())
        .merge(imports::router())
        .merge(risk::router())
        .merge(visits::router())
        .merge(in_progress::router())
        .merge(sms_in::router())
        .merge(alarms::router())
        .merge(audit_api::router())
        .merge(after_visit::router())
        .merge(reports::router())
        .merge(drills::router())
        .split_for_parts();
    let spec = Arc::new(openapi::finish(spec));
    // The pages call the same use cases as the JSON routes (see `web`).
    let pages = web::router();
    let x_request_id = axum::http::HeaderName::from_static("x-request-id");
    let edge_state = state.clone();
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
        // A query string with a control character is refused before any handler reads it.
        .layer(axum::middleware::from_fn(edge::refuse_control_in_query))
        .layer(tower_http::csrf::CsrfLayer::new())
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(axum::middleware::from_fn(error::time_limit))
        .layer(CatchPanicLayer::custom(error::panic_response))
        // Outside the panic catcher and the time limit, so their answers get the headers too.
        .layer(axum::middleware::from_fn_with_state(
            edge_state,
            edge::security_headers,
        ))
        // 5xx are logged where they arise (a fault once per run, a 500 in full); the trace
        // layer's own line per failed response would repeat them for every polled /healthz.
        .layer(
            TraceLayer::new_for_http().on_failure(
                tower_http::trace::DefaultOnFailure::new().level(tracing::Level::DEBUG),
            ),
        )
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(SetRequestIdLayer::new(x_request_id, MakeRequestUuid))
}

/// Ready (200) when the database answers and takes writes, the check-in writer runs and, when a
/// monitor runs here, its last pass is recent: who watches the watcher. Otherwise 503. Either way
/// a small JSON body says what is wrong (see `app::health::Health`); the problems are logged.
async fn healthz(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> axum::response::Response {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    let health = app::health::check(state.app(), state.monitor_expected()).await;
    let status = if health.healthy {
        StatusCode::OK
    } else {
        // Not logged here: the faults log themselves, throttled, and probes may poll often.
        tracing::debug!(problems = ?health.problems, "health check failing");
        StatusCode::SERVICE_UNAVAILABLE
    };
    let no_store = (
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    (status, [no_store], axum::Json(health)).into_response()
}

/// Serves behind the default [`DoorSettings`] until `shutdown` resolves, then finishes the
/// requests in flight.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, state, DoorSettings::default(), shutdown).await
}

/// Serves behind the door's limits (connection cap, header and idle limits, safety actions
/// first) until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve_with(
    listener: TcpListener,
    state: AppState,
    door: DoorSettings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_router(listener, build_router(state), door, shutdown).await
}
