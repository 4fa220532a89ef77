//! The test harness: the real router on a fresh database seeded with the demo trust, a clock the
//! test moves, and helpers in the school's words (log in, plan a visit, request, authorise).
//!
//! Requests go through `tower::ServiceExt::oneshot`, so no port is opened. Every test runs its body
//! once on SQLite and once on a throwaway PostgreSQL (see [`for_each_backend`]).

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use server::{AppState, Clock};
use std::future::Future;
use store::{Db, Secrets};
use tower::ServiceExt;

mod answer;
mod bytes;
mod demo;

pub use answer::{Answer, requirements};
pub use demo::{DemoSchool, risk_assessment, visit_id, visit_plan, visitor};

/// Every demo login uses this password.
pub const PASSWORD: &str = doorstep::demo::PASSWORD;

/// The trust administrator of the demo trust.
pub const TRUST_ADMIN: &str = "admin@trust.demo";

/// A Monday morning in term, 08:00 in London (GMT in November, so UTC is local time).
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0).unwrap()
}

/// The day the tests start on, as the API writes dates.
pub fn today() -> NaiveDate {
    t0().date_naive()
}

/// Runs `body` on a fresh SQLite database, then on a fresh PostgreSQL database. PostgreSQL is
/// skipped (with a note) only when it is not installed; under `CI=true` that is a failure.
pub async fn for_each_backend<F, Fut>(body: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    let (dir, url) = testkit::fresh_sqlite_url();
    let app = TestApp::start("sqlite", &url).await;
    let db = app.db.clone();
    body(app).await;
    db.close().await;
    drop(dir);

    match testkit::fresh_postgres_url() {
        Some(url) => {
            let app = TestApp::start("postgres", &url).await;
            let db = app.db.clone();
            body(app).await;
            db.close().await;
        }
        None => eprintln!("PostgreSQL is not installed here: the PostgreSQL run was skipped"),
    }
}

/// The application under test, with its own database and clock.
pub struct TestApp {
    pub backend: &'static str,
    router: Router,
    clock: Clock,
    pub db: Db,
}

/// A signed-in member of staff (or an anonymous client): the session cookie to send.
#[derive(Clone, Debug)]
pub struct Session {
    cookie: Option<String>,
    pub email: String,
    /// The staff id; 0 for an anonymous client.
    pub id: i64,
    /// Whether the harness keeps this session stepped up with its second factor (see
    /// [`TestApp::login`]).
    pub stepped_up: bool,
}

impl Session {
    /// Nobody signed in.
    pub fn anonymous() -> Self {
        Session {
            cookie: None,
            email: String::new(),
            id: 0,
            stepped_up: false,
        }
    }
}

impl TestApp {
    async fn start(backend: &'static str, url: &str) -> TestApp {
        // Server errors are logged; show them with a failing test's output.
        let _ = tracing_subscriber::fmt()
            .with_env_filter("warn")
            .with_test_writer()
            .try_init();
        eprintln!("--- running on {backend}");
        let db = Db::connect(url, Secrets::for_tests())
            .await
            .unwrap_or_else(|e| panic!("{backend}: opening {url}: {e}"));
        doorstep::demo::create(&db, t0())
            .await
            .unwrap_or_else(|e| panic!("{backend}: seeding the demo trust: {e:#}"));
        let clock = Clock::manual(t0());
        // Read batching on, as `doorstep serve` runs (the after-visit suite covers it off).
        let router =
            server::build_router(AppState::new(db.clone(), clock.clone()).with_read_batching());
        TestApp {
            backend,
            router,
            clock,
            db,
        }
    }

    /// The same database and clock served with `limits` on login sessions, as
    /// `doorstep serve --session-idle-minutes … --session-max-minutes …` serves them.
    pub fn with_session_limits(mut self, limits: app::school_admin::SessionLimits) -> TestApp {
        let state = AppState::new(self.db.clone(), self.clock.clone())
            .with_read_batching()
            .with_session_limits(limits);
        self.router = server::build_router(state);
        self
    }

    /// The use cases on the same database and clock, to call them directly (no HTTP).
    pub fn use_cases(&self) -> app::App {
        app::App::new(self.db.clone(), self.clock.clone())
    }

    /// The member of staff signed in as `who`, as the use cases take them: as a session that
    /// has just typed its second factor (these tests are about the access decisions; the
    /// second factor itself is tested in `access/second_factor.rs`).
    pub async fn staff(&self, who: &Session) -> store::Staff {
        let mut staff = self
            .db
            .staff(domain::StaffId(who.id))
            .await
            .unwrap_or_else(|e| panic!("reading {}: {e}", who.email));
        staff.second_factor_at = Some(self.clock.now());
        staff
    }

    /// The same application writing check-ins through the group commit, as `doorstep serve`
    /// does; with the check-in writer's handle, so a test can stop it.
    pub fn with_group_commit(self) -> (TestApp, app::CheckInWriter) {
        let state = AppState::new(self.db.clone(), self.clock.clone())
            .with_read_batching()
            .with_group_commit();
        let writer = state.app().check_in_writer().cloned();
        let writer = writer.unwrap_or_else(|| panic!("{}: no check-in writer", self.backend));
        let router = server::build_router(state);
        (TestApp { router, ..self }, writer)
    }

    /// The same application accepting texts from the SMS gateway signed with `secret`.
    pub fn with_sms_inbound_secret(self, secret: &str) -> TestApp {
        let state = AppState::new(self.db.clone(), self.clock.clone())
            .with_read_batching()
            .with_sms_inbound_secret(Some(secret.to_string()));
        TestApp {
            router: server::build_router(state),
            ..self
        }
    }

    /// A text forwarded by the SMS gateway to `POST /api/sms/inbound`, signed with `secret` at
    /// the clock's time less `age_seconds`, as the gateway signs it.
    pub async fn text_in(
        &self,
        secret: &str,
        age_seconds: i64,
        body: Value,
    ) -> (StatusCode, Value) {
        let body = body.to_string();
        let timestamp = (self.clock.now().timestamp() - age_seconds).to_string();
        let signature = notify::sign(secret, &timestamp, body.as_bytes());
        let req = Request::post("/api/sms/inbound")
            .header(header::CONTENT_TYPE, "application/json")
            .header(notify::TIMESTAMP_HEADER, timestamp)
            .header(notify::SIGNATURE_HEADER, signature)
            .body(Body::from(body))
            .expect("a well-formed test request");
        self.oneshot_as(&Session::anonymous(), req).await
    }

    /// The same application served with these settings (e.g. `--public-url`, `--trust-proxy`).
    pub fn configured(self, settings: impl FnOnce(AppState) -> AppState) -> TestApp {
        let state =
            settings(AppState::new(self.db.clone(), self.clock.clone()).with_read_batching());
        let router = server::build_router(state);
        TestApp { router, ..self }
    }

    /// The whole answer to a request built by the test (headers included), sent as is.
    pub async fn answer(&self, req: Request<Body>) -> axum::response::Response {
        self.router
            .clone()
            .oneshot(req)
            .await
            .expect("the router always answers")
    }

    /// The clock's time now.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Moves the clock on; nothing sleeps.
    pub fn advance(&self, minutes: i64) {
        self.clock.advance(Duration::minutes(minutes));
    }

    /// A time on the first day of the tests, e.g. `at("18:30")`, as the API writes it.
    pub fn at(&self, hh_mm: &str) -> String {
        format!("{}T{hh_mm}:00Z", today())
    }

    /// Signs in with the demo password; panics if that fails. The session counts as stepped up
    /// with a second factor at every request (the harness writes the step-up time on the session
    /// row before each request), so tests about other things read safeguarding history as a
    /// reader who just typed their code would. [`TestApp::login_without_second_factor`] for the
    /// tests of the second factor itself.
    pub async fn login(&self, email: &str) -> Session {
        Session {
            stepped_up: true,
            ..self.login_without_second_factor(email).await
        }
    }

    /// Signs in with the demo password only, as someone with a stolen password would.
    pub async fn login_without_second_factor(&self, email: &str) -> Session {
        let (status, body, cookie) = self
            .raw(
                &Session::anonymous(),
                Method::POST,
                "/api/login",
                Some("application/json"),
                json!({ "email": email, "password": PASSWORD }).to_string(),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "login as {email}: {body}");
        let cookie = cookie.unwrap_or_else(|| panic!("login as {email} set no cookie"));
        Session {
            cookie: Some(cookie),
            email: email.to_string(),
            id: body["id"]
                .as_i64()
                .unwrap_or_else(|| panic!("login answer has no id: {body}")),
            stepped_up: false,
        }
    }

    /// The stored hash of the session token `who` carries.
    pub fn session_hash(&self, who: &Session) -> Option<String> {
        let cookie = who.cookie.as_deref()?;
        let token = cookie.split_once('=').map_or(cookie, |(_, t)| t);
        Some(app::school_admin::token_hash(token))
    }

    pub async fn get(&self, who: &Session, path: &str) -> (StatusCode, Value) {
        self.send(who, Method::GET, path, None).await
    }

    pub async fn post(&self, who: &Session, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(who, Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, who: &Session, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(who, Method::PUT, path, Some(body)).await
    }

    /// Any method, with an optional JSON body.
    pub async fn send(
        &self,
        who: &Session,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let (content_type, body) = match body {
            Some(v) => (Some("application/json"), v.to_string()),
            None => (None, String::new()),
        };
        let (status, value, _) = self.raw(who, method, path, content_type, body).await;
        (status, value)
    }

    /// A request with a body exactly as given (for malformed input). The answer is parsed as
    /// JSON; a body that is not JSON comes back as a JSON string, an empty one as null.
    pub async fn send_raw(
        &self,
        who: &Session,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: impl Into<Body>,
    ) -> (StatusCode, Value) {
        let (status, value, _) = self.raw(who, method, path, content_type, body).await;
        (status, value)
    }

    async fn raw(
        &self,
        who: &Session,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: impl Into<Body>,
    ) -> (StatusCode, Value, Option<String>) {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(ct) = content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        let req = req.body(body.into()).expect("a well-formed test request");
        self.call(who, req).await
    }

    /// Opens a live stream (server-sent events) as `who`, with `Last-Event-ID` when given: the
    /// answer's status and its body, to read event by event.
    pub async fn open_stream(
        &self,
        who: &Session,
        path: &str,
        last_event_id: Option<i64>,
    ) -> (StatusCode, Body) {
        let mut req = Request::builder().uri(path);
        if let Some(cookie) = &who.cookie {
            req = req.header(header::COOKIE, cookie);
        }
        if let Some(id) = last_event_id {
            req = req.header("last-event-id", id.to_string());
        }
        let req = req.body(Body::empty()).expect("a well-formed test request");
        let res = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("the router always answers");
        (res.status(), res.into_body())
    }

    /// Sends a request built by the test, as `who`.
    pub async fn oneshot_as(&self, who: &Session, req: Request<Body>) -> (StatusCode, Value) {
        let (status, value, _) = self.call(who, req).await;
        (status, value)
    }

    async fn call(
        &self,
        who: &Session,
        mut req: Request<Body>,
    ) -> (StatusCode, Value, Option<String>) {
        if who.stepped_up
            && let Some(hash) = self.session_hash(who)
        {
            self.db
                .set_session_second_factor(&hash, self.clock.now())
                .await
                .expect("stepping the test session up");
        }
        if let Some(cookie) = &who.cookie {
            let value = header::HeaderValue::from_str(cookie).expect("a cookie header");
            req.headers_mut().insert(header::COOKIE, value);
        }
        let res = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("the router always answers");
        let status = res.status();
        let cookie = res
            .headers()
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(str::to_string);
        // A live feed never ends: answer with its status and leave the stream unread.
        let streaming = res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream"));
        if streaming {
            return (status, Value::Null, cookie);
        }
        let bytes = res
            .into_body()
            .collect()
            .await
            .expect("reading the answer")
            .to_bytes();
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        (status, value, cookie)
    }
}
