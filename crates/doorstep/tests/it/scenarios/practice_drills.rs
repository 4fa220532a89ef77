//! #11 item 9: a drill on a practice visit (chosen staff and a buddy; no pupil, no household, no
//! address) climbs the school's real ladder with every message marked DRILL, is acknowledged,
//! is timed per rung in the drill report, and never shows up as a real visit. A drill practises
//! the alarm kind chosen. Only the head and DSL start one; bad input is refused naming the field.

use super::demo_outbox::{monitor, out};
use super::*;
use crate::helpers::DemoSchool;
use axum::http::Method;

const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

/// What a school sees of its real visits: the visits export, Ava's chronology and the
/// governors' report's visits.
async fn real_visits(app: &TestApp, head: &Session, school: &DemoSchool) -> (String, Value, Value) {
    let (status, csv) = app.get(head, "/api/exports/visits.csv").await;
    assert_eq!(status, OK, "{csv}");
    let path = format!("/api/pupils/{}/chronology", school.ava);
    let chronology = app.get(head, &path).await.expect_status(OK);
    let mut governors = app
        .get(head, "/api/reports/governors")
        .await
        .expect_status(OK);
    if let Some(g) = governors.as_object_mut() {
        g.retain(|k, _| k.contains("visit"));
    }
    (
        csv.as_str().unwrap_or("").to_string(),
        chronology,
        governors,
    )
}

#[tokio::test]
async fn a_practice_visit_drill_climbs_the_ladder_marked_drill_and_never_counts_as_a_visit() {
    for_each_backend(|app| async move {
        let app = app.configured(|s| s.with_demo_outbox());
        let school = app.school("harton.demo").await;
        let head = app.login(&school.email("head")).await;
        let office = app.login(&school.email("office")).await;
        let teacher = app.login(&school.email("teacher")).await;
        let before = real_visits(&app, &head, &school).await;
        let practice = json!({
            "practice": {
                "visitor_ids": [school.staff("teacher"), school.staff("liaison")],
                "buddy_staff_id": school.staff("senior"),
            },
        });
        app.post(&teacher, "/api/drills", practice.clone())
            .await
            .expect_status(StatusCode::FORBIDDEN);
        let started = app
            .post(&head, "/api/drills", practice)
            .await
            .expect_status(CREATED);
        let id = started["drill_id"].as_i64().expect("a drill id");

        // The monitor climbs the real ladder: the first rung now, the next ones as time passes.
        let m = monitor(&app, true);
        m.run_once(app.now()).await.expect("a pass");
        for _ in 0..4 {
            app.advance(15);
            m.run_once(app.now()).await.expect("a pass");
        }
        let kept = app.get(&office, "/api/demo/outbox").await.expect_status(OK);
        let mine: Vec<Value> = kept
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|m| m["alarm_id"] == id)
            .collect();
        assert!(!mine.is_empty(), "the drill's messages went out: {kept}");
        for m in &mine {
            let (subject, body) = (m["subject"].as_str(), m["body"].as_str());
            assert!(subject.unwrap_or("").starts_with("DRILL"), "{m}");
            assert!(body.unwrap_or("").starts_with("DRILL"), "{m}");
            assert!(body.unwrap_or("").contains("Practice visit"), "{m}");
            assert!(!body.unwrap_or("").contains("Smith"), "no household: {m}");
        }

        app.advance(1);
        app.post(
            &office,
            &format!("/api/alarms/{id}/acknowledge"),
            json!({ "note": "Rang the practice visitors" }),
        )
        .await
        .expect_status(OK);
        let report = app.get(&head, "/api/drills").await.expect_status(OK);
        let d = &report["drills"][0];
        assert_eq!(d["drill_id"], id, "{report}");
        assert_eq!(d["state"], "acknowledged", "{report}");
        assert_eq!(d["visit_id"], Value::Null, "{report}");
        assert!(d["practice_visit_id"].is_i64(), "{report}");
        assert_eq!(d["kind"], "missed_check_in", "{report}");
        let rungs = d["rungs"].as_array().cloned().unwrap_or_default();
        assert!(rungs.len() >= 2, "more than one rung went out: {report}");
        let answered: Vec<&Value> = rungs.iter().filter(|r| r["acknowledged"] == true).collect();
        assert_eq!(answered.len(), 1, "{report}");
        assert_eq!(answered[0]["seconds_to_acknowledge"], 60, "{report}");
        let (_, page) = app.get(&head, "/drills").await;
        let page = page.as_str().unwrap_or("").to_string();
        assert!(page.contains("practice visit, missed check-in"), "{page}");

        app.post(&head, &format!("/api/drills/{id}/end"), json!({}))
            .await
            .expect_status(StatusCode::NO_CONTENT);
        let report = app.get(&head, "/api/drills").await.expect_status(OK);
        assert_eq!(report["drills"][0]["state"], "ended", "{report}");
        // Nothing of it is a real visit: the export, the chronology and the governors' report's
        // visit figures are as they were.
        let after = real_visits(&app, &head, &school).await;
        assert_eq!(before, after);
        assert!(!after.0.contains("Practice"), "{}", after.0);
        let audit = app
            .get(&head, "/api/audit?action=drill.start")
            .await
            .expect_status(OK);
        assert!(audit.to_string().contains("practice_visit_id"), "{audit}");
    })
    .await;
}

#[tokio::test]
async fn a_drill_practises_the_alarm_chosen_and_bad_input_is_named() {
    for_each_backend(|app| async move {
        let visit = out(&app).await;
        let school = app.school("harton.demo").await;
        let head = app.login(&school.email("head")).await;
        let office = app.login(&school.email("office")).await;
        let other = app.school("reach2.demo").await;

        app.post(&head, "/api/drills", json!({ "visit_id": visit, "kind": "child_alone" }))
            .await
            .expect_field_error(StatusCode::UNPROCESSABLE_ENTITY, "kind");
        let bad = [
            (json!({ "practice": { "visitor_ids": [], "buddy_staff_id": school.staff("senior") } }), "practice.visitor_ids"),
            (json!({ "practice": { "visitor_ids": [other.staff("teacher")], "buddy_staff_id": school.staff("senior") } }), "practice.visitor_ids[0]"),
            (json!({ "practice": { "visitor_ids": [school.staff("teacher"), 999_999], "buddy_staff_id": school.staff("senior") } }), "practice.visitor_ids[1]"),
            (json!({ "practice": { "visitor_ids": [school.staff("teacher")] } }), "practice.buddy_staff_id"),
            (json!({ "practice": { "visitor_ids": [school.staff("teacher")], "buddy_staff_id": school.staff("teacher") } }), "practice.buddy_staff_id"),
            (json!({ "practice": { "visitor_ids": [school.staff("teacher")], "buddy_staff_id": school.staff("senior") }, "kind": "fire" }), "kind"),
            (json!({ "visit_id": visit, "practice": { "visitor_ids": [school.staff("teacher")], "buddy_staff_id": school.staff("senior") } }), "practice"),
            (json!({}), "visit_id"),
        ];
        for (body, field) in bad {
            let refused = app
                .post(&head, "/api/drills", body.clone())
                .await
                .expect_field_error(StatusCode::UNPROCESSABLE_ENTITY, field);
            assert!(!refused.to_string().is_empty(), "{body}");
        }
        let report = app.get(&head, "/api/drills").await.expect_status(OK);
        assert_eq!(report["drills"], json!([]), "nothing half-started: {report}");

        let started = app
            .post(&head, "/api/drills", json!({ "visit_id": visit, "kind": "panic" }))
            .await
            .expect_status(CREATED);
        let id = started["drill_id"].clone();
        let board = app.get(&office, "/api/board").await.expect_status(OK);
        let shown = board["alarms"].as_array().cloned().unwrap_or_default();
        let drill = shown.iter().find(|a| a["id"] == id).expect("on the board");
        let label = drill["label"].as_str().unwrap_or("");
        assert!(label.starts_with("DRILL"), "{drill}");
        assert!(label.contains("panic button"), "{drill}");

        // The page's practice form keeps what was typed and names the box refused.
        let (status, page) = app
            .send_raw(
                &head,
                Method::POST,
                "/drills",
                FORM,
                format!(
                    "on=practice&visitor_ids={}&buddy_staff_id={}&practice_kind=overdue_return",
                    school.staff("teacher"),
                    school.staff("teacher")
                ),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let page = page.as_str().unwrap_or("").to_string();
        assert!(page.contains("the buddy stays at school"), "{page}");
        assert!(page.contains("id=\"buddy_staff_id-error\""), "{page}");
        assert!(
            page.contains(&format!(
                "name=\"visitor_ids\" value=\"{}\" checked",
                school.staff("teacher")
            )),
            "{page}"
        );
        assert!(page.contains("value=\"overdue_return\" selected"), "{page}");
    })
    .await;
}
