//! P8 risk assessments before a first visit, and P6 driver documents valid on the day.

use super::*;

#[tokio::test]
async fn a_reach2_first_visit_without_a_signed_off_risk_assessment_cannot_be_authorised() {
    for_each_backend(|app| async move {
        let school = app.school("reach2.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let head = app.login(&school.email("head")).await;
        let senior = app.login(&school.email("senior")).await;
        let visit = app.planned_visit(&teacher, "reach2.demo", json!({})).await;

        let why = app
            .request(&teacher, visit)
            .await
            .expect_refused("P8", "risk_assessment.required_for");
        assert!(why.contains("first visit"), "{why}");

        let assessment = app
            .assess_risk(&teacher, school.smith, "medium", "low")
            .await;
        app.request(&teacher, visit).await.expect_status(OK);
        let why = app
            .authorise(&head, visit, json!({}))
            .await
            .expect_refused("P8", "risk_assessment.sign_off_roles");
        assert!(why.contains("signed off"), "{why}");

        // The teacher who completed it cannot sign it off; a senior leader can.
        app.sign_off(&teacher, assessment)
            .await
            .expect_status(FORBIDDEN);
        let signed = app.sign_off(&senior, assessment).await.expect_status(OK);
        assert_eq!(signed["assessment"]["signed_off_by"], senior.id);

        let body = app
            .authorise(&head, visit, json!({ "comment": "Risk assessment read." }))
            .await
            .expect_status(OK);
        assert_eq!(body["visit"]["status"], "authorised");
        assert_eq!(body["decisions"][0]["decision"], "authorised");
        assert_eq!(body["decisions"][0]["decided_by"], head.id);
        assert_eq!(body["decisions"][0]["comment"], "Risk assessment read.");
    })
    .await;
}

/// Records a car for the teacher with the MOT running out on `mot_expires`; its id.
async fn car_with_mot(
    app: &TestApp,
    teacher: &Session,
    registration: &str,
    mot_expires: chrono::NaiveDate,
) -> i64 {
    let in_a_year = today() + Duration::days(365);
    let body = app
        .post(
            teacher,
            &format!("/api/staff/{}/vehicles", teacher.id),
            json!({
                "registration": registration,
                "make_model": "Red Vauxhall Corsa",
                "licence_expires": in_a_year,
                "mot_expires": mot_expires,
                "insurance_expires": in_a_year,
                "business_insurance": true,
            }),
        )
        .await
        .expect_status(CREATED);
    body["id"].as_i64().expect("a vehicle id")
}

#[tokio::test]
async fn a_driver_whose_mot_runs_out_before_they_leave_cannot_sign_out_as_driver() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let head = app.login(&school.email("head")).await;
        let car = car_with_mot(&app, &teacher, "NE70 MOT", today()).await;
        // A late evening visit that runs past midnight (a plan already run out is refused
        // whatever the car: the MOT is what this test is about).
        let tomorrow =
            |hh_mm: &str| format!("{}T{hh_mm}:00Z", today().succ_opt().unwrap_or(today()));
        let late = |vehicle: i64| {
            json!({
                "vehicle_id": vehicle,
                "planned_leave_school": app.at("23:30"),
                "planned_arrive": app.at("23:50"),
                "planned_leave_property": tomorrow("00:30"),
                "planned_return": tomorrow("00:50"),
            })
        };
        let visit = app.planned_visit(&teacher, "harton.demo", late(car)).await;
        // The same visit in the teacher's other car, whose documents run for a year.
        let in_good_car = app
            .planned_visit(&teacher, "harton.demo", late(school.teacher_vehicle))
            .await;
        for v in [visit, in_good_car] {
            app.request(&teacher, v).await.expect_status(OK);
            app.authorise(&head, v, json!({})).await.expect_status(OK);
        }

        // The visit slips past midnight: the MOT ran out yesterday. (The teacher signs in
        // again: a session lasts a working day.)
        app.advance(16 * 60 + 5);
        let teacher = app.login(&school.email("teacher")).await;
        let why = app
            .step(&teacher, visit, "sign-out")
            .await
            .expect_refused("P6", "travel.driver_documents_valid_on_the_day");
        assert!(why.contains("MOT"), "{why}");
        let (_, body) = app.get(&teacher, &format!("/api/visits/{visit}")).await;
        assert_eq!(body["visit"]["status"], "authorised");
        app.step(&teacher, in_good_car, "sign-out")
            .await
            .expect_status(OK);
    })
    .await;
}

#[tokio::test]
async fn a_plan_whose_mot_has_already_expired_is_refused_at_request() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let car = car_with_mot(&app, &teacher, "NE69 OLD", today() - Duration::days(1)).await;
        let planned = app
            .plan_visit(&teacher, "harton.demo", json!({ "vehicle_id": car }))
            .await
            .expect_status(CREATED);
        assert!(requirements(&planned["unmet"]).contains(&"P6".to_string()));
        let why = app
            .request(&teacher, visit_id(&planned))
            .await
            .expect_refused("P6", "travel.driver_documents_valid_on_the_day");
        assert!(why.contains("MOT") && why.contains("expired"), "{why}");
    })
    .await;
}
