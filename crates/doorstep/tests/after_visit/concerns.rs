//! A4: a safeguarding concern reaches the DSL at once and goes on the chronology. A10:
//! allegations against staff and parents' concerns are kept apart, for the head only.

use crate::harness::{expect, for_each_backend};
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_safeguarding_concern_reaches_the_dsl_at_once_and_goes_on_the_chronology() {
    for_each_backend(|app| async move {
        let school = app.school("hsp.demo").await;
        // The office manager has no visit with Ava, yet anyone may raise a concern.
        let office = app.login(&school.email("office")).await;
        let concern = json!({
            "concern": "Ava said at the gate that she is often left alone overnight.",
            "source": "other"
        });
        let raised = expect(app.post(&office, &format!("/api/pupils/{}/safeguarding-concerns", school.ava), concern).await, StatusCode::CREATED);
        assert_eq!(raised["told"], json!(["Dev Safeguarding"]));
        let id = raised["concern"]["id"].as_i64().unwrap();

        // Queued for the DSL at once, in the app and by e-mail, before any monitor pass.
        let dsl_msgs = app.messages_to(&school.email("dsl")).await;
        let channels: Vec<&str> = dsl_msgs.iter().filter(|(_, s, _)| s == "A safeguarding concern has been raised").map(|(c, _, _)| c.as_str()).collect();
        assert_eq!(channels.len(), 2, "{dsl_msgs:?}");
        assert!(channels.contains(&"in_app") && channels.contains(&"email"));
        // What the concern says and whom it is about stay in Doorstep: e-mail is not a secure
        // channel for special category data (KCSIE).
        assert!(dsl_msgs.iter().any(|(_, _, b)| b.starts_with("A safeguarding concern about a pupil")), "{dsl_msgs:?}");
        assert!(dsl_msgs.iter().all(|(_, s, b)| !b.contains("left alone") && !b.contains("Ava") && !s.contains("Ava")), "{dsl_msgs:?}");
        let due = app.db.in_app_notifications(domain::StaffId(app.staff_id(&school.email("dsl")).await), 0, 50).await.unwrap();
        assert!(due.iter().any(|n| n.next_attempt_at <= app.now()), "due now, not later");

        // A doorstep concern from a visit is linked to it.
        let visit = app.authorised_visit(&school, "10:00", json!({})).await;
        let teacher = app.login(&school.email("teacher")).await;
        app.set_time("10:00");
        app.steps(&teacher, visit, &["sign-out", "arrived"]).await;
        let doorstep = json!({ "concern": "A toddler answered the door; no adult came for ten minutes.", "source": "doorstep_observation", "visit_id": visit });
        let raised = expect(app.post(&teacher, &format!("/api/pupils/{}/safeguarding-concerns", school.ava), doorstep).await, StatusCode::CREATED);
        assert_eq!(raised["concern"]["visit_id"], visit);
        let wrong = json!({ "concern": "x", "visit_id": 999_999 });
        let body = expect(app.post(&teacher, &format!("/api/pupils/{}/safeguarding-concerns", school.ava), wrong).await, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["field"], "visit_id");

        // The DSL sees both, acknowledges one, and they are on the chronology.
        let dsl = app.login(&school.email("dsl")).await;
        let open = expect(app.get(&dsl, "/api/safeguarding-concerns?open=true").await, StatusCode::OK);
        let ava: Vec<_> = open.as_array().unwrap().iter().filter(|c| c["pupil_id"] == school.ava).collect();
        assert_eq!(ava.len(), 2, "{open}");
        let ack = json!({ "note": "Referred to children's social care (MASH) at 10:40." });
        expect(app.post(&dsl, &format!("/api/safeguarding-concerns/{id}/acknowledge"), ack).await, StatusCode::OK);
        expect(app.post(&teacher, &format!("/api/safeguarding-concerns/{id}/acknowledge"), json!({ "note": "x" })).await, StatusCode::FORBIDDEN);
        let chron = expect(app.get(&dsl, &format!("/api/pupils/{}/chronology?kind=concern", school.ava)).await, StatusCode::OK);
        let entries = chron["entries"].as_array().unwrap();
        assert_eq!(entries.len(), 2);
        assert!(entries[0]["detail"].as_str().unwrap().contains("MASH"));
        // The teacher may not list the school's concerns.
        expect(app.get(&teacher, "/api/safeguarding-concerns").await, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn allegations_and_parents_concerns_are_kept_apart_for_the_head_only() {
    for_each_backend(|app| async move {
        let school = app.school("kingsdown.demo").await;
        let visit = app.plan(&school, "10:00", json!({})).await;
        let office = app.login(&school.email("office")).await;
        let teacher_id = app.staff_id(&school.email("teacher")).await;
        let record = json!({
            "kind": "allegation_against_staff",
            "visit_id": visit,
            "about_staff_id": teacher_id,
            "raised_by_name": "Jo Smith (mother), by phone",
            "account": "Says the teacher went upstairs without being invited."
        });
        let receipt = expect(app.post(&office, "/api/head-only-records", record).await, StatusCode::CREATED);
        assert_eq!(receipt["visible_to"], "the headteacher");
        assert!(receipt.get("account").is_none(), "the receipt does not repeat it");
        let id = receipt["id"].as_i64().unwrap();
        let parent = json!({ "kind": "parent_concern", "pupil_id": school.ava, "raised_by_name": "Jo Smith", "account": "Felt the visit was intrusive." });
        expect(app.post(&office, "/api/head-only-records", parent).await, StatusCode::CREATED);

        // Nobody but the head reads them: not the person who recorded it, the DSL, nor the subject.
        for who in ["office", "dsl", "teacher", "senior"] {
            let s = app.login(&school.email(who)).await;
            expect(app.get(&s, &format!("/api/head-only-records/{id}")).await, StatusCode::NOT_FOUND);
            let (status, _) = app.get(&s, "/api/head-only-records").await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{who} lists them");
        }
        let head = app.login(&school.email("head")).await;
        let read = expect(app.get(&head, &format!("/api/head-only-records/{id}")).await, StatusCode::OK);
        assert!(read["account"].as_str().unwrap().contains("upstairs"));
        assert_eq!(expect(app.get(&head, "/api/head-only-records").await, StatusCode::OK).as_array().unwrap().len(), 2);
        // The head is told something is waiting, without its content.
        let told = app.messages_to(&school.email("head")).await;
        assert!(told.iter().any(|(_, s, b)| s.contains("allegation") && !b.contains("upstairs")), "{told:?}");
        // Kept apart: not on the pupil's chronology.
        let dsl = app.login(&school.email("dsl")).await;
        let chron = expect(app.get(&dsl, &format!("/api/pupils/{}/chronology", school.ava)).await, StatusCode::OK);
        assert!(!chron.to_string().contains("upstairs") && !chron.to_string().contains("intrusive"));
        expect(app.post(&head, &format!("/api/head-only-records/{id}/close"), json!({ "outcome": "Spoke to both; LADO consulted; no further action." })).await, StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn an_allegation_about_the_headteacher_goes_to_the_chair_of_governors_never_the_head() {
    for_each_backend(|app| async move {
        let school = app.school("kingsdown.demo").await;
        let chair_account = json!({
            "name": "Grace Governor",
            "email": "incoming.chair@kingsdown.demo",
            "job_title": "Chair of governors",
            "roles": ["chair_of_governors"],
            "password": doorstep::demo::PASSWORD,
            "school_id": school.id
        });
        // The head adds the school's staff, but may not make the chair (and so read about themself).
        let head = app.login(&school.email("head")).await;
        expect(
            app.post(&head, "/api/staff", chair_account.clone()).await,
            StatusCode::FORBIDDEN,
        );
        let admin = app.login("admin@trust.demo").await;
        expect(
            app.post(&admin, "/api/staff", chair_account).await,
            StatusCode::CREATED,
        );
        let chair = app.login("incoming.chair@kingsdown.demo").await;

        let office = app.login(&school.email("office")).await;
        let head_id = app.staff_id(&school.email("head")).await;
        let teacher_id = app.staff_id(&school.email("teacher")).await;
        let about_head = json!({
            "kind": "allegation_against_staff",
            "pupil_id": school.ava,
            "about_staff_id": head_id,
            "raised_by_name": "Jo Smith (mother), in person",
            "account": "Says the head shouted at Ava in the corridor."
        });
        let receipt = expect(
            app.post(&office, "/api/head-only-records", about_head)
                .await,
            StatusCode::CREATED,
        );
        assert_eq!(
            receipt["visible_to"],
            "the chair of governors and the trust's administrators"
        );
        let id = receipt["id"].as_i64().unwrap();
        let about_teacher = json!({
            "kind": "allegation_against_staff",
            "about_staff_id": teacher_id,
            "raised_by_name": "Jo Smith",
            "account": "Says the teacher was rude."
        });
        let other = expect(
            app.post(&office, "/api/head-only-records", about_teacher)
                .await,
            StatusCode::CREATED,
        )["id"]
            .as_i64()
            .unwrap();

        // The head neither reads nor lists it, and is not told it exists.
        expect(
            app.get(&head, &format!("/api/head-only-records/{id}"))
                .await,
            StatusCode::NOT_FOUND,
        );
        let listed = expect(
            app.get(&head, "/api/head-only-records").await,
            StatusCode::OK,
        );
        assert_eq!(
            listed
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_i64().unwrap())
                .collect::<Vec<_>>(),
            vec![other]
        );
        expect(
            app.post(
                &head,
                &format!("/api/head-only-records/{id}/close"),
                json!({ "outcome": "x" }),
            )
            .await,
            StatusCode::NOT_FOUND,
        );
        assert!(
            !app.messages_to(&school.email("head"))
                .await
                .iter()
                .any(|(_, _, b)| b.contains(&format!("record {id}")))
        );

        // The chair is told, reads it and deals with it, and sees nothing else of the head's.
        let told = app.messages_to("incoming.chair@kingsdown.demo").await;
        assert!(
            told.iter().any(|(_, s, b)| s.contains("allegation")
                && b.contains(&format!("record {id}"))
                && !b.contains("shouted")),
            "{told:?}"
        );
        let read = expect(
            app.get(&chair, &format!("/api/head-only-records/{id}"))
                .await,
            StatusCode::OK,
        );
        assert!(read["account"].as_str().unwrap().contains("shouted"));
        let listed = expect(
            app.get(&chair, "/api/head-only-records").await,
            StatusCode::OK,
        );
        assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
        expect(
            app.get(&chair, &format!("/api/head-only-records/{other}"))
                .await,
            StatusCode::NOT_FOUND,
        );
        // The trust's administrators read it too; the DSL does not.
        expect(
            app.get(&admin, &format!("/api/head-only-records/{id}"))
                .await,
            StatusCode::OK,
        );
        let dsl = app.login(&school.email("dsl")).await;
        expect(
            app.get(&dsl, &format!("/api/head-only-records/{id}")).await,
            StatusCode::NOT_FOUND,
        );
        expect(
            app.post(
                &chair,
                &format!("/api/head-only-records/{id}/close"),
                json!({ "outcome": "LADO consulted; investigation by the governors." }),
            )
            .await,
            StatusCode::OK,
        );
    })
    .await;
}
