//! The harness for the after-the-visit tests: the real router on a fresh database seeded with the
//! demo trust, a clock the test moves, the safety monitor's steps run by hand, and helpers in the
//! school's words. Every test body runs on SQLite and then on a throwaway PostgreSQL.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use chrono::{DateTime, Duration, TimeZone, Utc};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use server::{AppState, Clock};
use std::future::Future;
use store::{Db, Secrets};
use tower::ServiceExt;

/// Monday 23 November 2026, 08:00 in London (GMT, so UTC is local time).
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0).unwrap()
}

/// Runs `body` on SQLite, then on PostgreSQL (skipped only where it is not installed; under
/// `CI=true` a missing PostgreSQL fails in testkit).
pub async fn for_each_backend<F, Fut>(body: F)
where
    F: Fn(App) -> Fut,
    Fut: Future<Output = ()>,
{
    let (dir, url) = testkit::fresh_sqlite_url();
    let app = App::start("sqlite", &url).await;
    let db = app.db.clone();
    body(app).await;
    db.close().await;
    drop(dir);
    match testkit::fresh_postgres_url() {
        Some(url) => {
            let app = App::start("postgres", &url).await;
            let db = app.db.clone();
            body(app).await;
            db.close().await;
        }
        None => eprintln!("PostgreSQL is not installed here: the PostgreSQL run was skipped"),
    }
}

pub struct App {
    pub url: String,
    pub db: Db,
    router: Router,
    clock: Clock,
}

#[derive(Clone, Debug)]
pub struct Session {
    cookie: String,
    pub id: i64,
}

/// One demo school's people and records, by the names the demo gives them.
pub struct School {
    pub id: i64,
    pub domain: String,
    pub smith: i64,
    pub ava: i64,
}

impl School {
    pub fn email(&self, local: &str) -> String {
        format!("{local}@{}", self.domain)
    }
}

impl App {
    async fn start(backend: &'static str, url: &str) -> App {
        eprintln!("--- running on {backend}");
        let db = Db::connect(url, Secrets::for_tests())
            .await
            .expect("the database opens");
        doorstep::demo::create(&db, t0())
            .await
            .expect("the demo trust is created");
        let clock = Clock::manual(t0());
        let router = server::build_router(AppState::new(db.clone(), clock.clone()));
        App {
            url: url.to_string(),
            db,
            router,
            clock,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn advance(&self, minutes: i64) {
        self.clock.advance(Duration::minutes(minutes));
    }

    /// Sets the clock to a time on the first test day, "16:00".
    pub fn set_time(&self, hh_mm: &str) {
        self.clock.set(self.today(hh_mm));
    }

    /// A time on the first test day as the API writes it.
    pub fn today(&self, hh_mm: &str) -> DateTime<Utc> {
        let (h, m) = hh_mm.split_once(':').expect("hh:mm");
        t0().date_naive()
            .and_hms_opt(h.parse().unwrap(), m.parse().unwrap(), 0)
            .unwrap()
            .and_utc()
    }

    pub async fn login(&self, email: &str) -> Session {
        let req = Request::post("/api/login")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                json!({ "email": email, "password": doorstep::demo::PASSWORD }).to_string(),
            ))
            .unwrap();
        let res = self.router.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "login as {email}");
        let cookie = res
            .headers()
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .expect("a session cookie")
            .to_string();
        let body: Value =
            serde_json::from_slice(&res.into_body().collect().await.unwrap().to_bytes()).unwrap();
        Session {
            cookie,
            id: body["id"].as_i64().expect("an id"),
        }
    }

    /// The harness stands in for a reader who has just typed their authenticator code: it
    /// writes the step-up time on `who`'s session before each request (the second factor itself
    /// is tested in the `it` target's `access/second_factor.rs`).
    async fn step_up(&self, who: &Session) {
        let token = who
            .cookie
            .split_once('=')
            .map_or(who.cookie.as_str(), |(_, t)| t);
        self.db
            .set_session_second_factor(&app::school_admin::token_hash(token), self.clock.now())
            .await
            .expect("stepping the test session up");
    }

    /// Any request; the answer's status, headers and body bytes.
    pub async fn raw(
        &self,
        who: &Session,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, HeaderMap, Vec<u8>) {
        self.step_up(who).await;
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::COOKIE, &who.cookie);
        if body.is_some() {
            req = req.header(header::CONTENT_TYPE, "application/json");
        }
        let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
        let res = self
            .router
            .clone()
            .oneshot(req.body(body).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        (status, headers, bytes)
    }

    /// A web form posted as `who`: the answer's status and page.
    pub async fn form(&self, who: &Session, path: &str, body: &str) -> (StatusCode, String) {
        self.step_up(who).await;
        let req = Request::post(path)
            .header(header::COOKIE, &who.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_string()))
            .unwrap();
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    /// A request without a session (the calendar feed).
    pub async fn anonymous_get(&self, path: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
        let res = self
            .router
            .clone()
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        (status, headers, bytes)
    }

    async fn json(
        &self,
        who: &Session,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let (status, _, bytes) = self.raw(who, method, path, body).await;
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        (status, value)
    }

    pub async fn get(&self, who: &Session, path: &str) -> (StatusCode, Value) {
        self.json(who, Method::GET, path, None).await
    }

    pub async fn post(&self, who: &Session, path: &str, body: Value) -> (StatusCode, Value) {
        self.json(who, Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, who: &Session, path: &str, body: Value) -> (StatusCode, Value) {
        self.json(who, Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, who: &Session, path: &str) -> (StatusCode, Value) {
        self.json(who, Method::DELETE, path, None).await
    }

    /// The demo school whose e-mails end in `domain`.
    pub async fn school(&self, domain: &str) -> School {
        let (head, _) = self
            .db
            .staff_login(&format!("head@{domain}"))
            .await
            .unwrap()
            .expect("the demo head");
        let school = self.db.staff(head).await.unwrap().school_id.unwrap();
        let households = self.db.households_of_school(school).await.unwrap();
        let smith = households
            .iter()
            .find(|h| h.family_name == "Smith")
            .expect("the Smith household")
            .id;
        let ava = self.db.pupils_of_household(smith).await.unwrap()[0].id;
        School {
            id: school.0,
            domain: domain.to_string(),
            smith: smith.0,
            ava: ava.0,
        }
    }

    pub async fn staff_id(&self, email: &str) -> i64 {
        self.db
            .staff_login(email)
            .await
            .unwrap()
            .expect("a login")
            .0
            .0
    }

    /// Plans (as the teacher) a visit to Ava Smith by the teacher and the family liaison officer
    /// (the office is the buddy), leaving school at `leave` today; returns its id.
    pub async fn plan(&self, school: &School, leave: &str, overrides: Value) -> i64 {
        let teacher = self.login(&school.email("teacher")).await;
        let at = |minutes: i64| (self.today(leave) + Duration::minutes(minutes)).to_rfc3339();
        let mut plan = json!({
            "pupil_id": school.ava,
            "reason_category": "attendance_concern",
            "purpose": "Ava has missed three days this week; check she is safe.",
            "parents_could_come_in": false,
            "parents_come_in_note": "Mum has no transport.",
            "appointment": { "kind": "unannounced", "reason": "No answer on the phone for three days." },
            "expect_to_see": "Jo Smith (mother) and Ava",
            "planned_leave_school": at(0),
            "planned_arrive": at(20),
            "planned_leave_property": at(60),
            "planned_return": at(80),
            "returns_to": "school",
            "visitors": [
                { "staff_id": self.staff_id(&school.email("teacher")).await, "role_on_visit": "class teacher" },
                { "staff_id": self.staff_id(&school.email("liaison")).await, "role_on_visit": "family liaison officer" }
            ],
            "buddy_staff_id": self.staff_id(&school.email("office")).await,
            "code_word": "bluebell",
        });
        if let Value::Object(o) = overrides {
            for (k, v) in o {
                plan[k] = v;
            }
        }
        let (status, body) = self.post(&teacher, "/api/visits", plan).await;
        assert_eq!(status, StatusCode::CREATED, "plan: {body}");
        body["visit"]["id"].as_i64().unwrap()
    }

    /// [`plan`](Self::plan), then the teacher requests it and the head authorises it.
    pub async fn authorised_visit(&self, school: &School, leave: &str, overrides: Value) -> i64 {
        let id = self.plan(school, leave, overrides).await;
        let teacher = self.login(&school.email("teacher")).await;
        let head = self.login(&school.email("head")).await;
        let (status, body) = self
            .post(&teacher, &format!("/api/visits/{id}/request"), json!({}))
            .await;
        assert_eq!(status, StatusCode::OK, "request: {body}");
        let (status, body) = self
            .post(
                &head,
                &format!("/api/visits/{id}/authorise"),
                json!({ "comment": "Go in pairs." }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "authorise: {body}");
        id
    }

    /// Moves a visit through `steps` ("sign-out", "arrived", "nobody-home", "left", "returned").
    pub async fn steps(&self, who: &Session, visit: i64, steps: &[&str]) {
        for step in steps {
            let (status, body) = self
                .post(who, &format!("/api/visits/{visit}/{step}"), json!({}))
                .await;
            assert_eq!(status, StatusCode::OK, "{step}: {body}");
        }
    }

    /// One pass of the safety monitor's steps at the current time: fire due deadlines, climb the
    /// ladders, and the overdue-incident scan. (Outbox delivery is not needed: tests read what
    /// was queued.) Returns (alarms raised, ladder levels fired, incidents reminded).
    pub async fn monitor_pass(&self) -> (usize, usize, usize) {
        let now = self.now();
        let mut raised = 0;
        for d in self.db.due_deadlines(now, 100).await.unwrap() {
            if app::fire_due_deadline(&self.db, &d, now)
                .await
                .unwrap()
                .is_some()
            {
                raised += 1;
            }
        }
        let mut levels = 0;
        for a in self.db.escalations_due(now, 100).await.unwrap() {
            levels +=
                app::fire_due_levels(&self.db, &a, None, &app::messages::Links::default(), now)
                    .await
                    .unwrap();
        }
        let reminded = app::safeguarding::remind_overdue_incidents(&self.db, now)
            .await
            .unwrap();
        (raised, levels, reminded)
    }

    /// Everything queued for a member of staff: (channel, subject, body), newest first.
    pub async fn messages_to(&self, email: &str) -> Vec<(String, String, String)> {
        let id = self.staff_id(email).await;
        self.db
            .notifications_to(domain::StaffId(id), 200)
            .await
            .unwrap()
            .into_iter()
            .map(|n| (n.channel.to_string(), n.subject, n.body))
            .collect()
    }
}

/// The text of a PDF (pdftotext), after checking it renders to an image (pdftoppm). Whitespace
/// is collapsed so wrapped lines read as one.
pub fn pdf_text(bytes: &[u8]) -> String {
    assert!(bytes.starts_with(b"%PDF"), "not a PDF");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("doc.pdf");
    std::fs::write(&file, bytes).unwrap();
    let run = |cmd: &str, args: &[&str]| {
        let out = std::process::Command::new(cmd)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{cmd} is needed (apt-get install poppler-utils): {e}"));
        assert!(
            out.status.success(),
            "{cmd} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let prefix = dir.path().join("page");
    run(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "40",
            file.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let pages = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "png")
        })
        .count();
    assert!(pages >= 1, "pdftoppm rendered no page");
    let text = run("pdftotext", &[file.to_str().unwrap(), "-"]);
    String::from_utf8_lossy(&text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Checks the status, showing the body when it is not the one expected.
pub fn expect(answer: (StatusCode, Value), status: StatusCode) -> Value {
    assert_eq!(answer.0, status, "unexpected answer: {}", answer.1);
    answer.1
}
