//! How long each page takes to render on the server with 500 visits out, through the whole router
//! (`oneshot`: middleware, session lookup, access checks, the in-process API calls, the store on
//! SQLite, the template). Prints the timings; asserts only that every page renders.
//!
//! `cargo test -p doorstep-server --lib render_timings -- --nocapture` (add `--release` for the
//! numbers a school's server would see).

use crate::{AppState, Clock, build_router, create_school_on_preset};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{Duration, NaiveDate, Utc};
use domain::visit::{VisitState, VisitStep, apply};
use domain::{Role, RoleSet, SchoolId, StaffId, TrustId};
use sha2::{Digest, Sha256};
use std::time::Instant;
use store::{Db, NewHousehold, NewPupil, NewStaff, NewVisit, Secrets, Tx, VisitorOnPlan};
use tower::ServiceExt;

const OUT: usize = 500;
const RUNS: usize = 7;

async fn person(
    tx: &mut Tx,
    trust: TrustId,
    school: SchoolId,
    n: usize,
    roles: &[Role],
) -> StaffId {
    let email = format!("p{n}@timing.test");
    tx.create_staff(
        &NewStaff {
            trust,
            school: Some(school),
            name: &format!("Person {n}"),
            email: &email,
            mobile: Some("07700900123"),
            job_title: Some("Teacher"),
            password_hash: "not used: sessions are made directly",
            roles: &RoleSet::new(roles.to_vec()),
        },
        Utc::now(),
    )
    .await
    .expect("staff")
}

/// A signed-in session that has just typed its authenticator code (the step-up before
/// safeguarding pages), so every page renders rather than asking for the code.
async fn session(db: &Db, staff: StaffId, token: &str) -> String {
    let now = Utc::now();
    let hash = hex::encode(Sha256::digest(token.as_bytes()));
    db.create_session(&hash, staff, now, now + Duration::hours(1))
        .await
        .expect("session");
    db.set_session_second_factor(&hash, now)
        .await
        .expect("stepping the session up");
    format!("doorstep_session={token}")
}

struct Seeded {
    teacher: String,
    head: String,
    office: String,
    out_visit: i64,
    draft_visit: i64,
    requested_visit: i64,
    household: i64,
    pupil: i64,
    teacher_id: i64,
}

/// A school on the Harton preset with 500 visits signed out (each to its own household, two
/// staff and a buddy each), 50 waiting for authorisation and 20 alarms raised.
async fn seed(db: &Db) -> Seeded {
    let now = Utc::now();
    let mut tx = db.begin().await.expect("tx");
    let trust = tx.create_trust("Timing Trust").await.expect("trust");
    let school =
        create_school_on_preset(&mut tx, trust, "Timing Academy", None, "harton", None, now)
            .await
            .expect("school");
    let head = person(&mut tx, trust, school, 0, &[Role::Headteacher]).await;
    let office = person(&mut tx, trust, school, 1, &[Role::Office]).await;
    let buddy = person(&mut tx, trust, school, 2, &[Role::Dsl]).await;
    let mut visitors = Vec::new();
    for n in 0..60 {
        visitors.push(person(&mut tx, trust, school, 10 + n, &[Role::VisitingStaff]).await);
    }
    tx.commit().await.expect("commit");
    let policy = db.current_policy(school).await.expect("policy");
    let mut ids = Vec::new();
    let (mut household, mut pupil) = (0, 0);
    for i in 0..OUT + 51 {
        let mut tx = db.begin().await.expect("tx");
        let h = tx
            .create_household(
                &NewHousehold {
                    school,
                    family_name: &format!("Family{i}"),
                    address: &format!("{i} Long Road, South Shields"),
                    postcode: "NE33 3PX",
                    landline: None,
                    language_notes: None,
                    pets: None,
                },
                now,
            )
            .await
            .expect("household");
        let p = tx
            .create_pupil(&NewPupil {
                school,
                household: h,
                name: &format!("Pupil {i}"),
                date_of_birth: NaiveDate::from_ymd_opt(2016, 1, 1).expect("date"),
                height_cm: Some(130),
                year_group: Some("Year 5"),
            })
            .await
            .expect("pupil");
        (household, pupil) = (h.0, p.0);
        let pair = [visitors[i % 60], visitors[(i + 1) % 60]];
        let on: Vec<VisitorOnPlan> = pair
            .iter()
            .map(|s| VisitorOnPlan {
                staff: *s,
                role_on_visit: "class teacher".into(),
                is_driver: false,
            })
            .collect();
        let leave = now - Duration::minutes(20);
        let id = tx
            .create_visit(
                &NewVisit {
                    school,
                    pupil: p,
                    household: h,
                    policy_version: policy.id,
                    reason_category: "attendance_concern",
                    purpose: "Attendance",
                    parents_could_come_in: Some(false),
                    parents_come_in_note: None,
                    appointment: "agreed",
                    agenda: None,
                    unannounced_reason: None,
                    expect_to_see: None,
                    planned_leave_school: leave,
                    planned_arrive: leave + Duration::minutes(15),
                    planned_leave_property: leave + Duration::minutes(60),
                    planned_return: leave + Duration::minutes(75),
                    returns_to: "school",
                    first_visit: true,
                    joint_agency: None,
                    transport: None,
                    buddy: Some(buddy),
                    backup: None,
                    code_word: Some("bluebell"),
                    vehicle: None,
                    visitors: &on,
                    rescheduled_from: None,
                },
                pair[0],
                now,
            )
            .await
            .expect("visit");
        tx.commit().await.expect("commit");
        ids.push(id);
        let visit = db.visit(id).await.expect("visit");
        let mut state = VisitState::Draft;
        let steps: &[VisitStep] = match i {
            i if i < OUT => &[
                VisitStep::Request { by: pair[0] },
                VisitStep::Authorise { by: head },
                VisitStep::SignOut,
            ],
            i if i < OUT + 50 => &[VisitStep::Request { by: pair[0] }],
            _ => &[],
        };
        let mut revision = visit.revision;
        let mut tx = db.begin().await.expect("tx");
        if i < OUT {
            // As the authorise use case records it: what makes the visitors involved (A9).
            tx.add_decision(id, head, "authorised", None, now)
                .await
                .expect("decision");
        }
        for step in steps {
            let next = apply(&state, step.clone(), now).expect("step");
            revision = tx
                .set_visit_state(id, revision, &next, now)
                .await
                .expect("state");
            app::after_step(
                &mut tx,
                db,
                &visit,
                None,
                &next,
                &policy.settings,
                None,
                now,
            )
            .await
            .expect("watch");
            state = next;
        }
        tx.commit().await.expect("commit");
        if i < 20 {
            let visit = db.visit(id).await.expect("visit");
            app::raise(
                db,
                &visit,
                &app::AlarmRequest {
                    kind: domain::monitor::AlarmKind::MissedCheckIn,
                    raised_by: None,
                    detail: serde_json::json!({}),
                },
                now + Duration::milliseconds(i as i64),
            )
            .await
            .expect("alarm");
        }
    }
    let teacher = visitors[0];
    Seeded {
        teacher: session(db, teacher, "teacher-token").await,
        head: session(db, head, "head-token").await,
        office: session(db, office, "office-token").await,
        out_visit: ids[0].0,
        requested_visit: ids[OUT].0,
        draft_visit: ids[OUT + 50].0,
        household,
        pupil,
        teacher_id: teacher.0,
    }
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
    let app = build_router(AppState::new(db.clone(), Clock::System));
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
    println!(
        "\npage render times through the router, {OUT} visits out (SQLite, {RUNS} runs after one warm-up):"
    );
    println!("{:<36} {:>9} {:>9} {:>9}", "page", "min", "median", "max");
    for (name, path, cookie) in pages {
        let mut times = Vec::new();
        for run in 0..=RUNS {
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
    for _ in 0..RUNS {
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
    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
