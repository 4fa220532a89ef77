//! A5: an incident at 16:00 is overdue at the end of the working day and reminds its author and
//! the head. P10, A8: aggression blocks the household until a senior leader reviews it, and asks
//! for the risk assessment to be updated.

use crate::harness::{expect, for_each_backend};
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn an_incident_at_four_is_overdue_at_the_end_of_the_day_and_reminds_the_author_and_the_head()
{
    for_each_backend(|app| async move {
        let school = app.school("reach2.demo").await;
        let senior = app.login(&school.email("senior")).await;
        app.set_time("16:00");
        let report = json!({
            "household_id": school.smith,
            "kind": "trip",
            "occurred_at": app.today("16:00").to_rfc3339(),
            "location": "Front path",
            "injuries": "Grazed hand"
        });
        let incident = expect(app.post(&senior, "/api/incidents", report).await, StatusCode::CREATED);
        let id = incident["incident"]["id"].as_i64().unwrap();
        assert_eq!(incident["status"], "draft");
        assert_eq!(incident["incident"]["due_at"].as_str().unwrap()[..16], *"2026-11-23T17:00");
        assert_eq!(incident["household_blocked_now"], false, "a trip blocks nobody");
        assert_eq!(incident["risk_assessment_update"], "requested");

        let next = app.db.next_incident_reminder_at().await.unwrap();
        assert_eq!(next, Some(app.today("17:00")), "the monitor knows when to wake");
        app.set_time("16:59");
        assert_eq!(app.monitor_pass().await.2, 0, "not overdue yet");
        app.set_time("17:00");
        assert_eq!(app.monitor_pass().await.2, 1, "overdue: one reminder round");
        for who in ["senior", "head"] {
            let told = app.messages_to(&school.email(who)).await;
            let overdue: Vec<&str> = told.iter().filter(|(_, s, _)| s.starts_with("Overdue: incident report")).map(|(c, _, _)| c.as_str()).collect();
            assert!(overdue.contains(&"in_app") && overdue.contains(&"email"), "{who}: {told:?}");
        }
        let office = app.messages_to(&school.email("office")).await;
        assert!(!office.iter().any(|(_, s, _)| s.starts_with("Overdue")), "only the author and the head");
        // Once, not every pass; again the next day while still not shared.
        app.set_time("17:30");
        assert_eq!(app.monitor_pass().await.2, 0);
        let head = app.login(&school.email("head")).await;
        let overdue = expect(app.get(&head, "/api/incidents?overdue=true").await, StatusCode::OK);
        assert_eq!(overdue.as_array().unwrap().len(), 1);
        app.advance(24 * 60);
        assert_eq!(app.monitor_pass().await.2, 1);
        // A day later: sign in again.
        let senior = app.login(&school.email("senior")).await;

        // Sharing needs the factual account; then the head is sent it and the reminders stop.
        let body = expect(app.post(&senior, &format!("/api/incidents/{id}/submit"), json!({})).await, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["field"], "account");
        let fixed = json!({ "kind": "trip", "occurred_at": app.today("16:00").to_rfc3339(),
            "account": "I tripped on a loose paving slab on the front path and grazed my hand. No one else was involved." });
        expect(app.put(&senior, &format!("/api/incidents/{id}"), fixed).await, StatusCode::OK);
        let shared = expect(app.post(&senior, &format!("/api/incidents/{id}/submit"), json!({})).await, StatusCode::OK);
        assert_eq!(shared["status"], "shared");
        let told = app.messages_to(&school.email("head")).await;
        assert!(told.iter().any(|(_, s, _)| s.starts_with(&format!("Incident report {id}:"))), "{told:?}");
        // The account stays in Doorstep: e-mail is not a secure channel.
        assert!(told.iter().all(|(_, _, b)| !b.contains("loose paving slab")), "{told:?}");
        app.advance(24 * 60);
        assert_eq!(app.monitor_pass().await.2, 0);
        // A shared report can no longer be changed.
        let senior = app.login(&school.email("senior")).await;
        let late = json!({ "kind": "fall", "occurred_at": app.today("16:00").to_rfc3339(), "account": "x" });
        expect(app.put(&senior, &format!("/api/incidents/{id}"), late).await, StatusCode::CONFLICT);
    })
    .await;
}

#[tokio::test]
async fn aggression_blocks_the_household_until_a_senior_leader_reviews_it() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let visit = app.authorised_visit(&school, "10:00", json!({})).await;
        let teacher = app.login(&school.email("teacher")).await;
        app.set_time("10:00");
        app.steps(&teacher, visit, &["sign-out", "arrived"]).await;
        app.set_time("10:25");
        let report = json!({
            "visit_id": visit,
            "kind": "aggression",
            "occurred_at": app.today("10:25").to_rfc3339(),
            "account": "Mum's partner shouted and pushed the door against me. We left at once.",
            "people_involved": "Chris Bell (mother's partner)"
        });
        let incident = expect(
            app.post(&teacher, "/api/incidents", report).await,
            StatusCode::CREATED,
        );
        assert_eq!(incident["household_blocked_now"], true);
        assert_eq!(incident["incident"]["household_blocked"], true);
        assert_eq!(incident["risk_assessment_update"], "requested");
        // Leaders are asked to review the block and update the risk assessment (A8).
        let told = app.messages_to(&school.email("senior")).await;
        assert!(
            told.iter()
                .any(|(_, s, b)| s.starts_with("A household has been blocked")
                    && b.contains("risk assessment")),
            "{told:?}"
        );

        // A new appointment is refused while the household is blocked ...
        let next = app.plan(&school, "14:00", json!({})).await;
        let refused = expect(
            app.post(&teacher, &format!("/api/visits/{next}/request"), json!({}))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
        assert!(
            refused["unmet"]
                .as_array()
                .unwrap()
                .iter()
                .any(|u| u["requirement"] == "P10"),
            "{refused}"
        );
        // ... the visiting teacher cannot lift the block; a senior leader reviews the case ...
        let review = json!({ "note": "Spoke to the family; visits in pairs with the DSL only." });
        expect(
            app.post(
                &teacher,
                &format!("/api/households/{}/review", school.smith),
                review.clone(),
            )
            .await,
            StatusCode::FORBIDDEN,
        );
        let senior = app.login(&school.email("senior")).await;
        expect(
            app.post(
                &senior,
                &format!("/api/households/{}/review", school.smith),
                review,
            )
            .await,
            StatusCode::OK,
        );
        // ... and then it is allowed; the caution the incident added must be acknowledged.
        expect(
            app.post(&teacher, &format!("/api/visits/{next}/request"), json!({}))
                .await,
            StatusCode::OK,
        );
        let household = expect(
            app.get(&senior, &format!("/api/households/{}", school.smith))
                .await,
            StatusCode::OK,
        );
        let caution = household["caution_flags"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["description"].as_str().unwrap().contains("Aggression"))
            .expect("a caution flag from the incident")["id"]
            .clone();
        let head = app.login(&school.email("head")).await;
        let ack = json!({ "comment": "Pairs only.", "acknowledge_cautions": [caution] });
        expect(
            app.post(&head, &format!("/api/visits/{next}/authorise"), ack)
                .await,
            StatusCode::OK,
        );
    })
    .await;
}
