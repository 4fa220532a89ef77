//! A second factor before safeguarding history (#10 item 3), end to end through the JSON API
//! with real TOTP codes (RFC 6238) computed from the enrolled secret, as an authenticator app
//! does: a stolen password reads nothing of the history but still raises a concern; a code is
//! taken once; a recovery code works once; the step-up lapses after the policy's minutes.

use super::{DOMAIN, World};
use crate::helpers::{Answer, Session, TestApp, for_each_backend};
use axum::http::StatusCode;
use serde_json::{Value, json};
use totp_rs::Totp;

/// The authenticator app: the code it shows at the harness clock's time.
fn code(app: &TestApp, authenticator: &Totp) -> String {
    let now = app.use_cases().now().timestamp();
    authenticator
        .generate(u64::try_from(now).expect("after 1970"))
        .to_string()
}

/// Enrols `who` (already signed in) and answers their authenticator and recovery codes.
async fn enrol(app: &TestApp, who: &Session) -> (Totp, Vec<String>) {
    let started = app
        .post(who, "/api/me/second-factor", json!({}))
        .await
        .expect_status(StatusCode::CREATED);
    let secret = started["secret"].as_str().expect("a secret").to_string();
    let url = started["otpauth_url"].as_str().expect("an otpauth url");
    assert!(url.starts_with("otpauth://totp/Doorstep:"), "{url}");
    assert!(url.contains(&secret), "the address carries the same secret");
    let authenticator = Totp::from_url(url).expect("an authenticator app reads the address");
    let done = app
        .post(
            who,
            "/api/me/second-factor/confirm",
            json!({ "code": code(app, &authenticator) }),
        )
        .await
        .expect_status(StatusCode::OK);
    let recovery: Vec<String> = done["recovery_codes"]
        .as_array()
        .expect("recovery codes")
        .iter()
        .map(|c| c.as_str().expect("a code").to_string())
        .collect();
    assert_eq!(recovery.len(), 8);
    (authenticator, recovery)
}

/// Every read of safeguarding history `who` might try in this world, with what it answered.
async fn history_reads(
    app: &TestApp,
    w: &World,
    who: &Session,
) -> Vec<(String, StatusCode, Value)> {
    let paths = [
        format!("/api/pupils/{}/chronology", w.pupil.0),
        format!("/api/pupils/{}/chronology.pdf", w.pupil.0),
        format!("/api/safeguarding-concerns/{}", w.concern),
        "/api/safeguarding-concerns".to_string(),
        format!("/api/head-only-records/{}", w.about_staff),
        "/api/head-only-records".to_string(),
        "/api/exports/visits.csv".to_string(),
    ];
    let mut out = vec![];
    for p in paths {
        let (status, body) = app.get(who, &p).await;
        out.push((p, status, body));
    }
    out
}

fn assert_all_refused(reads: &[(String, StatusCode, Value)], error: &str) {
    for (path, status, body) in reads {
        assert_eq!(*status, StatusCode::FORBIDDEN, "{path}: {body}");
        assert_eq!(body["error"], error, "{path}: {body}");
        assert_eq!(body["field"], "second_factor", "{path}: {body}");
    }
}

async fn audit_actions(app: &TestApp, reader: &Session, staff: i64) -> Vec<String> {
    let rows = app
        .get(
            reader,
            &format!("/api/audit?subject_type=staff&subject_id={staff}"),
        )
        .await
        .expect_status(StatusCode::OK);
    rows.as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["action"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn a_stolen_password_reads_no_safeguarding_history_but_still_raises_a_concern() {
    for_each_backend(|app| async move {
        let w = World::create(&app).await;
        let school = app.school(DOMAIN).await;
        let head = app.login_without_second_factor(&school.email("head")).await;
        // The head may read all of it, but has no authenticator yet: sent to enrol.
        assert_all_refused(
            &history_reads(&app, &w, &head).await,
            "second_factor_enrolment_required",
        );
        let (authenticator, _) = enrol(&app, &head).await;
        for (path, status, body) in history_reads(&app, &w, &head).await {
            assert_eq!(status, StatusCode::OK, "{path} after enrolling: {body}");
        }
        // Someone else with the head's password, on another device: nothing of the history.
        let thief = app.login_without_second_factor(&school.email("head")).await;
        assert_all_refused(&history_reads(&app, &w, &thief).await, "step_up_required");
        let raised = app
            .post(
                &thief,
                &format!("/api/pupils/{}/safeguarding-concerns", w.pupil.0),
                json!({ "concern": "Seen with a bruised arm at the door." }),
            )
            .await
            .expect_status(StatusCode::CREATED);
        assert_eq!(
            raised["concern"]["concern"],
            "Seen with a bruised arm at the door."
        );
        // A wrong guess is refused, naming the field, and recorded.
        app.post(&thief, "/api/me/step-up", json!({ "code": "000000" }))
            .await
            .expect_status(StatusCode::UNPROCESSABLE_ENTITY);
        let actions = audit_actions(&app, &head, head.id).await;
        assert!(
            actions.contains(&"second_factor.enrolled".to_string()),
            "{actions:?}"
        );
        assert!(
            actions.contains(&"second_factor.step_up_failed".to_string()),
            "{actions:?}"
        );
        // The head's own code on the head's phone opens it for that session.
        app.advance(1);
        let ok = app
            .post(
                &thief,
                "/api/me/step-up",
                json!({ "code": code(&app, &authenticator) }),
            )
            .await
            .expect_status(StatusCode::OK);
        assert!(ok["stepped_up_until"].is_string(), "{ok}");
        app.get(&thief, &format!("/api/pupils/{}/chronology", w.pupil.0))
            .await
            .expect_status(StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn a_code_is_taken_once_and_each_recovery_code_works_once() {
    for_each_backend(|app| async move {
        let school = app.school(DOMAIN).await;
        let dsl = app.login_without_second_factor(&school.email("dsl")).await;
        let (authenticator, recovery) = enrol(&app, &dsl).await;
        // The code that confirmed enrolment, typed again in the same 30 seconds: refused.
        let other = app.login_without_second_factor(&school.email("dsl")).await;
        let replay = app
            .post(
                &other,
                "/api/me/step-up",
                json!({ "code": code(&app, &authenticator) }),
            )
            .await
            .expect_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(replay["field"], "code", "{replay}");
        // A recovery code, typed with capitals and spaces as people do, works once.
        let typed = format!(" {} ", recovery[0].to_uppercase());
        app.post(&other, "/api/me/step-up", json!({ "code": typed }))
            .await
            .expect_status(StatusCode::OK);
        let third = app.login_without_second_factor(&school.email("dsl")).await;
        app.post(&third, "/api/me/step-up", json!({ "code": recovery[0] }))
            .await
            .expect_status(StatusCode::UNPROCESSABLE_ENTITY);
        app.post(&third, "/api/me/step-up", json!({ "code": recovery[1] }))
            .await
            .expect_status(StatusCode::OK);
        let actions = audit_actions(&app, &dsl, dsl.id).await;
        let used = actions
            .iter()
            .filter(|a| *a == "second_factor.recovery_code_used")
            .count();
        assert_eq!(used, 2, "{actions:?}");
        // Enrolling again over a confirmed authenticator is refused, naming it.
        let again = app
            .post(&dsl, "/api/me/second-factor", json!({}))
            .await
            .expect_status(StatusCode::CONFLICT);
        assert_eq!(again["field"], "second_factor", "{again}");
    })
    .await;
}

#[tokio::test]
async fn the_step_up_lapses_after_the_policys_minutes() {
    for_each_backend(|app| async move {
        let w = World::create(&app).await;
        let school = app.school(DOMAIN).await;
        let dsl = app.login_without_second_factor(&school.email("dsl")).await;
        let (authenticator, _) = enrol(&app, &dsl).await;
        let path = format!("/api/pupils/{}/chronology", w.pupil.0);
        app.get(&dsl, &path).await.expect_status(StatusCode::OK);
        app.advance(14);
        app.get(&dsl, &path).await.expect_status(StatusCode::OK);
        app.advance(2);
        let lapsed = app
            .get(&dsl, &path)
            .await
            .expect_status(StatusCode::FORBIDDEN);
        assert_eq!(lapsed["error"], "step_up_required", "{lapsed}");
        app.post(
            &dsl,
            "/api/me/step-up",
            json!({ "code": code(&app, &authenticator) }),
        )
        .await
        .expect_status(StatusCode::OK);
        app.get(&dsl, &path).await.expect_status(StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn the_chronology_page_asks_for_the_code_and_comes_back() {
    for_each_backend(|app| async move {
        let w = World::create(&app).await;
        let school = app.school(DOMAIN).await;
        let dsl = app.login_without_second_factor(&school.email("dsl")).await;
        let page = format!("/pupils/{}/chronology", w.pupil.0);
        let req = axum::http::Request::get(&page)
            .body(axum::body::Body::empty())
            .expect("a request");
        let (status, _) = app.oneshot_as(&dsl, req).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
    })
    .await;
}
