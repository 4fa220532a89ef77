//! The tester's report of 3 December, through the router: the visitors' safety taps are theirs
//! alone (A1), the information pack stays shut while a visit is planned (B1), a hidden code word
//! still counts (C1), duress stays covert to the visit's people (A9), nobody authorises their own
//! visit (C2), and a closed chronology does not name the child (B4).

use super::*;
use axum::http::Method;

/// A visit of Harton's teacher and liaison officer, the office as buddy, signed out now.
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
async fn only_the_visitors_tap_im_ok_more_time_and_the_steps_others_record_a_phoned_in_check_in() {
    for_each_backend(|app| async move {
        let visit = out(&app).await;
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let office = app.login(&school.email("office")).await; // the buddy, and the office
        let head = app.login(&school.email("head")).await;
        let extend = json!({ "reason": "buddy", "minutes": 60 });
        for who in [&office, &head] {
            let refused = app
                .post(who, &format!("/api/visits/{visit}/check-in"), json!({}))
                .await
                .expect_status(FORBIDDEN);
            assert!(
                refused.to_string().contains("phoned-in check-in"),
                "{refused}"
            );
            app.post(who, &format!("/api/visits/{visit}/extend"), extend.clone())
                .await
                .expect_status(FORBIDDEN);
            app.step(who, visit, "arrived")
                .await
                .expect_status(FORBIDDEN);
            // The page's form goes through the same use case: nothing is recorded.
            let form = Some("application/x-www-form-urlencoded");
            app.send_raw(
                who,
                Method::POST,
                &format!("/today/{visit}/check-in"),
                form,
                "",
            )
            .await;
        }
        let rows = app
            .db
            .check_ins_of(domain::VisitId(visit))
            .await
            .expect("check-ins");
        assert!(
            rows.is_empty(),
            "nobody but the visitors checked in: {rows:?}"
        );

        // The buddy's Today card is the buddy's: no "I'm OK", no "Phone your buddy".
        let (status, page) = app.get(&office, "/today").await;
        assert_eq!(status, OK);
        let page = page.as_str().unwrap_or("");
        assert!(
            page.contains("You are the <strong>buddy</strong>"),
            "{page}"
        );
        assert!(
            !page.contains("I'm OK") && !page.contains("I&#39;m OK"),
            "{page}"
        );
        assert!(!page.contains("Need more time"), "{page}");
        assert!(!page.contains("Panic — I need help"), "{page}");

        // The visitor's own taps work; the buddy records a call with who phoned.
        app.post(
            &teacher,
            &format!("/api/visits/{visit}/check-in"),
            json!({}),
        )
        .await
        .expect_status(OK);
        app.step(&teacher, visit, "arrived").await.expect_status(OK);
        app.step(&office, visit, "left")
            .await
            .expect_status(FORBIDDEN);
        let body = json!({ "caller_staff_id": school.staff("teacher") });
        app.post(&office, &format!("/api/visits/{visit}/phoned-in"), body)
            .await
            .expect_status(OK);
        let rows = app
            .db
            .check_ins_of(domain::VisitId(visit))
            .await
            .expect("check-ins");
        assert_eq!(rows.len(), 2, "{rows:?}");
    })
    .await;
}

/// Tester's B1: drafting a visit opened the family's information pack. It opens only once the
/// visit is signed out, and then to its people.
#[tokio::test]
async fn the_information_pack_stays_shut_until_the_visit_is_signed_out() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let head = app.login(&school.email("head")).await;
        let draft = app.planned_visit(&teacher, "harton.demo", json!({})).await;
        for who in [&teacher, &head] {
            let refused = app
                .get(who, &format!("/api/visits/{draft}/information-pack"))
                .await
                .expect_status(FORBIDDEN);
            assert!(refused.to_string().contains("signed out"), "{refused}");
            let (status, page) = app.get(who, &format!("/visits/{draft}/pack")).await;
            assert_ne!(status, OK);
            assert!(!page.to_string().contains("Jo Smith"), "{page}");
        }
        let visit = out(&app).await;
        let (status, pack) = app
            .get(&teacher, &format!("/api/visits/{visit}/information-pack"))
            .await;
        assert_eq!(status, OK, "{pack}");
    })
    .await;
}

/// Tester's C1: the code word is hidden from the head and the office, but it is agreed: the
/// policy check judges the visit as it is, so P5 is met for them as for its people.
#[tokio::test]
async fn a_code_word_hidden_from_the_reader_still_counts_as_agreed() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let visit = app.planned_visit(&teacher, "harton.demo", json!({})).await;
        app.request(&teacher, visit).await.expect_status(OK);
        let path = format!("/api/visits/{visit}/policy-check?stage=authorise");
        for who in ["head", "office", "teacher"] {
            let session = app.login(&school.email(who)).await;
            let check = app.get(&session, &path).await.expect_status(OK);
            let unmet = requirements(&check["unmet"]);
            assert!(!unmet.iter().any(|r| r == "P5"), "{who}: {check}");
        }
        // The word itself stays hidden from the head.
        let head = app.login(&school.email("head")).await;
        let seen = app
            .get(&head, &format!("/api/visits/{visit}"))
            .await
            .expect_status(OK);
        assert!(!seen.to_string().contains("bluebell"), "{seen}");
    })
    .await;
}

/// Tester's A9: a duress check-in looks like any other to the people on the visit, and the
/// visitor who also watches the board (Lina, attendance lead) does not see its alarm there.
#[tokio::test]
async fn a_duress_check_in_stays_covert_to_everyone_on_the_visit() {
    for_each_backend(|app| async move {
        let visit = out(&app).await;
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let liaison = app.login(&school.email("liaison")).await; // visiting, and a board watcher
        let office = app.login(&school.email("office")).await;
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
        for who in [&teacher, &liaison] {
            let seen = app
                .get(who, &format!("/api/visits/{visit}"))
                .await
                .expect_status(OK);
            assert_eq!(seen["check_ins"][0]["kind"], "ok", "{seen}");
            assert!(!seen.to_string().contains("duress"), "{seen}");
        }
        let board = app.get(&office, "/api/board").await.expect_status(OK);
        let alarm = board["alarms"][0]["id"].clone();
        assert_eq!(board["alarms"][0]["kind"], "duress", "{board}");
        let board = app.get(&liaison, "/api/board").await.expect_status(OK);
        assert!(!board.to_string().contains("duress"), "{board}");
        let (_, page) = app.get(&liaison, "/board").await;
        assert!(
            !page.to_string().to_lowercase().contains("duress"),
            "{page}"
        );
        app.get(&liaison, &format!("/api/alarms/{alarm}"))
            .await
            .expect_status(NOT_FOUND);
    })
    .await;
}

/// Tester's C2: the DSL planned a visit she goes on and authorised it herself. Authorisation is a
/// second person's check (P9): she is refused, the head may.
#[tokio::test]
async fn nobody_authorises_a_visit_they_are_going_on() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let dsl = app.login(&school.email("dsl")).await;
        let head = app.login(&school.email("head")).await;
        let senior = app.login(&school.email("senior")).await;
        let assessment = app
            .assess_risk(&senior, school.smith, "medium", "low")
            .await;
        app.sign_off(&senior, assessment).await.expect_status(OK);
        let pair = json!({ "visitors": [
            visitor(dsl.id, "designated safeguarding lead"),
            visitor(school.staff("teacher"), "class teacher"),
        ] });
        let visit = app.planned_visit(&dsl, "harton.demo", pair).await;
        app.request(&dsl, visit).await.expect_status(OK);
        let refused = app
            .authorise(&dsl, visit, json!({}))
            .await
            .expect_status(FORBIDDEN);
        assert!(
            refused.to_string().contains("going on this visit"),
            "{refused}"
        );
        app.authorise(&head, visit, json!({}))
            .await
            .expect_status(OK);
    })
    .await;
}

/// Tester's B4: a chronology closed to the reader offers break-glass without naming the child,
/// so trying ids does not read the school's roll.
#[tokio::test]
async fn a_closed_chronology_does_not_name_the_child() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let chair = app.login(&school.email("chair")).await;
        let (status, page) = app
            .get(&chair, &format!("/pupils/{}/chronology", school.ava))
            .await;
        assert_ne!(status, OK);
        let page = page.to_string();
        assert!(!page.contains("Ava"), "{page}");
    })
    .await;
}
