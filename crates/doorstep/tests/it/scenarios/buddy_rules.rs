//! Tester A4, at planning: the buddy is the colleague the visitors phone (REAch2: "a member of
//! staff based at school who is accessible and available throughout the full duration of the
//! visit"). A buddy with no mobile, one of the visitors, or someone not based at school is
//! refused naming `buddy_staff_id` when the visit is planned, asked for and authorised.

use super::hand_over::new_staff;
use super::*;

const REFUSED: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

#[tokio::test]
async fn a_buddy_with_no_mobile_on_the_visit_or_not_based_at_school_is_refused_at_planning() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let head = app.login(&school.email("head")).await;
        let nadia = new_staff(&app, &head, "Nadia Newstaff", None).await;
        for (buddy, reason) in [
            (
                nadia.id,
                "Nadia Newstaff has no mobile number: add one on the staff page first",
            ),
            (
                school.staff("chair"),
                "Chris Chair is not a member of staff based at school",
            ),
            (school.staff("teacher"), "not one of the visiting staff"),
        ] {
            let refused = app
                .plan_visit(&teacher, "harton.demo", json!({ "buddy_staff_id": buddy }))
                .await
                .expect_field_error(REFUSED, "buddy_staff_id");
            let said = refused["reason"].as_str().unwrap_or_default();
            assert!(said.contains(reason), "{refused}");
        }
        // With a mobile, the same new member of staff may be the buddy.
        let tess = new_staff(&app, &head, "Tess Assistant", Some("07700900777")).await;
        app.plan_visit(
            &teacher,
            "harton.demo",
            json!({ "buddy_staff_id": tess.id }),
        )
        .await
        .expect_status(CREATED);
    })
    .await;
}

async fn set_mobile(app: &TestApp, staff: i64, mobile: Option<&str>) {
    let mut tx = app.db.begin().await.expect("a transaction");
    tx.set_staff_name_and_mobile(domain::StaffId(staff), "Tess Assistant", mobile)
        .await
        .expect("the staff record changed");
    tx.commit().await.expect("committed");
}

#[tokio::test]
async fn a_buddy_whose_mobile_was_removed_since_planning_stops_the_request_and_authorisation() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let senior = app.login(&school.email("senior")).await;
        let head = app.login(&school.email("head")).await;
        let tess = new_staff(&app, &head, "Tess Assistant", Some("07700900777")).await;
        let assessment = app
            .assess_risk(&senior, school.smith, "medium", "low")
            .await;
        app.sign_off(&senior, assessment).await.expect_status(OK);
        let visit = app
            .planned_visit(
                &teacher,
                "harton.demo",
                json!({ "buddy_staff_id": tess.id }),
            )
            .await;

        set_mobile(&app, tess.id, None).await;
        let refused = app
            .request(&teacher, visit)
            .await
            .expect_field_error(REFUSED, "buddy_staff_id");
        assert!(
            refused["reason"]
                .as_str()
                .unwrap_or_default()
                .contains("Tess Assistant has no mobile number"),
            "{refused}"
        );

        set_mobile(&app, tess.id, Some("07700900777")).await;
        app.request(&teacher, visit).await.expect_status(OK);
        set_mobile(&app, tess.id, Some("  ")).await;
        app.authorise(&head, visit, json!({}))
            .await
            .expect_field_error(REFUSED, "buddy_staff_id");
        let seen = app
            .get(&head, &format!("/api/visits/{visit}"))
            .await
            .expect_status(OK);
        assert_eq!(seen["visit"]["status"], "requested", "{seen}");
    })
    .await;
}
