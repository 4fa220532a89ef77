//! A3: the outcome with follow-up actions lands on the pupil's chronology; the visit record prints.

use crate::harness::{expect, for_each_backend, pdf_text};
use axum::http::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn an_outcome_with_actions_lands_on_the_chronology_and_the_home_visit_form() {
    for_each_backend(|app| async move {
        let school = app.school("stjosephs.demo").await;
        let visit = app.authorised_visit(&school, "10:00", json!({})).await;
        let teacher = app.login(&school.email("teacher")).await;
        let liaison_id = app.staff_id(&school.email("liaison")).await;

        // No outcome before anyone has been to the house.
        let early = json!({ "outcome": "Spoke to mum." });
        let body = expect(app.put(&teacher, &format!("/api/visits/{visit}/outcome"), early).await, StatusCode::CONFLICT);
        assert_eq!(body["field"], "status");

        app.set_time("10:00");
        for step in ["sign-out", "arrived", "left", "returned"] {
            app.advance(20);
            app.steps(&teacher, visit, &[step]).await;
        }
        let outcome = json!({
            "outcome": "Spoke to Jo Smith (mother). Ava has a chest infection; GP appointment on Tuesday.",
            "action_required": "Attendance lead to phone on Wednesday; send work home.",
            "people_seen": "Jo Smith (mother), Ava",
            "actions": [
                { "description": "Phone mum to check Ava is back", "owner_staff_id": liaison_id, "due_on": "2026-11-25" },
                { "description": "Send a reading pack home", "owner_staff_id": teacher.id, "due_on": "2026-11-24" }
            ]
        });
        // A bad action names its field and stores nothing.
        let mut bad = outcome.clone();
        bad["actions"][1]["due_on"] = json!("2026-11-01");
        let body = expect(app.put(&teacher, &format!("/api/visits/{visit}/outcome"), bad).await, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["field"], "actions[1].due_on");

        let record = expect(app.put(&teacher, &format!("/api/visits/{visit}/outcome"), outcome.clone()).await, StatusCode::OK);
        assert_eq!(record["outcome"]["revision"], 1);
        assert_eq!(record["actions"].as_array().unwrap().len(), 2);
        assert_eq!(record["actions"][0]["owner_name"], "Tom Teacher", "soonest due first: {record}");
        // A second "first" outcome is refused; with the revision it changes.
        expect(app.put(&teacher, &format!("/api/visits/{visit}/outcome"), outcome).await, StatusCode::CONFLICT);
        let change = json!({ "outcome": "Spoke to Jo Smith (mother). Ava has a chest infection.", "revision": 1 });
        let record = expect(app.put(&teacher, &format!("/api/visits/{visit}/outcome"), change).await, StatusCode::OK);
        assert_eq!(record["outcome"]["revision"], 2);

        // The owner is told, and marks the action done.
        let told = app.messages_to(&school.email("liaison")).await;
        assert!(told.iter().any(|(c, s, _)| c == "in_app" && s.contains("Follow-up action for a pupil")), "{told:?}");
        assert!(told.iter().all(|(_, s, b)| !s.contains("Ava") && !b.contains("Ava")), "{told:?}");
        let liaison = app.login(&school.email("liaison")).await;
        let mine = expect(app.get(&liaison, "/api/actions").await, StatusCode::OK);
        let action = mine[0]["id"].as_i64().unwrap();
        let done = expect(app.post(&liaison, &format!("/api/actions/{action}/done"), json!({ "note": "Ava back Wednesday." })).await, StatusCode::OK);
        assert!(done["done_at"].is_string());
        expect(app.post(&liaison, &format!("/api/actions/{action}/done"), json!({})).await, StatusCode::CONFLICT);

        // The chronology has the visit, the outcome and both actions in time order.
        let chron = expect(app.get(&teacher, &format!("/api/pupils/{}/chronology", school.ava)).await, StatusCode::OK);
        let kinds: Vec<&str> = chron["entries"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["visit", "outcome", "action", "action"], "{chron}");
        let times: Vec<&str> = chron["entries"].as_array().unwrap().iter().map(|e| e["at"].as_str().unwrap()).collect();
        let mut sorted = times.clone();
        sorted.sort();
        assert_eq!(times, sorted);
        assert!(chron["entries"][1]["detail"].as_str().unwrap().contains("chest infection"));
        // Filtered by kind and by date.
        let only = expect(app.get(&teacher, &format!("/api/pupils/{}/chronology?kind=action", school.ava)).await, StatusCode::OK);
        assert_eq!(only["entries"].as_array().unwrap().len(), 2);
        let later = expect(app.get(&teacher, &format!("/api/pupils/{}/chronology?from=2026-11-24", school.ava)).await, StatusCode::OK);
        assert!(later["entries"].as_array().unwrap().is_empty(), "{later}");
        let body = expect(app.get(&teacher, &format!("/api/pupils/{}/chronology?kind=gossip", school.ava)).await, StatusCode::BAD_REQUEST);
        assert_eq!(body["field"], "kind");

        // The visit record prints as St Joseph's Home Visit Form.
        let (status, headers, pdf) = app.raw(&teacher, Method::GET, &format!("/api/visits/{visit}/record.pdf"), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers["content-type"], "application/pdf");
        let text = pdf_text(&pdf);
        for words in [
            "Home Visit Form", "Staff Name(s)", "Lina Liaison, Tom Teacher", "Job Role(s)", "Student Name", "Ava Smith",
            "Visited Home Address", "Reason for calling", "Attendance concern", "Visit authorised by", "Helen Head",
            "Outcome of Home Visit", "Ava has a chest infection", "Action Required", "Phone mum to check Ava is back",
        ] {
            assert!(text.contains(words), "the form lacks '{words}': {text}");
        }
        // And the chronology prints too.
        let (status, _, pdf) = app.raw(&teacher, Method::GET, &format!("/api/pupils/{}/chronology.pdf", school.ava), None).await;
        assert_eq!(status, StatusCode::OK);
        let text = pdf_text(&pdf);
        assert!(text.contains("Chronology: Ava Smith") && text.contains("Send a reading pack home"), "{text}");
    })
    .await;
}

#[tokio::test]
async fn an_action_typed_without_an_owner_is_refused_next_to_the_owner_on_the_visit_page() {
    for_each_backend(|app| async move {
        let school = app.school("stjosephs.demo").await;
        let visit = app.authorised_visit(&school, "10:00", json!({})).await;
        let teacher = app.login(&school.email("teacher")).await;
        app.set_time("10:00");
        for step in ["sign-out", "arrived", "left", "returned"] {
            app.advance(20);
            app.steps(&teacher, visit, &[step]).await;
        }
        // The form once sent `null` to the JSON API and showed serde's words under no field.
        let typed = "action.description=Ring+mum&action.owner_staff_id=&action.due_on=2026-11-25";
        let (status, page) = app
            .form(&teacher, &format!("/visits/{visit}/actions"), typed)
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            page.contains("id=\"action-owner_staff_id-error\""),
            "{page}"
        );
        assert!(page.contains("Choose who will do it"), "{page}");
        assert!(page.contains("Ring mum"), "what was typed is kept");
        let record = expect(
            app.get(&teacher, &format!("/api/visits/{visit}/outcome"))
                .await,
            StatusCode::OK,
        );
        assert!(
            record["actions"].as_array().unwrap().is_empty(),
            "nothing stored: {record}"
        );

        // Chosen properly, the action is stored and the page goes back to the visit.
        let typed = format!(
            "action.description=Ring+mum&action.owner_staff_id={}&action.due_on=2026-11-25",
            teacher.id
        );
        let (status, _) = app
            .form(&teacher, &format!("/visits/{visit}/actions"), &typed)
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let record = expect(
            app.get(&teacher, &format!("/api/visits/{visit}/outcome"))
                .await,
            StatusCode::OK,
        );
        assert_eq!(record["actions"][0]["description"], "Ring mum");
    })
    .await;
}
