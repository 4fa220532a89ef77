//! Times that make sense (#13, tester's A7 and C4): a plan already run out is refused at
//! planning and at sign-out, raising no alarm; the plan form refuses times out of order next to
//! the box instead of reading them as the next day, and lists every problem of an empty form.

use super::*;
use axum::http::Method;

const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

#[tokio::test]
async fn a_plan_whose_times_have_passed_is_refused_and_a_late_sign_out_raises_no_alarm() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let head = app.login(&school.email("head")).await;
        // 08:00 now: a visit planned for 06:00 to 07:20 has already run out.
        let past = json!({
            "planned_leave_school": app.at("06:00"),
            "planned_arrive": app.at("06:20"),
            "planned_leave_property": app.at("07:00"),
            "planned_return": app.at("07:20"),
        });
        let refused = app
            .plan_visit(&teacher, "harton.demo", past)
            .await
            .expect_field_error(StatusCode::UNPROCESSABLE_ENTITY, "planned_leave_property");
        assert!(
            refused["reason"]
                .as_str()
                .unwrap_or_default()
                .contains("07:00 has already passed"),
            "{refused}"
        );

        // Planned 10:00 to 11:20, authorised, then nobody signs out until 11:30.
        let visit = app.planned_visit(&teacher, "harton.demo", json!({})).await;
        app.request(&teacher, visit)
            .await
            .expect_status(StatusCode::OK);
        app.authorise(&head, visit, json!({}))
            .await
            .expect_status(StatusCode::OK);
        app.advance(210);
        let refused = app
            .step(&teacher, visit, "sign-out")
            .await
            .expect_field_error(StatusCode::UNPROCESSABLE_ENTITY, "planned_leave_property");
        assert!(
            refused["reason"]
                .as_str()
                .unwrap_or_default()
                .contains("change the times"),
            "{refused}"
        );
        super::phone::monitor_pass(&app).await;
        let alarms = app
            .get(&head, "/api/alarms")
            .await
            .expect_status(StatusCode::OK);
        let mine = alarms
            .as_array()
            .map(|a| a.iter().filter(|a| a["visit_id"] == json!(visit)).count());
        assert_eq!(mine, Some(0), "no back-dated alarm: {alarms}");
    })
    .await;
}

#[tokio::test]
async fn leaving_school_late_is_fine_while_the_house_and_return_are_ahead() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let head = app.login(&school.email("head")).await;
        let visit = app.planned_visit(&teacher, "harton.demo", json!({})).await;
        app.request(&teacher, visit)
            .await
            .expect_status(StatusCode::OK);
        app.authorise(&head, visit, json!({}))
            .await
            .expect_status(StatusCode::OK);
        // 10:15: a quarter of an hour after the planned 10:00, before leaving the house at 11:00.
        app.advance(135);
        app.step(&teacher, visit, "sign-out")
            .await
            .expect_status(StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn the_plan_form_refuses_times_out_of_order_next_to_the_box_and_lists_every_problem() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let me = school.staff("teacher");
        let base = format!(
            "pupil_id={}&reason_category=attendance_concern&purpose=Check+Ava+is+safe&parents_could_come_in=no&appointment=agreed&visitors%5B0%5D.staff_id={me}&visitors%5B0%5D.role_on_visit=teacher&visit_date={}&returns_to=school",
            school.ava,
            today()
        );
        // Leave 15:00, arrive 14:00: refused at "Arrive", not read as 14:00 tomorrow.
        let body = format!(
            "{base}&planned_leave_school=15%3A00&planned_arrive=14%3A00&planned_leave_property=14%3A30&planned_return=15%3A30"
        );
        let (status, html) = app
            .send_raw(&teacher, Method::POST, "/visits/new", FORM, body)
            .await;
        let html = html.as_str().unwrap_or_default().to_string();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(html.contains("id=\"planned_arrive-error\""), "{html}");
        assert!(
            html.contains("Arriving (14:00) is before leaving school (15:00)"),
            "{html}"
        );
        assert!(!html.contains("at most 12 hours"), "{html}");

        // Back before leaving the house.
        let body = format!(
            "{base}&planned_leave_school=13%3A00&planned_arrive=13%3A20&planned_leave_property=14%3A00&planned_return=13%3A50"
        );
        let (status, html) = app
            .send_raw(&teacher, Method::POST, "/visits/new", FORM, body)
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.as_str()
                .unwrap_or_default()
                .contains("id=\"planned_return-error\""),
            "{html}"
        );

        // An empty form: every box that needs an answer says so, not only the first.
        let (status, html) = app
            .send_raw(&teacher, Method::POST, "/visits/new", FORM, "")
            .await;
        let html = html.as_str().unwrap_or_default();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        for field in ["pupil_id", "visit_date", "purpose"] {
            assert!(
                html.contains(&format!("id=\"{field}-error\"")),
                "{field} is not named: {html}"
            );
        }
    })
    .await;
}
