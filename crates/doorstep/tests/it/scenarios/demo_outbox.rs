//! #11 item 11: with no e-mail or SMS set up, `doorstep demo` keeps the ladder's messages in a
//! local outbox the office and head read on /outbox, instead of failing every one of them.

use super::*;

/// A visit of Harton's teacher, signed out now; its id.
pub(super) async fn out(app: &TestApp) -> i64 {
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
    app.step(&teacher, visit, "sign-out")
        .await
        .expect_status(OK);
    visit
}

pub(super) fn monitor(app: &TestApp, demo: bool) -> app::monitor::Monitor {
    let mut settings = app::monitor::MonitorSettings::new("test");
    settings.demo_outbox = demo;
    app::monitor::Monitor::new(
        app.db.clone(),
        server::Clock::manual(app.now()),
        app::monitor::Channels::default(),
        settings,
    )
}

#[tokio::test]
async fn a_demo_alarm_s_texts_and_e_mails_wait_in_the_outbox_for_the_office_and_head() {
    for_each_backend(|app| async move {
        let app = app.configured(|s| s.with_demo_outbox());
        let visit = out(&app).await;
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let office = app.login(&school.email("office")).await;
        let head = app.login(&school.email("head")).await;
        let raised = app
            .post(&teacher, &format!("/api/visits/{visit}/panic"), json!({}))
            .await
            .expect_status(CREATED);
        let summary = monitor(&app, true)
            .run_once(app.now())
            .await
            .expect("a pass");
        assert_eq!(summary.failed, 0, "nothing fails in the demo: {summary:?}");

        let kept = app.get(&office, "/api/demo/outbox").await.expect_status(OK);
        let kept = kept.as_array().cloned().unwrap_or_default();
        for channel in ["sms", "email"] {
            assert!(
                kept.iter().any(|m| m["channel"] == channel
                    && m["alarm_id"] == raised["alarm_id"]
                    && !m["body"].as_str().unwrap_or("").is_empty()),
                "the panic's {channel} is in the outbox: {kept:?}"
            );
        }
        let sms = kept
            .iter()
            .find(|m| m["channel"] == "sms")
            .map(|m| m["body"].as_str().unwrap_or("").to_string())
            .unwrap_or_default();
        let (status, page) = app.get(&head, "/outbox").await;
        assert_eq!(status, OK);
        let page = page.as_str().unwrap_or("");
        assert!(page.contains("Demo outbox"), "{page}");
        assert!(page.contains("Text (SMS) to"), "{page}");
        let first_line = sms.lines().next().unwrap_or("");
        assert!(
            page.contains(&askama_escape(first_line)),
            "the text itself is shown: {first_line} in {page}"
        );

        // Who was told says the messages were kept, not delivered nor failed.
        let alarm = app
            .get(&office, &format!("/api/alarms/{}", raised["alarm_id"]))
            .await
            .expect_status(OK);
        let told = alarm["told"].as_array().cloned().unwrap_or_default();
        assert!(
            told.iter()
                .filter(|t| t["channel"] == "text message")
                .all(|t| t["outcome"] == "kept in the demo outbox" && t["delivered"] == false),
            "{told:?}"
        );
        assert!(
            told.iter()
                .any(|t| t["outcome"] == "kept in the demo outbox")
        );

        // The office and head find it in the navigation; a teacher neither sees nor reads it.
        for who in [&office, &head] {
            let (_, page) = app.get(who, "/today").await;
            assert!(
                page.as_str().unwrap_or("").contains("href=\"/outbox\""),
                "{page}"
            );
        }
        let (_, page) = app.get(&teacher, "/today").await;
        assert!(!page.as_str().unwrap_or("").contains("href=\"/outbox\""));
        app.get(&teacher, "/outbox").await.expect_status(FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn outside_the_demo_there_is_no_outbox_and_unset_channels_still_fail_loudly() {
    for_each_backend(|app| async move {
        let visit = out(&app).await;
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let office = app.login(&school.email("office")).await;
        app.post(&teacher, &format!("/api/visits/{visit}/panic"), json!({}))
            .await
            .expect_status(CREATED);
        let summary = monitor(&app, false)
            .run_once(app.now())
            .await
            .expect("a pass");
        assert!(
            summary.failed > 0,
            "not configured is a failure: {summary:?}"
        );
        app.get(&office, "/outbox").await.expect_status(NOT_FOUND);
    })
    .await;
}

/// The HTML-escaped form of `text`, as askama writes it.
fn askama_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}
