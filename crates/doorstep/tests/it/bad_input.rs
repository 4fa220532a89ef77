//! Bad input: every refusal is a 4xx whose JSON names the field and the reason, never a 500, and a
//! refused request leaves nothing half-written behind.

mod no_partial_rows;
mod requests;

use crate::helpers::{
    Answer, DemoSchool, Session, TestApp, for_each_backend, visit_id, visit_plan,
};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};

const BAD_REQUEST: StatusCode = StatusCode::BAD_REQUEST;
const UNPROCESSABLE: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

async fn harton_teacher(app: &TestApp) -> (DemoSchool, Session) {
    let school = app.school("harton.demo").await;
    let teacher = app.login(&school.email("teacher")).await;
    (school, teacher)
}

/// Posts a visit plan given as raw text.
async fn post_plan_text(app: &TestApp, who: &Session, text: &str) -> (StatusCode, Value) {
    app.send_raw(
        who,
        Method::POST,
        "/api/visits",
        Some("application/json"),
        text.to_string(),
    )
    .await
}

#[tokio::test]
async fn an_over_long_field_is_refused_with_its_limit() {
    for_each_backend(|app| async move {
        let (school, teacher) = harton_teacher(&app).await;
        let plan = visit_plan(&school, &app, json!({ "purpose": "a".repeat(2001) }));
        let body = app
            .post(&teacher, "/api/visits", plan)
            .await
            .expect_field_error(UNPROCESSABLE, "purpose");
        assert!(
            body["reason"].as_str().unwrap_or_default().contains("2000"),
            "{body}"
        );

        let plan = visit_plan(&school, &app, json!({ "purpose": "a".repeat(2000) }));
        app.post(&teacher, "/api/visits", plan)
            .await
            .expect_status(StatusCode::CREATED);
    })
    .await;
}

#[tokio::test]
async fn impossible_dates_and_a_return_before_leaving_are_refused() {
    for_each_backend(|app| async move {
        let (school, teacher) = harton_teacher(&app).await;
        let plan = visit_plan(&school, &app, json!({ "planned_arrive": "2026-02-30T10:00:00Z" }));
        app.post(&teacher, "/api/visits", plan)
            .await
            .expect_field_error(BAD_REQUEST, "planned_arrive");

        let plan = visit_plan(&school, &app, json!({ "planned_arrive": "half past ten" }));
        app.post(&teacher, "/api/visits", plan)
            .await
            .expect_field_error(BAD_REQUEST, "planned_arrive");

        let plan = visit_plan(&school, &app, json!({ "planned_return": app.at("10:50") }));
        let body = app
            .post(&teacher, "/api/visits", plan)
            .await
            .expect_field_error(UNPROCESSABLE, "planned_return");
        assert!(
            body["reason"]
                .as_str()
                .unwrap_or_default()
                .contains("when you plan to leave the house"),
            "{body}"
        );

        let plan = visit_plan(
            &school,
            &app,
            json!({
                "planned_leave_school": "2020-01-06T10:00:00Z",
                "planned_arrive": "2020-01-06T10:20:00Z",
                "planned_leave_property": "2020-01-06T11:00:00Z",
                "planned_return": "2020-01-06T11:20:00Z",
            }),
        );
        app.post(&teacher, "/api/visits", plan)
            .await
            .expect_field_error(UNPROCESSABLE, "planned_leave_school");

        let body = app
            .post(
                &teacher,
                &format!("/api/staff/{}/vehicles", teacher.id),
                json!({ "registration": "NE70 ABC", "mot_expires": "2026-13-01", "business_insurance": true }),
            )
            .await
            .expect_field_error(BAD_REQUEST, "mot_expires");
        assert!(body["reason"].as_str().is_some());
    })
    .await;
}

#[tokio::test]
async fn unknown_ids_are_named_or_not_found() {
    for_each_backend(|app| async move {
        let (school, teacher) = harton_teacher(&app).await;
        let other = app.school("hsp.demo").await;

        let plan = visit_plan(&school, &app, json!({ "pupil_id": 99999 }));
        app.post(&teacher, "/api/visits", plan)
            .await
            .expect_field_error(UNPROCESSABLE, "pupil_id");
        // Another school's pupil is no more visible than one that does not exist.
        let plan = visit_plan(&school, &app, json!({ "pupil_id": other.ava }));
        app.post(&teacher, "/api/visits", plan)
            .await
            .expect_field_error(UNPROCESSABLE, "pupil_id");
        let plan = visit_plan(
            &school,
            &app,
            json!({ "visitors": [{ "staff_id": 99999, "role_on_visit": "teacher" }] }),
        );
        app.post(&teacher, "/api/visits", plan)
            .await
            .expect_field_error(UNPROCESSABLE, "visitors[0].staff_id");
        let plan = visit_plan(
            &school,
            &app,
            json!({ "buddy_staff_id": other.staff("office") }),
        );
        app.post(&teacher, "/api/visits", plan)
            .await
            .expect_field_error(UNPROCESSABLE, "buddy_staff_id");
        let plan = visit_plan(&school, &app, json!({ "vehicle_id": 99999 }));
        app.post(&teacher, "/api/visits", plan)
            .await
            .expect_field_error(UNPROCESSABLE, "vehicle_id");

        app.get(&teacher, "/api/visits/99999")
            .await
            .expect_field_error(StatusCode::NOT_FOUND, "id");
        app.post(&teacher, "/api/visits/99999/request", json!({}))
            .await
            .expect_field_error(StatusCode::NOT_FOUND, "id");
        for bad in ["abc", "-1", "0", "1.5", "99999999999999999999"] {
            app.get(&teacher, &format!("/api/visits/{bad}"))
                .await
                .expect_field_error(BAD_REQUEST, "id");
        }
        app.get(&teacher, "/api/no-such-page")
            .await
            .expect_status(StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn script_and_sql_in_text_fields_are_stored_and_returned_verbatim() {
    for_each_backend(|app| async move {
        let (school, teacher) = harton_teacher(&app).await;
        let office = app.login(&school.email("office")).await;
        let purpose =
            "<script>alert('visit')</script> Robert'); DROP TABLE visits;-- \"quoted\" \\ % _ ü 👪";
        let expect = "' OR '1'='1' -- <img src=x onerror=alert(1)>";
        let word = "'; DELETE FROM staff WHERE '1'='1";
        let created = app
            .plan_visit(
                &teacher,
                "harton.demo",
                json!({ "purpose": purpose, "expect_to_see": expect, "code_word": word }),
            )
            .await
            .expect_status(StatusCode::CREATED);
        let visit = visit_id(&created);
        let read = app
            .get(&teacher, &format!("/api/visits/{visit}"))
            .await
            .expect_status(StatusCode::OK);
        for body in [&created, &read] {
            assert_eq!(body["visit"]["purpose"], purpose);
            assert_eq!(body["visit"]["expect_to_see"], expect);
            assert_eq!(body["visit"]["code_word"], word);
        }

        let family = "O'Brien\"); DROP TABLE households; --";
        let household = app
            .post(
                &office,
                "/api/households",
                json!({
                    "family_name": family,
                    "address": "<b>1</b> Stanhope Road; SELECT * FROM staff",
                    "postcode": "NE33 4BU",
                }),
            )
            .await
            .expect_status(StatusCode::CREATED);
        assert_eq!(household["family_name"], family);
        let list = app
            .get(&office, "/api/households")
            .await
            .expect_status(StatusCode::OK);
        let names: Vec<_> = list
            .as_array()
            .expect("a list")
            .iter()
            .filter_map(|h| h["family_name"].as_str())
            .collect();
        assert!(
            names.contains(&family) && names.contains(&"Smith"),
            "{list}"
        );
        // The tables are all still there.
        app.login(&school.email("head")).await;
        app.get(&teacher, "/api/visits")
            .await
            .expect_status(StatusCode::OK);
    })
    .await;
}
