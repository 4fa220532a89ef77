//! #11 item 4 through the router: the panic button without JavaScript (a tap, then a confirm
//! page that sends or takes it back) and the phone's status route, which shows who is dealing
//! with a panic and never a duress alarm.

use super::*;
use axum::http::Method;

const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

/// A visit of Harton's teacher, signed out now; its id.
async fn out(app: &TestApp) -> i64 {
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

#[tokio::test]
async fn without_javascript_panic_asks_again_and_a_taken_back_tap_raises_nothing() {
    for_each_backend(|app| async move {
        let visit = out(&app).await;
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let office = app.login(&school.email("office")).await;

        let (status, _) = app
            .send_raw(
                &teacher,
                Method::POST,
                &format!("/today/{visit}/panic-pressed"),
                FORM,
                "",
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, page) = app
            .get(&teacher, &format!("/today/{visit}/panic-confirm"))
            .await;
        assert_eq!(status, OK);
        let page = page.as_str().unwrap_or("");
        assert!(page.contains("Send the panic alarm?"), "{page}");
        assert!(page.contains("Yes — send the alarm now"), "{page}");
        assert!(
            !page.contains("<script>") && !page.contains("onclick"),
            "{page}"
        );

        let (status, _) = app
            .send_raw(
                &teacher,
                Method::POST,
                &format!("/today/{visit}/panic-cancelled"),
                FORM,
                "",
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let alarms = app.get(&office, "/api/alarms").await.expect_status(OK);
        assert!(
            !alarms
                .as_array()
                .expect("a list")
                .iter()
                .any(|a| a["visit_id"] == json!(visit)),
            "{alarms}"
        );

        // The confirm page's "yes" raises it; the phone's status shows it, waiting for someone.
        let (status, _) = app
            .send_raw(
                &teacher,
                Method::POST,
                &format!("/today/{visit}/panic"),
                FORM,
                "client_ref=tap-1",
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let path = format!("/api/visits/{visit}/phone-status");
        let shown = app.get(&teacher, &path).await.expect_status(OK);
        assert!(shown["help"]["sent_at"].is_string(), "{shown}");
        assert_eq!(shown["help"]["taken_by"], Value::Null, "{shown}");
        let (_, today) = app.get(&teacher, "/today").await;
        let today = today.as_str().unwrap_or("");
        assert!(
            today.contains("waiting for someone at school to take charge"),
            "{today}"
        );
    })
    .await;
}

#[tokio::test]
async fn the_phone_shows_who_took_charge_of_a_panic_and_nothing_of_duress() {
    for_each_backend(|app| async move {
        let visit = out(&app).await;
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let office = app.login(&school.email("office")).await;
        let path = format!("/api/visits/{visit}/phone-status");
        let calm = app.get(&teacher, &path).await.expect_status(OK);

        app.post(&teacher, "/api/me/duress-pin", json!({ "pin": "9911" }))
            .await
            .expect_status(StatusCode::NO_CONTENT);
        app.post(
            &teacher,
            &format!("/api/visits/{visit}/check-in"),
            json!({ "pin": "9911" }),
        )
        .await
        .expect_status(OK);
        assert_eq!(app.get(&teacher, &path).await.expect_status(OK), calm);

        let raised = app
            .post(&teacher, &format!("/api/visits/{visit}/panic"), json!({}))
            .await
            .expect_status(CREATED);
        let alarm = raised["alarm_id"].clone();
        app.advance(1);
        app.post(
            &office,
            &format!("/api/alarms/{alarm}/acknowledge"),
            json!({ "note": "Ringing Tom" }),
        )
        .await
        .expect_status(OK);
        let shown = app.get(&teacher, &path).await.expect_status(OK);
        assert_eq!(shown["help"]["alarm_id"], alarm, "{shown}");
        assert_eq!(shown["help"]["taken_by"], "Olive Office", "{shown}");
        let (_, today) = app.get(&teacher, "/today").await;
        let today = today.as_str().unwrap_or("");
        assert!(
            today.contains("Olive Office is dealing with it ("),
            "{today}"
        );
        assert!(!today.to_lowercase().contains("duress"), "{today}");

        // Someone from another school is not told the visit exists.
        let other = app.school("hsp.demo").await;
        let stranger = app.login(&other.email("teacher")).await;
        app.get(&stranger, &path).await.expect_status(NOT_FOUND);
    })
    .await;
}

/// One pass of the safety monitor at the test clock's time.
pub(super) async fn monitor_pass(app: &TestApp) {
    app::monitor::Monitor::new(
        app.db.clone(),
        server::Clock::manual(app.now()),
        app::monitor::Channels::default(),
        app::monitor::MonitorSettings::new("test"),
    )
    .run_once(app.now())
    .await
    .expect("a pass");
}

/// The "Next check-in" line of a Today card (the paragraph, with its class).
fn next_check_in(today: &str) -> &str {
    let start = today
        .find("<p class=\"next-due")
        .expect("a next check-in line");
    let end = today[start..]
        .find("</p>")
        .map_or(today.len(), |e| start + e);
    &today[start..end]
}

#[tokio::test]
async fn a_missed_check_in_stays_on_the_card_as_overdue_until_the_visitor_checks_in() {
    for_each_backend(|app| async move {
        let visit = out(&app).await;
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let due = app.now() + chrono::Duration::minutes(30);

        // Harton: a check-in every 30 minutes, 5 minutes' grace; 36 minutes on, the alarm is up.
        app.advance(36);
        monitor_pass(&app).await;
        let (status, today) = app.get(&teacher, "/today").await;
        assert_eq!(status, OK);
        let today = today.as_str().unwrap_or("");
        assert!(today.contains("Check-in missed."), "{today}");
        let line = next_check_in(today);
        assert!(line.contains("next-due overdue"), "{line}");
        assert!(
            line.contains(&format!("datetime=\"{}", due.format("%Y-%m-%dT%H:%M"))),
            "{line}"
        );

        // "I'm OK": the card counts to the next one, 30 minutes from now.
        app.post(
            &teacher,
            &format!("/api/visits/{visit}/check-in"),
            json!({}),
        )
        .await
        .expect_status(OK);
        let next = app.now() + chrono::Duration::minutes(30);
        let (_, today) = app.get(&teacher, "/today").await;
        let today = today.as_str().unwrap_or("");
        let line = next_check_in(today);
        assert!(!line.contains("overdue"), "{line}");
        assert!(
            line.contains(&format!("datetime=\"{}", next.format("%Y-%m-%dT%H:%M"))),
            "{line}"
        );
        assert!(!today.contains("Check-in missed."), "{today}");
    })
    .await;
}
