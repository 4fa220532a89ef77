//! The visitor's phone while out (#11, tester's A6, A8, A9): every visit out keeps its card and
//! one panic button, and the help bar of the visit in most trouble is the pinned one; a tap kept offline is recorded when it was tapped; a visit can be turned back
//! before reaching the house; a safety tap needs no body; the buddy's code-word alarm asks to
//! confirm and then says what to do next (A4).

use super::*;
use axum::http::Method;

/// A planned, authorised visit of Harton's teacher to the Smith household; its id.
async fn authorised(app: &TestApp) -> i64 {
    let school = app.school("harton.demo").await;
    let teacher = app.login(&school.email("teacher")).await;
    let head = app.login(&school.email("head")).await;
    let visit = app.planned_visit(&teacher, "harton.demo", json!({})).await;
    app.request(&teacher, visit).await.expect_status(OK);
    app.authorise(&head, visit, json!({}))
        .await
        .expect_status(OK);
    visit
}

/// [`authorised`], signed out now.
async fn out(app: &TestApp) -> i64 {
    let school = app.school("harton.demo").await;
    let senior = app.login(&school.email("senior")).await;
    let assessment = app
        .assess_risk(&senior, school.smith, "medium", "low")
        .await;
    app.sign_off(&senior, assessment).await.expect_status(OK);
    let visit = authorised(app).await;
    let teacher = app.login(&school.email("teacher")).await;
    app.step(&teacher, visit, "sign-out")
        .await
        .expect_status(OK);
    visit
}

#[tokio::test]
async fn seven_visits_out_at_once_each_have_their_card_and_panic_button_on_today() {
    for_each_backend(|app| async move {
        let first = out(&app).await;
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let mut visits = vec![first];
        for _ in 1..7 {
            let visit = authorised(&app).await;
            app.step(&teacher, visit, "sign-out")
                .await
                .expect_status(OK);
            visits.push(visit);
        }
        let (status, page) = app.get(&teacher, "/today").await;
        assert_eq!(status, OK);
        let page = page.as_str().unwrap_or("");
        for visit in &visits {
            assert_eq!(
                page.matches(&format!("data-api=\"/api/visits/{visit}/panic\""))
                    .count(),
                1,
                "visit {visit} has not exactly one panic button on Today"
            );
        }
        assert!(!page.contains("My other visits"), "{page}");
        // One help bar is pinned to the screen, and it says the other six have their own.
        assert_eq!(page.matches("class=\"sos pinned\"").count(), 1, "{page}");
        assert!(
            page.contains("also out on 6 more: their buttons are on their cards"),
            "{page}"
        );
    })
    .await;
}

#[tokio::test]
async fn out_on_two_visits_the_pinned_help_bar_and_the_first_card_are_the_one_with_a_panic() {
    for_each_backend(|app| async move {
        let first = out(&app).await;
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let second = authorised(&app).await;
        app.advance(1);
        app.step(&teacher, second, "sign-out")
            .await
            .expect_status(OK);
        // The opening tag of the card holding the pinned bar.
        let pinned = |page: &str| {
            let at = page
                .find("class=\"sos pinned\"")
                .expect("a pinned help bar");
            let card = page[..at]
                .rfind("<section class=\"card")
                .expect("inside a card");
            page[card..].split('>').next().unwrap_or("").to_string()
        };
        let first_card = |page: &str| {
            let at = page.find("class=\"card visit-card").expect("a card");
            page[at..].split('>').next().unwrap_or("").to_string()
        };

        // Nothing wrong: the check-in owed first (the first out) has the bar.
        let (_, page) = app.get(&teacher, "/today").await;
        let page = page.as_str().unwrap_or("");
        assert!(
            pinned(page).contains(&format!("id=\"visit-{first}\"")),
            "{page}"
        );

        // A panic on the second, from elsewhere: the bar and the top card are the second's.
        app.post(&teacher, &format!("/api/visits/{second}/panic"), json!({}))
            .await
            .expect_status(CREATED);
        let (_, page) = app.get(&teacher, "/today").await;
        let page = page.as_str().unwrap_or("");
        assert!(
            pinned(page).contains(&format!("id=\"visit-{second}\"")),
            "{page}"
        );
        assert!(
            first_card(page).contains(&format!("id=\"visit-{second}\"")),
            "{page}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_panic_and_a_check_in_kept_offline_are_recorded_when_tapped() {
    for_each_backend(|app| async move {
        let visit = out(&app).await;
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let office = app.login(&school.email("office")).await;
        let signed_out = app.now();
        app.advance(25);
        let tapped = (signed_out + Duration::minutes(10)).to_rfc3339();
        let checked = app
            .post(
                &teacher,
                &format!("/api/visits/{visit}/check-in"),
                json!({ "tapped_at": tapped }),
            )
            .await
            .expect_status(OK);
        assert_eq!(
            checked["recorded_at"].as_str().map(parse),
            Some(signed_out + Duration::minutes(10))
        );
        let tapped = (signed_out + Duration::minutes(20)).to_rfc3339();
        let raised = app
            .post(
                &teacher,
                &format!("/api/visits/{visit}/panic"),
                json!({ "client_ref": "offline-1", "tapped_at": tapped }),
            )
            .await
            .expect_status(CREATED);
        let alarm = raised["alarm_id"].clone();
        let shown = app
            .get(&office, &format!("/api/alarms/{alarm}"))
            .await
            .expect_status(OK);
        let raised_at = shown["raised_at"]
            .as_str()
            .or(shown["alarm"]["raised_at"].as_str());
        assert_eq!(
            raised_at.map(parse),
            Some(signed_out + Duration::minutes(20)),
            "{shown}"
        );
        // When it reached the server is kept too.
        let seen = app
            .get(&office, &format!("/api/visits/{visit}"))
            .await
            .expect_status(OK);
        let received = seen["events"]
            .as_array()
            .expect("events")
            .iter()
            .find(|e| e["step"] == "alarm_received")
            .unwrap_or_else(|| panic!("no alarm_received event: {seen}"));
        assert_eq!(
            received["at"].as_str().map(parse),
            Some(signed_out + Duration::minutes(25))
        );
    })
    .await;
}

#[tokio::test]
async fn a_tap_time_in_the_future_or_before_the_sign_out_is_refused_naming_it() {
    for_each_backend(|app| async move {
        let visit = out(&app).await;
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let office = app.login(&school.email("office")).await;
        let future = (app.now() + Duration::minutes(10)).to_rfc3339();
        let before = (app.now() - Duration::minutes(5)).to_rfc3339();
        for (path, when) in [
            ("panic", &future),
            ("check-in", &before),
            ("arrived", &future),
        ] {
            let refused = app
                .post(
                    &teacher,
                    &format!("/api/visits/{visit}/{path}"),
                    json!({ "tapped_at": when }),
                )
                .await
                .expect_status(StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(refused["field"], "tapped_at", "{path}: {refused}");
        }
        let reason = app
            .post(
                &teacher,
                &format!("/api/visits/{visit}/panic"),
                json!({ "tapped_at": future }),
            )
            .await
            .1;
        assert!(
            reason["reason"]
                .as_str()
                .unwrap_or("")
                .contains("ahead of the school's clock"),
            "{reason}"
        );
        // Nothing was written: no alarm, and the visit is still on the way.
        let alarms = app.get(&office, "/api/alarms").await.expect_status(OK);
        assert_eq!(alarms.as_array().map(Vec::len), Some(0), "{alarms}");
        let seen = app
            .get(&teacher, &format!("/api/visits/{visit}"))
            .await
            .expect_status(OK);
        assert_eq!(seen["visit"]["status"], "signed_out");
    })
    .await;
}

#[tokio::test]
async fn a_panic_or_an_arrival_with_no_body_is_taken() {
    for_each_backend(|app| async move {
        let visit = out(&app).await;
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let (status, raised) = app
            .send_raw(
                &teacher,
                Method::POST,
                &format!("/api/visits/{visit}/panic"),
                None,
                "",
            )
            .await;
        assert_eq!(status, CREATED, "{raised}");
        assert!(raised["alarm_id"].is_i64(), "{raised}");
        let (status, body) = app
            .send_raw(
                &teacher,
                Method::POST,
                &format!("/api/visits/{visit}/check-in"),
                None,
                "",
            )
            .await;
        assert_eq!(status, OK, "{body}");
        // Labelled JSON but empty (as some phones send a tap): taken, not "not readable JSON".
        let (status, body) = app
            .send_raw(
                &teacher,
                Method::POST,
                &format!("/api/visits/{visit}/check-in"),
                Some("application/json"),
                "",
            )
            .await;
        assert_eq!(status, OK, "{body}");
        // A body with no Content-Type is still refused, naming it.
        let (status, body) = app
            .send_raw(
                &teacher,
                Method::POST,
                &format!("/api/visits/{visit}/panic"),
                None,
                "{\"note\":\"x\"}",
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["field"], "content-type", "{body}");
    })
    .await;
}

#[tokio::test]
async fn the_buddy_confirms_the_code_word_and_is_told_what_to_do_next() {
    for_each_backend(|app| async move {
        let visit = out(&app).await;
        let school = app.school("harton.demo").await;
        let buddy = app.login(&school.email("office")).await;
        let (_, page) = app.get(&buddy, "/today").await;
        let page = page.as_str().unwrap_or("");
        assert!(page.contains("They said the code word"), "{page}");
        assert!(page.contains("Yes — raise the silent alarm"), "{page}");
        let (status, _) = app
            .send_raw(
                &buddy,
                Method::POST,
                &format!("/today/{visit}/duress"),
                Some("application/x-www-form-urlencoded"),
                "client_ref=code-word-1",
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, page) = app.get(&buddy, "/today?done=duress").await;
        let page = page.as_str().unwrap_or("");
        assert!(
            page.contains("Call 999 now and ask for the police"),
            "{page}"
        );
        let board = app.get(&buddy, "/api/board").await.expect_status(OK);
        assert_eq!(board["alarms"][0]["kind"], "duress", "{board}");
    })
    .await;
}

fn parse(s: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(s)
        .unwrap_or_else(|e| panic!("{s}: {e}"))
        .with_timezone(&chrono::Utc)
}

/// Tester (session 22): what staff saw at the door is reported by the visitors only, and only
/// while they are out; a panic is never refused.
#[tokio::test]
async fn a_doorstep_report_comes_from_the_visitors_while_out_and_nobody_else() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let buddy = app.login(&school.email("office")).await;
        let seen = json!({ "kind": "child_alone" });
        let planned = authorised(&app).await;
        let path = format!("/api/visits/{planned}/observations");
        let refused = app
            .post(&teacher, &path, seen.clone())
            .await
            .expect_status(StatusCode::CONFLICT);
        assert!(
            refused.to_string().contains("only while staff are out"),
            "{refused}"
        );
        let duress = format!("/api/visits/{planned}/duress");
        app.post(&buddy, &duress, json!({}))
            .await
            .expect_status(StatusCode::CONFLICT);
        let visit = out(&app).await;
        let path = format!("/api/visits/{visit}/observations");
        app.post(&buddy, &path, seen.clone())
            .await
            .expect_status(StatusCode::FORBIDDEN);
        app.post(&teacher, &path, seen)
            .await
            .expect_status(StatusCode::CREATED);
    })
    .await;
}
