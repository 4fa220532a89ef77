//! Tester A5, D7: "Left early — felt unsafe" tells the buddy and the DSL at once (in the app, by
//! text and by e-mail, through the outbox), is recorded on the visit and audited, and prompts the
//! visitor for an incident report on the phone's answer and on the visit page.

use super::*;
use std::collections::BTreeSet;

/// A visit of Harton's teacher, at the property now (the buddy is the office); its id.
async fn at_the_door(app: &TestApp) -> i64 {
    let school = app.school("harton.demo").await;
    let teacher = app.login(&school.email("teacher")).await;
    let senior = app.login(&school.email("senior")).await;
    let head = app.login(&school.email("head")).await;
    let assessment = app
        .assess_risk(&senior, school.smith, "medium", "low")
        .await;
    app.sign_off(&senior, assessment).await.expect_status(OK);
    let visit = app.planned_visit(&teacher, "harton.demo", json!({})).await;
    app.request(&teacher, visit).await.expect_status(OK);
    app.authorise(&head, visit, json!({}))
        .await
        .expect_status(OK);
    for step in ["sign-out", "arrived"] {
        app.step(&teacher, visit, step).await.expect_status(OK);
    }
    visit
}

#[tokio::test]
async fn leaving_early_for_safety_tells_the_buddy_and_dsl_and_asks_for_an_incident_report() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let visit = at_the_door(&app).await;
        let teacher = app.login(&school.email("teacher")).await;

        let answer = app
            .post(
                &teacher,
                &format!("/api/visits/{visit}/left"),
                json!({ "early_for_safety": true }),
            )
            .await
            .expect_status(OK);
        assert_eq!(
            answer["report_incident"],
            json!(format!("/incidents/new?visit_id={visit}")),
            "{answer}"
        );

        let queued = app
            .use_cases()
            .db()
            .notifications_with_key_prefix(&format!("visit:{visit}:left_early:"), 50)
            .await
            .expect("the outbox reads");
        let told: BTreeSet<(i64, String)> = queued
            .iter()
            .filter_map(|n| n.staff_id.map(|s| (s, n.channel.to_string())))
            .collect();
        for who in ["office", "dsl"] {
            for channel in ["in_app", "sms", "email"] {
                assert!(
                    told.contains(&(school.staff(who), channel.to_string())),
                    "{who} not told by {channel}: {told:?}"
                );
            }
        }
        assert!(
            !told.iter().any(|(s, _)| *s == school.staff("teacher")),
            "the visitor who left is not told about themselves"
        );
        for n in &queued {
            assert!(n.body.contains("felt unsafe"), "{}", n.body);
            assert!(!n.body.contains("Ava"), "no child's name: {}", n.body);
        }

        // The visit's events and the audit trail both say so.
        let office = app.login(&school.email("office")).await;
        let seen = app
            .get(&office, &format!("/api/visits/{visit}"))
            .await
            .expect_status(OK);
        let left = seen["events"]
            .as_array()
            .and_then(|e| e.iter().find(|e| e["step"] == "left_property"))
            .unwrap_or_else(|| panic!("no left_property event: {seen}"));
        assert_eq!(left["detail"]["early_for_safety"], json!(true), "{left}");
        assert!(
            left["detail"]["told"]
                .to_string()
                .contains("Dev Safeguarding"),
            "{left}"
        );
        let head = app.login(&school.email("head")).await;
        let trail = app
            .get(
                &head,
                &format!("/api/audit?subject_type=visit&subject_id={visit}"),
            )
            .await
            .expect_status(OK);
        assert!(
            trail.as_array().is_some_and(|rows| rows.iter().any(|r| {
                r["action"] == "visit.left_property"
                    && r["detail"]["early_for_safety"] == json!(true)
            })),
            "{trail}"
        );

        // The visit page prompts the visitor, not the office.
        let (status, page) = app.get(&teacher, &format!("/visits/{visit}")).await;
        assert_eq!(status, OK);
        let page = page.as_str().unwrap_or("");
        assert!(
            page.contains(&format!(
                "href=\"/incidents/new?visit_id={visit}\">Report an incident"
            )),
            "{page}"
        );
        let (_, office_page) = app.get(&office, &format!("/visits/{visit}")).await;
        assert!(
            !office_page
                .as_str()
                .unwrap_or("")
                .contains("felt unsafe: your buddy")
        );
    })
    .await;
}

#[tokio::test]
async fn the_today_button_for_leaving_early_offers_the_incident_form() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let visit = at_the_door(&app).await;
        let teacher = app.login(&school.email("teacher")).await;
        let (status, _) = app
            .send_raw(
                &teacher,
                axum::http::Method::POST,
                &format!("/today/{visit}/left"),
                Some("application/x-www-form-urlencoded"),
                "early_for_safety=true",
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, page) = app
            .get(&teacher, &format!("/today?done=left-early&visit={visit}"))
            .await;
        assert_eq!(status, OK);
        let page = page.as_str().unwrap_or("");
        assert!(
            page.contains("Your buddy and the DSL have been told"),
            "{page}"
        );
        assert!(
            page.contains(&format!(
                "href=\"/incidents/new?visit_id={visit}\">Report an incident"
            )),
            "{page}"
        );
        let queued = app
            .use_cases()
            .db()
            .notifications_with_key_prefix(&format!("visit:{visit}:left_early:"), 50)
            .await
            .expect("the outbox reads");
        assert!(!queued.is_empty(), "the Today button tells people too");
    })
    .await;
}
