//! Issue #11, the tester's faults on the visitor's phone and the office board: a burst of "I'm
//! OK" taps is one check-in (C5), the visitors are told when school closes their alarm (C2), the
//! board lists first the visit that needs a person first (C9/C10), and a visit that left without
//! tapping "Arrived" says so in its pack and record (A4).

use super::phone::monitor_pass;
use super::*;
use axum::http::Method;

const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

/// A Harton visit (arrived is optional there) planned by `planner` (one of `visitors`), signed
/// out now; its id.
async fn out_with(app: &TestApp, planner: &str, visitors: Value) -> i64 {
    let school = app.school("harton.demo").await;
    let visitor = app.login(&school.email(planner)).await;
    let head = app.login(&school.email("head")).await;
    let visit = app
        .planned_visit(&visitor, "harton.demo", json!({ "visitors": visitors }))
        .await;
    app.request(&visitor, visit).await.expect_status(OK);
    app.authorise(&head, visit, json!({}))
        .await
        .expect_status(OK);
    app.step(&visitor, visit, "sign-out")
        .await
        .expect_status(OK);
    visit
}

async fn assessed(app: &TestApp) {
    let school = app.school("harton.demo").await;
    let senior = app.login(&school.email("senior")).await;
    let assessment = app
        .assess_risk(&senior, school.smith, "medium", "low")
        .await;
    app.sign_off(&senior, assessment).await.expect_status(OK);
}

async fn out(app: &TestApp) -> i64 {
    assessed(app).await;
    let school = app.school("harton.demo").await;
    out_with(
        app,
        "teacher",
        json!([
            { "staff_id": school.staff("teacher"), "role_on_visit": "class teacher" },
            { "staff_id": school.staff("liaison"), "role_on_visit": "family liaison officer" }
        ]),
    )
    .await
}

async fn check_ins(app: &TestApp, visit: i64) -> Vec<store::CheckIn> {
    app.db
        .check_ins_of(domain::VisitId(visit))
        .await
        .expect("check-ins")
}

#[tokio::test]
async fn a_burst_of_im_ok_taps_is_one_check_in_but_duress_and_panic_are_always_recorded() {
    for_each_backend(|app| async move {
        let visit = out(&app).await;
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let path = format!("/api/visits/{visit}/check-in");

        // A shaky hand: three taps in the same few seconds, no client_ref.
        let first = app.post(&teacher, &path, json!({})).await.expect_status(OK);
        for _ in 0..2 {
            let again = app.post(&teacher, &path, json!({})).await.expect_status(OK);
            assert_eq!(again, first, "a repeat tap is answered as the first");
        }
        // A double tap on the page without JavaScript.
        for _ in 0..2 {
            app.send_raw(
                &teacher,
                Method::POST,
                &format!("/today/{visit}/check-in"),
                FORM,
                "",
            )
            .await;
        }
        assert_eq!(check_ins(&app, visit).await.len(), 1, "one check-in");

        // The duress PIN straight after is never folded into the tap before: the alarm rises.
        app.post(&teacher, "/api/me/duress-pin", json!({ "pin": "9911" }))
            .await
            .expect_status(StatusCode::NO_CONTENT);
        let covert = app
            .post(&teacher, &path, json!({ "pin": "9911" }))
            .await
            .expect_status(OK);
        assert_eq!(covert, first, "the duress answer looks like the first tap");
        assert_eq!(check_ins(&app, visit).await.len(), 2);
        let office = app.login(&school.email("office")).await;
        let alarms = app.get(&office, "/api/alarms").await.expect_status(OK);
        let kinds: Vec<&str> = alarms
            .as_array()
            .expect("a list")
            .iter()
            .filter(|a| a["visit_id"] == json!(visit))
            .filter_map(|a| a["kind"].as_str())
            .collect();
        assert_eq!(kinds, ["duress"], "{alarms}");
        // A panic in the same seconds is raised too.
        app.post(&teacher, &format!("/api/visits/{visit}/panic"), json!({}))
            .await
            .expect_status(CREATED);

        // A minute later "I'm OK" is a new check-in; the other visitor's own tap is theirs.
        app.advance(1);
        app.post(&teacher, &path, json!({})).await.expect_status(OK);
        let liaison = app.login(&school.email("liaison")).await;
        app.post(&liaison, &path, json!({})).await.expect_status(OK);
        assert_eq!(check_ins(&app, visit).await.len(), 4);
    })
    .await;
}

/// The id of the visit's open alarm of `kind`, as the office sees it.
async fn open_alarm(app: &TestApp, office: &Session, visit: i64, kind: &str) -> Value {
    let alarms = app.get(office, "/api/alarms").await.expect_status(OK);
    alarms
        .as_array()
        .expect("a list")
        .iter()
        .find(|a| a["visit_id"] == json!(visit) && a["kind"] == kind)
        .unwrap_or_else(|| panic!("no open {kind} alarm: {alarms}"))["id"]
        .clone()
}

async fn in_app_to(app: &TestApp, staff: i64) -> Vec<String> {
    app.db
        .in_app_notifications(domain::StaffId(staff), 0, 500)
        .await
        .expect("messages")
        .into_iter()
        .map(|n| n.body)
        .collect()
}

const CLOSED: &str = "School has closed the alarm for your visit at ";

#[tokio::test]
async fn the_visitors_are_told_when_school_closes_their_missed_check_in_alarm_but_not_duress() {
    for_each_backend(|app| async move {
        let visit = out(&app).await;
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let office = app.login(&school.email("office")).await;
        let status = format!("/api/visits/{visit}/phone-status");

        // Harton: a check-in every 30 minutes and 5 minutes' grace; the office closes the alarm.
        app.advance(36);
        monitor_pass(&app).await;
        let alarm = open_alarm(&app, &office, visit, "missed_check_in").await;
        app.advance(2);
        let closed_at = app.now();
        app.post(
            &office,
            &format!("/api/alarms/{alarm}/resolve"),
            json!({ "outcome": "Rang Tom: all well, phone on silent." }),
        )
        .await
        .expect_status(OK);

        let shown = app.get(&teacher, &status).await.expect_status(OK);
        let line = shown["closed"].as_str().unwrap_or_default().to_string();
        let policy = app
            .db
            .current_policy(domain::SchoolId(school.id))
            .await
            .expect("policy");
        let hhmm = app::words::clock_time(closed_at, policy.settings.tz());
        assert_eq!(
            line,
            format!("{CLOSED}{hhmm}: tap I'm OK at your next check-in."),
            "{shown}"
        );
        assert_eq!(shown["missed"], Value::Null, "{shown}");
        let (_, today) = app.get(&teacher, "/today").await;
        let today = today.as_str().unwrap_or("");
        assert!(today.contains(&format!("{CLOSED}{hhmm}")), "{today}");
        for who in ["teacher", "liaison"] {
            let told = in_app_to(&app, school.staff(who)).await;
            assert!(told.contains(&line), "{who}: {told:?}");
        }

        // The next "I'm OK" clears the line.
        app.advance(1);
        app.post(
            &teacher,
            &format!("/api/visits/{visit}/check-in"),
            json!({}),
        )
        .await
        .expect_status(OK);
        let shown = app.get(&teacher, &status).await.expect_status(OK);
        assert_eq!(shown["closed"], Value::Null, "{shown}");

        // Duress stays covert: closing it tells the visitors nothing and the card says nothing.
        app.post(&teacher, "/api/me/duress-pin", json!({ "pin": "9911" }))
            .await
            .expect_status(StatusCode::NO_CONTENT);
        app.advance(1);
        app.post(
            &teacher,
            &format!("/api/visits/{visit}/check-in"),
            json!({ "pin": "9911" }),
        )
        .await
        .expect_status(OK);
        let duress = open_alarm(&app, &office, visit, "duress").await;
        let before = in_app_to(&app, school.staff("teacher")).await.len();
        app.advance(1);
        app.post(
            &office,
            &format!("/api/alarms/{duress}/resolve"),
            json!({ "outcome": "Police attended; staff safe." }),
        )
        .await
        .expect_status(OK);
        let after = in_app_to(&app, school.staff("teacher")).await;
        assert_eq!(after.len(), before, "{after:?}");
        let shown = app.get(&teacher, &status).await.expect_status(OK);
        assert_eq!(shown["closed"], Value::Null, "{shown}");
    })
    .await;
}

#[tokio::test]
async fn the_board_lists_a_panic_first_then_the_soonest_deadline() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let office = app.login(&school.email("office")).await;
        let first = out(&app).await;
        app.advance(10);
        let second = out_with(
            &app,
            "senior",
            json!([
                { "staff_id": school.staff("senior"), "role_on_visit": "senior leader" },
                { "staff_id": school.staff("dsl"), "role_on_visit": "safeguarding lead" }
            ]),
        )
        .await;
        let order = |board: &Value| -> Vec<i64> {
            board["out"]
                .as_array()
                .expect("out")
                .iter()
                .filter_map(|o| o["visit_id"].as_i64())
                .collect()
        };
        // The first out owes its check-in first.
        let board = app.get(&office, "/api/board").await.expect_status(OK);
        assert_eq!(order(&board), [first, second], "{board}");

        // A panic on the second puts it on top, on the page too.
        let senior = app.login(&school.email("senior")).await;
        app.post(&senior, &format!("/api/visits/{second}/panic"), json!({}))
            .await
            .expect_status(CREATED);
        let board = app.get(&office, "/api/board").await.expect_status(OK);
        assert_eq!(order(&board), [second, first], "{board}");
        let (_, page) = app.get(&office, "/board/live").await;
        let page = page.as_str().unwrap_or("");
        let at = |v: i64| {
            page.find(&format!("href=\"/visits/{v}\""))
                .unwrap_or(usize::MAX)
        };
        assert!(at(second) < at(first), "{page}");
        // Each person's pack link says whose pack it is to a screen reader (not just "pack").
        for v in [first, second] {
            let link = format!("href=\"/visits/{v}/pack\" class=\"no-print\"><span class=\"visually-hidden\">Information </span>pack<span class=\"visually-hidden\"> for the ");
            assert!(page.contains(&link), "{page}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_visit_that_left_without_tapping_arrived_says_arrived_was_never_tapped() {
    for_each_backend(|app| async move {
        let visit = out(&app).await;
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let senior = app.login(&school.email("senior")).await;
        let pack = format!("/api/visits/{visit}/information-pack");

        // On the way: arrival is simply not yet.
        let (status, text) = app.get(&senior, &pack).await;
        assert_eq!(status, OK, "{text}");
        let text = text.to_string();
        assert!(
            text.contains("Time of meeting (arrival): planned"),
            "{text}"
        );
        assert!(!text.contains("Arrived was never tapped"), "{text}");

        // Harton makes "arrived" optional: the visitors tap "Left" straight from signed out.
        app.advance(20);
        app.step(&teacher, visit, "left").await.expect_status(OK);
        let (_, text) = app.get(&senior, &pack).await;
        let text = text.to_string();
        assert!(text.contains("· actual Arrived was never tapped"), "{text}");
        assert!(!text.contains("not recorded\\nTime due"), "{text}");
        let (_, page) = app.get(&teacher, &format!("/visits/{visit}")).await;
        let page = page.as_str().unwrap_or("");
        assert!(
            page.contains("Left the house — Arrived was never tapped"),
            "{page}"
        );
    })
    .await;
}
