//! A refused request leaves no partial rows: no half a household, no decision or acknowledgement
//! from a refused authorisation, no step from a refused request.

use super::*;

#[tokio::test]
async fn a_refused_household_leaves_no_partial_rows() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let office = app.login(&school.email("office")).await;
        let dsl = app.login(&school.email("dsl")).await;
        let before = app
            .get(&office, "/api/households")
            .await
            .expect_status(StatusCode::OK);

        let body = app
            .post(
                &office,
                "/api/households",
                json!({
                    "family_name": "Partial",
                    "address": "2 Half Street, South Shields",
                    "postcode": "NE33 1AA",
                    "members": [
                        { "name": "Pat Partial", "relationship": "mother", "parental_responsibility": true,
                          "lives_at_address": true, "phone": "07700 900321" },
                        { "name": "Sam Partial", "relationship": "father", "parental_responsibility": true,
                          "lives_at_address": false, "phone": "ring the school" }
                    ],
                    "cautions": [{ "description": "Dog not secured", "source": "previous visit" }]
                }),
            )
            .await
            .expect_field_error(UNPROCESSABLE, "members[1].phone");
        assert!(body["reason"].as_str().unwrap_or_default().contains("phone"), "{body}");

        let after = app
            .get(&office, "/api/households")
            .await
            .expect_status(StatusCode::OK);
        assert_eq!(before, after, "the refused household left rows behind");
        let trail = app
            .get(&dsl, "/api/audit?subject_type=household")
            .await
            .expect_status(StatusCode::OK);
        assert!(
            !trail
                .as_array()
                .expect("a list")
                .iter()
                .any(|e| e["action"] == "household.create"),
            "{trail}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_refused_authorisation_leaves_no_decision_and_no_acknowledgement() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let head = app.login(&school.email("head")).await;
        let visit = app
            .planned_visit(&teacher, "harton.demo", json!({ "pupil_id": school.zara }))
            .await;
        app.request(&teacher, visit)
            .await
            .expect_status(StatusCode::OK);
        app.post(
            &teacher,
            &format!("/api/visits/{visit}/concerns"),
            json!({ "concern": "Father was aggressive on the phone this morning." }),
        )
        .await
        .expect_status(StatusCode::CREATED);

        app.authorise(
            &head,
            visit,
            json!({ "comment": "Go in pairs.", "acknowledge_cautions": [school.khan_caution] }),
        )
        .await
        .expect_refused("P11", "safety_concerns");
        app.authorise(&head, visit, json!({ "acknowledge_cautions": [99999] }))
            .await
            .expect_field_error(UNPROCESSABLE, "acknowledge_cautions[0]");

        let body = app
            .get(&head, &format!("/api/visits/{visit}"))
            .await
            .expect_status(StatusCode::OK);
        assert_eq!(body["visit"]["status"], "requested");
        assert_eq!(body["decisions"], json!([]));
        assert_eq!(body["acknowledged_cautions"], json!([]));
        let steps: Vec<_> = body["events"]
            .as_array()
            .expect("events")
            .iter()
            .filter_map(|e| e["step"].as_str())
            .collect();
        assert!(!steps.contains(&"authorised"), "{steps:?}");
    })
    .await;
}

#[tokio::test]
async fn a_refused_request_leaves_the_visit_a_draft() {
    for_each_backend(|app| async move {
        let school = app.school("stjosephs.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let created = app
            .plan_visit(
                &teacher,
                "stjosephs.demo",
                json!({ "visitors": [crate::helpers::visitor(teacher.id, "teacher")] }),
            )
            .await
            .expect_status(StatusCode::CREATED);
        let visit = visit_id(&created);
        app.request(&teacher, visit)
            .await
            .expect_refused("P12", "staffing.minimum");
        let body = app
            .get(&teacher, &format!("/api/visits/{visit}"))
            .await
            .expect_status(StatusCode::OK);
        assert_eq!(body["visit"]["status"], "draft");
        assert_eq!(body["visit"]["revision"], created["visit"]["revision"]);
        let steps: Vec<_> = body["events"]
            .as_array()
            .expect("events")
            .iter()
            .filter_map(|e| e["step"].as_str())
            .collect();
        assert_eq!(steps, ["planned"]);
    })
    .await;
}
