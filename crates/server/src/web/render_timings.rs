//! How long each page takes to render on the server with 500 visits out, through the whole router
//! (`oneshot`: middleware, session lookup, access checks, the in-process API calls, the store on
//! SQLite, the template). Prints the timings; asserts only that every page renders.
//!
//! `cargo test -p doorstep-server --lib render_timings -- --nocapture` (add `--release` for the
//! numbers a school's server would see).

mod board_reads;
mod seed;

use crate::{AppState, Clock, build_router};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::Utc;
use seed::seed;
use std::time::Instant;
use store::{Db, Secrets};
use tower::ServiceExt;

const OUT: usize = 500;
const RUNS: usize = 7;

/// `DOORSTEP_TIMING_ONLY=board` times only the pages whose name contains it, and
/// `DOORSTEP_TIMING_RUNS=200` runs each that many times: enough for a profiler to see one page.
fn only() -> (Option<String>, usize) {
    let only = std::env::var("DOORSTEP_TIMING_ONLY").ok();
    let runs = std::env::var("DOORSTEP_TIMING_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(RUNS)
        .max(1);
    (only, runs)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_renders_with_500_visits_out_and_its_time_is_printed() {
    let dir = std::env::temp_dir().join(format!("doorstep-timing-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let db = Db::connect(
        &format!("sqlite://{}?mode=rwc", dir.join("t.db").display()),
        Secrets::for_tests(),
    )
    .await
    .expect("db");
    let s = seed(&db).await;
    let out = db
        .watches_of_school(
            db.visit(domain::VisitId(s.out_visit))
                .await
                .expect("v")
                .school_id,
        )
        .await
        .expect("watches");
    assert_eq!(out.len(), OUT);
    let state = AppState::new(db.clone(), Clock::System);
    let app = build_router(state.clone());
    let pages: Vec<(&str, String, &str)> = vec![
        ("login", "/login".into(), ""),
        ("today (visiting staff)", "/today".into(), &s.teacher),
        ("plan a visit", "/visits/new".into(), &s.teacher),
        (
            "visit page (out)",
            format!("/visits/{}", s.out_visit),
            &s.teacher,
        ),
        (
            "change the plan (draft)",
            format!("/visits/{}/edit", s.draft_visit),
            &s.head,
        ),
        (
            "authorisation queue (50 waiting)",
            "/authorise".into(),
            &s.head,
        ),
        (
            "authorise a request",
            format!("/authorise/{}", s.requested_visit),
            &s.head,
        ),
        (
            "office board (500 out, 20 alarms)",
            "/board".into(),
            &s.office,
        ),
        ("office board, live part", "/board/live".into(), &s.office),
        ("(JSON) GET /api/board", "/api/board".into(), &s.office),
        (
            "information pack",
            format!("/visits/{}/pack", s.out_visit),
            &s.office,
        ),
        ("households (551)", "/households".into(), &s.office),
        (
            "household",
            format!("/households/{}", s.household),
            &s.office,
        ),
        ("pupil", format!("/pupils/{}", s.pupil), &s.office),
        (
            "risk assessment form",
            format!("/households/{}/risk-assessments/new", s.household),
            &s.head,
        ),
        ("staff", "/staff".into(), &s.office),
        (
            "staff member",
            format!("/staff/{}", s.teacher_id),
            &s.teacher,
        ),
        ("policy", "/policy".into(), &s.head),
        ("my actions", "/actions".into(), &s.teacher),
        ("incident reports", "/incidents".into(), &s.head),
        (
            "report an incident (from a visit)",
            format!("/incidents/new?visit_id={}", s.out_visit),
            &s.teacher,
        ),
        (
            "safeguarding concerns (DSL)",
            "/safeguarding".into(),
            &s.head,
        ),
        ("records for the head", "/head-only".into(), &s.head),
        (
            "record for the head (form)",
            "/head-only/new".into(),
            &s.teacher,
        ),
        (
            "pupil's chronology",
            format!("/pupils/{}/chronology", s.pupil),
            &s.head,
        ),
        ("exports and calendars", "/exports".into(), &s.head),
    ];
    let (only, runs) = only();
    println!(
        "\npage render times through the router, {OUT} visits out (SQLite, {runs} runs after one warm-up):"
    );
    println!("{:<36} {:>9} {:>9} {:>9}", "page", "min", "median", "max");
    for (name, path, cookie) in pages {
        if only.as_deref().is_some_and(|o| !name.contains(o)) {
            continue;
        }
        let mut times = Vec::new();
        for run in 0..=runs {
            let mut req = Request::builder().uri(&path).header("accept", "text/html");
            if !cookie.is_empty() {
                req = req.header("cookie", cookie);
            }
            let started = Instant::now();
            let resp = app
                .clone()
                .oneshot(req.body(Body::empty()).expect("request"))
                .await
                .expect("response");
            let status = resp.status();
            let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
                .await
                .expect("body");
            let took = started.elapsed();
            assert_eq!(
                status,
                StatusCode::OK,
                "{name} ({path}): {}",
                String::from_utf8_lossy(&body)
            );
            if run > 0 {
                times.push(took);
            }
        }
        times.sort();
        println!(
            "{:<36} {:>7.1}ms {:>7.1}ms {:>7.1}ms",
            name,
            times[0].as_secs_f64() * 1000.0,
            times[times.len() / 2].as_secs_f64() * 1000.0,
            times[times.len() - 1].as_secs_f64() * 1000.0
        );
    }
    let school = db
        .visit(domain::VisitId(s.out_visit))
        .await
        .expect("visit")
        .school_id;
    let mut reads = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let rows = db.out_now(school, Utc::now()).await.expect("out now");
        reads.push(started.elapsed());
        assert_eq!(rows.len(), OUT);
    }
    reads.sort();
    println!(
        "{:<36} {:>7.1}ms",
        "(store) out_now: the board's reads",
        reads[reads.len() / 2].as_secs_f64() * 1000.0
    );
    board_reads::print(&state, &db, school, s.office_id, runs).await;
    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
