//! #11 item 10, tester A4: a buddy hand-over cannot be half done. The visit's buddy is one value:
//! after the hand-over the new buddy reads the visit with its code word, can raise duress and
//! shows on Today; the buddy who left no longer does. Only the buddy (or the office, the DSL or
//! the head for them) hands over, and only to staff based at school, not visiting, with a mobile.

use super::*;

const REFUSED: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

/// A new member of staff at Harton, signed in; their id is `session.id`.
pub(super) async fn new_staff(
    app: &TestApp,
    head: &Session,
    name: &str,
    mobile: Option<&str>,
) -> Session {
    let local = name.split(' ').next().unwrap_or(name).to_lowercase();
    let email = format!("{local}@harton.demo");
    let school = app.school("harton.demo").await;
    app.post(
        head,
        "/api/staff",
        json!({
            "name": name,
            "email": email,
            "mobile": mobile,
            "job_title": "Teaching Assistant",
            "roles": ["visiting_staff"],
            "password": PASSWORD,
            "school_id": school.id
        }),
    )
    .await
    .expect_status(CREATED);
    app.login(&email).await
}

/// Harton's teacher and deputy head out on a visit with the family liaison officer as buddy.
async fn out_with_lina_as_buddy(app: &TestApp) -> i64 {
    let school = app.school("harton.demo").await;
    let teacher = app.login(&school.email("teacher")).await;
    let senior = app.login(&school.email("senior")).await;
    let head = app.login(&school.email("head")).await;
    let assessment = app
        .assess_risk(&senior, school.smith, "medium", "low")
        .await;
    app.sign_off(&senior, assessment).await.expect_status(OK);
    let plan = json!({
        "visitors": [
            { "staff_id": school.staff("teacher"), "role_on_visit": "class teacher" },
            { "staff_id": school.staff("senior"), "role_on_visit": "deputy head" }
        ],
        "buddy_staff_id": school.staff("liaison"),
    });
    let visit = app.planned_visit(&teacher, "harton.demo", plan).await;
    app.request(&teacher, visit).await.expect_status(OK);
    app.authorise(&head, visit, json!({}))
        .await
        .expect_status(OK);
    app.step(&teacher, visit, "sign-out")
        .await
        .expect_status(OK);
    visit
}

fn hand_over_path(visit: i64) -> String {
    format!("/api/visits/{visit}/buddy-handover")
}

#[tokio::test]
async fn after_a_hand_over_the_new_buddy_has_the_code_word_and_duress_and_the_old_one_nothing() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let head = app.login(&school.email("head")).await;
        let old_buddy = app.login(&school.email("liaison")).await;
        let new_buddy = new_staff(&app, &head, "Tess Assistant", Some("07700900777")).await;
        let visit = out_with_lina_as_buddy(&app).await;

        let path = format!("/api/visits/{visit}");
        let seen = app.get(&old_buddy, &path).await.expect_status(OK);
        assert_eq!(seen["visit"]["code_word"], "bluebell", "{seen}");
        app.get(&new_buddy, &path).await.expect_status(NOT_FOUND);

        app.post(
            &old_buddy,
            &hand_over_path(visit),
            json!({ "to_staff_id": new_buddy.id }),
        )
        .await
        .expect_status(OK);

        let seen = app.get(&new_buddy, &path).await.expect_status(OK);
        assert_eq!(seen["visit"]["code_word"], "bluebell", "{seen}");
        let duress = format!("/api/visits/{visit}/duress");
        app.post(&new_buddy, &duress, json!({}))
            .await
            .expect_status(CREATED);
        app.get(&old_buddy, &path).await.expect_status(NOT_FOUND);
        app.post(&old_buddy, &duress, json!({ "client_ref": "old-buddy" }))
            .await
            .expect_status(NOT_FOUND);

        // Today, for the visitors and for the new buddy (with the duress button).
        let today = app.get(&teacher, "/today").await.expect_status(OK);
        let page = today.as_str().expect("an HTML page");
        assert!(
            page.contains("Tess Assistant") && page.contains("tel:07700900777"),
            "Today shows the new buddy and their mobile: {page}"
        );
        assert!(
            !page.contains("Lina Liaison"),
            "Today no longer shows the buddy who left"
        );
        let theirs = app.get(&new_buddy, "/today").await.expect_status(OK);
        let theirs = theirs.as_str().expect("an HTML page");
        assert!(theirs.contains("They said the code word"), "{theirs}");
        assert!(theirs.contains("bluebell"), "{theirs}");
        assert!(theirs.contains("Hand over to another buddy"), "{theirs}");
        let gone = app.get(&old_buddy, "/today").await.expect_status(OK);
        let gone = gone.as_str().expect("an HTML page");
        assert!(
            !gone.contains("bluebell") && !gone.contains("They said the code word"),
            "{gone}"
        );

        // The trail says who handed over to whom.
        let trail = app
            .get(
                &head,
                &format!("/api/audit?subject_type=visit&subject_id={visit}"),
            )
            .await
            .expect_status(OK);
        let handed = trail
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["action"] == "visit.buddy_handover"))
            .unwrap_or_else(|| panic!("no hand-over in the trail: {trail}"));
        assert_eq!(
            handed["detail"]["from_staff_id"],
            json!(school.staff("liaison")),
            "{handed}"
        );
        assert_eq!(handed["detail"]["on_behalf"], json!(false), "{handed}");
    })
    .await;
}

#[tokio::test]
async fn only_the_buddy_or_the_office_for_them_hands_over_never_a_visitor_or_a_former_buddy() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let office = app.login(&school.email("office")).await;
        let head = app.login(&school.email("head")).await;
        let lina = app.login(&school.email("liaison")).await;
        let tess = new_staff(&app, &head, "Tess Assistant", Some("07700900777")).await;
        let visit = out_with_lina_as_buddy(&app).await;
        let to_office = json!({ "to_staff_id": office.id });

        // A visitor cannot hand their own buddy away.
        app.post(&teacher, &hand_over_path(visit), to_office.clone())
            .await
            .expect_status(FORBIDDEN);
        app.post(
            &lina,
            &hand_over_path(visit),
            json!({ "to_staff_id": tess.id }),
        )
        .await
        .expect_status(OK);
        // Lina handed over: she no longer holds the role to hand on.
        app.post(&lina, &hand_over_path(visit), to_office.clone())
            .await
            .expect_status(NOT_FOUND);

        // Tess's phone died: the office hands over for her, and it is recorded so.
        app.post(
            &office,
            &hand_over_path(visit),
            json!({ "to_staff_id": school.staff("dsl") }),
        )
        .await
        .expect_status(OK);
        let page = app
            .get(&head, &format!("/visits/{visit}"))
            .await
            .expect_status(OK);
        let page = page.as_str().expect("an HTML page");
        assert!(
            page.contains("Buddy handed over from Lina Liaison to Tess Assistant at")
                && page.contains("Buddy handed over from Tess Assistant to Dev Safeguarding at")
                && page.contains("Dev Safeguarding at")
                && page.contains(", on behalf of the buddy (Olive Office)"),
            "the visit's history shows both hand-overs: {page}"
        );
        let seen = app
            .get(&head, &format!("/api/visits/{visit}"))
            .await
            .expect_status(OK);
        assert_eq!(
            seen["visit"]["buddy_staff_id"],
            json!(school.staff("dsl")),
            "{seen}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_hand_over_to_nobody_or_to_someone_who_cannot_be_buddy_is_refused_naming_to_staff_id() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let head = app.login(&school.email("head")).await;
        let lina = app.login(&school.email("liaison")).await;
        let nadia = new_staff(&app, &head, "Nadia Newstaff", None).await;
        let visit = out_with_lina_as_buddy(&app).await;
        let path = hand_over_path(visit);

        for (body, reason) in [
            (json!({}), "Choose who takes over as buddy"),
            (
                json!({ "to_staff_id": null }),
                "Choose who takes over as buddy",
            ),
            (
                json!({ "to_staff_id": nadia.id }),
                "Nadia Newstaff has no mobile number: add one on the staff page first",
            ),
            (
                json!({ "to_staff_id": school.staff("chair") }),
                "Chris Chair is not a member of staff based at school",
            ),
            (
                json!({ "to_staff_id": school.staff("teacher") }),
                "Tom Teacher is going on the visit",
            ),
            (json!({ "to_staff_id": 99999 }), "no such member of staff"),
        ] {
            let refused = app
                .post(&lina, &path, body.clone())
                .await
                .expect_field_error(REFUSED, "to_staff_id");
            let said = refused["reason"].as_str().unwrap_or_default();
            assert!(said.contains(reason), "{body}: {refused}");
        }
        let (status, wrong) = app
            .post(&lina, &path, json!({ "to_staff_id": "Sam" }))
            .await;
        assert!(status.is_client_error(), "{wrong}");
        assert_eq!(wrong["field"], "to_staff_id", "{wrong}");
        assert!(
            wrong["reason"]
                .as_str()
                .unwrap_or_default()
                .contains("who takes over as buddy"),
            "{wrong}"
        );

        // Nothing changed: Lina is still the buddy, with the code word.
        let seen = app
            .get(&lina, &format!("/api/visits/{visit}"))
            .await
            .expect_status(OK);
        assert_eq!(seen["visit"]["code_word"], "bluebell", "{seen}");
    })
    .await;
}

#[tokio::test]
async fn a_hand_over_texts_both_buddies_and_the_visitors_with_the_new_buddy_s_mobile() {
    for_each_backend(|app| async move {
        let app = app.configured(|s| s.with_demo_outbox());
        let school = app.school("harton.demo").await;
        let head = app.login(&school.email("head")).await;
        let office = app.login(&school.email("office")).await;
        let lina = app.login(&school.email("liaison")).await;
        let tess = new_staff(&app, &head, "Tess Assistant", Some("07700900777")).await;
        let visit = out_with_lina_as_buddy(&app).await;
        app.post(
            &lina,
            &hand_over_path(visit),
            json!({ "to_staff_id": tess.id }),
        )
        .await
        .expect_status(OK);
        super::demo_outbox::monitor(&app, true)
            .run_once(app.now())
            .await
            .expect("a pass");

        let kept = app.get(&office, "/api/demo/outbox").await.expect_status(OK);
        let kept = kept.as_array().cloned().unwrap_or_default();
        for person in [
            "Lina Liaison",
            "Tess Assistant",
            "Tom Teacher",
            "Sam Senior",
        ] {
            let text = kept
                .iter()
                .find(|m| {
                    m["channel"] == "sms"
                        && m["recipient"] == person
                        && m["visit_id"] == json!(visit)
                })
                .unwrap_or_else(|| panic!("{person} is texted: {kept:?}"));
            let body = text["body"].as_str().unwrap_or_default();
            assert!(
                body.contains("buddy") && body.contains("Tess Assistant, 07700900777"),
                "{body}"
            );
        }
    })
    .await;
}
