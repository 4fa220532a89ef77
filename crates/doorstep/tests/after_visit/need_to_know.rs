//! A9, role × record: a visit's record and a pupil's chronology are for the staff involved with
//! the child, the DSL and the head. Everyone else is told "not found"; every read is audited and
//! the DSL can see who read what.

use crate::harness::{expect, for_each_backend};
use axum::http::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn only_staff_involved_with_the_child_the_dsl_and_the_head_read_the_record_and_each_read_is_audited()
 {
    for_each_backend(|app| async move {
        let school = app.school("stjosephs.demo").await;
        let visit = app.authorised_visit(&school, "10:00", json!({})).await;
        let teacher = app.login(&school.email("teacher")).await;
        app.set_time("10:00");
        app.steps(
            &teacher,
            visit,
            &["sign-out", "arrived", "left", "returned"],
        )
        .await;
        let outcome = json!({ "outcome": "Mum says Ava is being bullied on the way to school." });
        expect(
            app.put(&teacher, &format!("/api/visits/{visit}/outcome"), outcome)
                .await,
            StatusCode::OK,
        );

        let records = [
            format!("/api/visits/{visit}/outcome"),
            format!("/api/visits/{visit}/record.pdf"),
            format!("/api/pupils/{}/chronology", school.ava),
            format!("/api/pupils/{}/chronology.pdf", school.ava),
        ];
        // Not involved with Ava: a senior leader (who sees the school's visits to keep staff
        // safe), the trust administrator and another school's head.
        let outsiders = [
            school.email("senior"),
            "admin@trust.demo".to_string(),
            "head@hsp.demo".to_string(),
        ];
        for email in &outsiders {
            let who = app.login(email).await;
            for path in &records {
                let (status, _, body) = app.raw(&who, Method::GET, path, None).await;
                assert_eq!(
                    status,
                    StatusCode::NOT_FOUND,
                    "{email} read {path}: {}",
                    String::from_utf8_lossy(&body)
                );
            }
            // Changing it is refused just the same.
            let (status, _) = app
                .put(
                    &who,
                    &format!("/api/visits/{visit}/outcome"),
                    json!({ "outcome": "x", "revision": 1 }),
                )
                .await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{email} changed the outcome");
        }
        // The senior leader still sees the visit's plan, needed to keep staff safe.
        let senior = app.login(&school.email("senior")).await;
        expect(
            app.get(&senior, &format!("/api/visits/{visit}")).await,
            StatusCode::OK,
        );

        // Involved (on the visit, or its buddy), the DSL and the head read everything.
        let readers = [
            school.email("teacher"),
            school.email("liaison"),
            school.email("office"),
            school.email("dsl"),
            school.email("head"),
        ];
        for email in &readers {
            let who = app.login(email).await;
            for path in &records {
                let (status, _, _) = app.raw(&who, Method::GET, path, None).await;
                assert_eq!(status, StatusCode::OK, "{email} could not read {path}");
            }
        }

        // Each read is in the audit trail, with who and what; the DSL sees it per child.
        let dsl = app.login(&school.email("dsl")).await;
        let reads = expect(
            app.get(&dsl, &format!("/api/pupils/{}/reads", school.ava))
                .await,
            StatusCode::OK,
        );
        let reads = reads.as_array().unwrap();
        for name in [
            "Tom Teacher",
            "Lina Liaison",
            "Dev Safeguarding",
            "Helen Head",
        ] {
            let mine: Vec<&str> = reads
                .iter()
                .filter(|r| r["actor_name"] == name)
                .map(|r| r["action"].as_str().unwrap())
                .collect();
            for action in [
                "visit_record.read",
                "visit_record.pdf_read",
                "chronology.read",
                "chronology.pdf_read",
            ] {
                assert!(
                    mine.contains(&action),
                    "{name} reading {action} is not in the trail: {mine:?}"
                );
            }
        }
        // A refused try is listed as one (#10: the DSL sees who tried next to who read), never
        // as a read.
        assert!(
            !reads.iter().any(|r| r["actor_name"] == "Sam Senior"
                && r["action"] != "visit.read"
                && r["action"] != "pupil.read_refused"),
            "refused reads are not reads"
        );
        let trail = expect(
            app.get(
                &dsl,
                &format!("/api/audit?subject_type=pupil&subject_id={}", school.ava),
            )
            .await,
            StatusCode::OK,
        );
        assert!(
            trail
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["action"] == "chronology.read")
        );
        // Who read what is for the DSL and the head, not for the staff involved.
        expect(
            app.get(&teacher, &format!("/api/pupils/{}/reads", school.ava))
                .await,
            StatusCode::FORBIDDEN,
        );
        let head = app.login(&school.email("head")).await;
        expect(
            app.get(&head, &format!("/api/pupils/{}/reads", school.ava))
                .await,
            StatusCode::OK,
        );
    })
    .await;
}

#[tokio::test]
async fn reading_the_audit_trail_is_itself_in_the_audit_trail() {
    for_each_backend(|app| async move {
        let school = app.school("stjosephs.demo").await;
        let dsl = app.login(&school.email("dsl")).await;
        expect(app.get(&dsl, "/api/audit").await, StatusCode::OK);
        let trail = expect(app.get(&dsl, "/api/audit").await, StatusCode::OK);
        assert!(
            trail
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["action"] == "audit_trail.viewed" && r["actor_staff_id"] == dsl.id),
            "{trail}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_chronology_page_with_a_date_that_is_not_one_shows_the_reason_by_the_field() {
    for_each_backend(|app| async move {
        let school = app.school("stjosephs.demo").await;
        let dsl = app.login(&school.email("dsl")).await;
        let path = format!("/pupils/{}/chronology?from=23/11/2026", school.ava);
        let (status, _, body) = app.raw(&dsl, Method::GET, &path, None).await;
        let page = String::from_utf8_lossy(&body);
        assert_eq!(status, StatusCode::BAD_REQUEST, "{page}");
        assert!(page.contains("is not a date like 2026-09-01"), "{page}");
    })
    .await;
}
