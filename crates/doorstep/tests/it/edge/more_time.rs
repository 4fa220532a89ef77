//! C9: "Need more time" on the Today page without JavaScript. A number of minutes no one can
//! mean (-5, "abc", 0, 241) shows the card again with the error next to the extra-time box and
//! moves no time on; a real choice is recorded.

use crate::helpers::{Session, TestApp, for_each_backend};
use axum::http::{Method, StatusCode};
use serde_json::json;

const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

/// A visit of Harton's teacher, authorised and signed out now.
pub(super) async fn out(app: &TestApp, teacher: &Session) -> i64 {
    let school = app.school("harton.demo").await;
    let senior = app.login(&school.email("senior")).await;
    let head = app.login(&school.email("head")).await;
    let assessment = app
        .assess_risk(&senior, school.smith, "medium", "low")
        .await;
    assert_eq!(app.sign_off(&senior, assessment).await.0, StatusCode::OK);
    let visit = app.planned_visit(teacher, "harton.demo", json!({})).await;
    assert_eq!(app.request(teacher, visit).await.0, StatusCode::OK);
    assert_eq!(
        app.authorise(&head, visit, json!({})).await.0,
        StatusCode::OK
    );
    assert_eq!(app.step(teacher, visit, "sign-out").await.0, StatusCode::OK);
    visit
}

#[tokio::test]
async fn need_more_time_with_minutes_no_one_can_mean_is_refused_by_the_minutes_box() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let visit = out(&app, &teacher).await;
        let path = format!("/today/{visit}/extend");
        let check_ins = || async {
            app.db
                .check_ins_of(domain::VisitId(visit))
                .await
                .expect("check-ins")
                .len()
        };
        for minutes in ["-5", "abc", "0", "241", "1e3"] {
            let body = format!("minutes={minutes}&reason=Running+on");
            let (status, html) = app
                .send_raw(&teacher, Method::POST, &path, FORM, body)
                .await;
            let html = html.as_str().unwrap_or_default();
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "[{b}] minutes={minutes}"
            );
            assert!(
                html.contains("id=\"minutes-error\"")
                    && html.contains("a whole number of minutes from 1 to 240"),
                "[{b}] minutes={minutes}: the error is not by the box"
            );
            assert!(!html.contains("done=extended"), "[{b}] {minutes}");
            assert_eq!(
                check_ins().await,
                0,
                "[{b}] minutes={minutes} moved time on"
            );
        }
        let (status, _) = app
            .send_raw(
                &teacher,
                Method::POST,
                &path,
                FORM,
                "minutes=30&reason=Running+on",
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "[{b}]");
        assert_eq!(check_ins().await, 1, "[{b}] 30 minutes were not recorded");
    })
    .await;
}
