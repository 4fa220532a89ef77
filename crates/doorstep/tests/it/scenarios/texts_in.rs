//! #11 item 6: checking in without data. A visitor answers a reminder by text and the SMS
//! gateway forwards it, signed: `OK` checks in, `OK` and the duress PIN raises a silent alarm
//! and is answered exactly like `OK`, `HELP` raises a panic; an unknown number, a bad or stale
//! signature and a replayed message id do nothing.

use super::*;
use domain::VisitId;

const SECRET: &str = "gateway-shared-secret";

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

/// The teacher's mobile as a gateway sends it: "+44…", without the leading 0.
async fn international(app: &TestApp, who: &Session) -> String {
    let mobile = app
        .staff(who)
        .await
        .mobile
        .expect("the demo teacher has a mobile");
    let digits: String = mobile
        .as_str()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    format!("+44{}", &digits[1..])
}

async fn kinds(app: &TestApp, visit: i64) -> Vec<String> {
    let alarms = app
        .db
        .alarms_of_visit(VisitId(visit))
        .await
        .expect("alarms");
    alarms.into_iter().map(|a| a.kind.to_string()).collect()
}

async fn check_ins(app: &TestApp, visit: i64) -> usize {
    app.db
        .check_ins_of(VisitId(visit))
        .await
        .expect("check-ins")
        .len()
}

#[tokio::test]
async fn ok_checks_in_ok_with_the_duress_pin_looks_the_same_and_help_raises_a_panic() {
    for_each_backend(|app| async move {
        let app = app.with_sms_inbound_secret(SECRET);
        let visit = out(&app).await;
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let from = international(&app, &teacher).await;
        app.post(&teacher, "/api/me/duress-pin", json!({ "pin": "9911" }))
            .await
            .expect_status(StatusCode::NO_CONTENT);

        let ok = app
            .text_in(
                SECRET,
                0,
                json!({ "message_id": "m1", "from": from, "text": "OK" }),
            )
            .await
            .expect_status(OK);
        assert_eq!(check_ins(&app, visit).await, 1);
        assert!(kinds(&app, visit).await.is_empty());

        app.advance(1);
        let duress = app
            .text_in(
                SECRET,
                0,
                json!({ "message_id": "m2", "from": from, "text": "ok 9911" }),
            )
            .await
            .expect_status(OK);
        assert_eq!(duress, ok, "the duress answer is the ordinary one");
        assert_eq!(kinds(&app, visit).await, ["duress"]);

        let replay = app
            .text_in(
                SECRET,
                0,
                json!({ "message_id": "m1", "from": from, "text": "OK" }),
            )
            .await
            .expect_status(OK);
        assert_eq!(replay["outcome"], "replay");
        assert_eq!(check_ins(&app, visit).await, 2, "the replay added nothing");

        app.text_in(
            SECRET,
            0,
            json!({ "message_id": "m3", "from": from, "text": "HELP" }),
        )
        .await
        .expect_status(OK);
        assert_eq!(kinds(&app, visit).await, ["duress", "panic"]);

        // Every text is in the visit's audit trail.
        let head = app.login(&school.email("head")).await;
        let trail = app
            .get(
                &head,
                &format!("/api/audit?subject_type=visit&subject_id={visit}"),
            )
            .await
            .expect_status(OK);
        let texts = trail
            .as_array()
            .expect("a list")
            .iter()
            .filter(|r| r["action"] == "sms.received")
            .count();
        assert_eq!(texts, 3, "{trail}");
    })
    .await;
}

#[tokio::test]
async fn a_text_from_an_unknown_number_or_badly_signed_does_nothing() {
    for_each_backend(|app| async move {
        let app = app.with_sms_inbound_secret(SECRET);
        let visit = out(&app).await;
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let from = international(&app, &teacher).await;

        let stranger = app
            .text_in(
                SECRET,
                0,
                json!({ "message_id": "s1", "from": "+447700999999", "text": "HELP" }),
            )
            .await
            .expect_status(OK);
        assert_eq!(stranger["outcome"], "unknown_number");

        let forged = app
            .text_in(
                "not-the-secret",
                0,
                json!({ "message_id": "s2", "from": from, "text": "HELP" }),
            )
            .await
            .expect_status(StatusCode::FORBIDDEN);
        assert!(
            forged["reason"]
                .as_str()
                .unwrap_or("")
                .contains("signature"),
            "{forged}"
        );
        app.text_in(
            SECRET,
            600,
            json!({ "message_id": "s3", "from": from, "text": "OK" }),
        )
        .await
        .expect_status(StatusCode::FORBIDDEN);

        assert!(kinds(&app, visit).await.is_empty());
        assert_eq!(check_ins(&app, visit).await, 0);

        let refused = app
            .text_in(
                SECRET,
                0,
                json!({ "message_id": "s4", "from": "call me", "text": "OK" }),
            )
            .await
            .expect_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused["field"], "from", "{refused}");
    })
    .await;
}

#[tokio::test]
async fn the_office_records_a_check_in_phoned_in_naming_who_took_the_call() {
    for_each_backend(|app| async move {
        let visit = out(&app).await;
        let school = app.school("harton.demo").await;
        let office = app.login(&school.email("office")).await;
        let path = format!("/api/visits/{visit}/phoned-in");

        // Only one of the visitors can have phoned.
        let refused = app
            .post(&office, &path, json!({ "caller_staff_id": school.staff("head") }))
            .await
            .expect_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused["field"], "caller_staff_id", "{refused}");
        assert_eq!(check_ins(&app, visit).await, 0);

        let body = json!({ "caller_staff_id": school.staff("teacher"), "note": "All fine, 20 minutes more" });
        app.post(&office, &path, body).await.expect_status(OK);
        let rows = app.db.check_ins_of(VisitId(visit)).await.expect("check-ins");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].staff_id, Some(office.id), "the call-taker is recorded");

        // The same on the visit's page without JavaScript.
        let form = Some("application/x-www-form-urlencoded");
        let caller = format!("caller={}&note=Leaving+now", school.staff("teacher"));
        let (status, _) = app
            .send_raw(&office, axum::http::Method::POST, &format!("/visits/{visit}/phoned-in"), form, caller)
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, page) = app.get(&office, &format!("/visits/{visit}")).await;
        let page = page.as_str().unwrap_or("");
        assert!(page.contains("Phoned in by Tom Teacher; call taken by Olive Office: Leaving now"), "{page}");
        assert!(page.contains("Record a check-in phoned in"), "{page}");
    })
    .await;
}
