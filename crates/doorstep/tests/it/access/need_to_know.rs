//! A9 need-to-know that holds (#10): involvement is granted, never self-declared; break-glass
//! with a reason, for the policy's minutes, the DSL told at once and shown every opening; grants
//! by the DSL; and an audit trail that is need-to-know too. Through the JSON API, as staff use it.

use super::{DOMAIN, World};
use crate::helpers::{Answer, for_each_backend};
use axum::http::StatusCode;
use serde_json::{Value, json};

fn chronology(pupil: domain::PupilId) -> String {
    format!("/api/pupils/{}/chronology", pupil.0)
}

fn actions(rows: &Value) -> Vec<String> {
    rows.as_array()
        .expect("a list")
        .iter()
        .filter_map(|r| r["action"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn drafting_or_requesting_a_visit_opens_none_of_the_childs_records() {
    for_each_backend(|app| async move {
        let w = World::create(&app).await;
        let liaison = &w.sessions["liaison"];
        let path = chronology(w.pupil);
        app.get(liaison, &path)
            .await
            .expect_status(StatusCode::NOT_FOUND);
        // The teacher's way round need-to-know, before: plan a visit for the child and read on.
        let overrides = json!({
            "pupil_id": w.pupil.0,
            "visitors": [
                { "staff_id": liaison.id, "role_on_visit": "family liaison" },
                { "staff_id": w.sessions["senior"].id, "role_on_visit": "senior leader" },
            ],
            "buddy_staff_id": w.sessions["office"].id,
        });
        let draft = app.planned_visit(liaison, DOMAIN, overrides).await;
        app.get(liaison, &path)
            .await
            .expect_status(StatusCode::NOT_FOUND);
        app.get(
            liaison,
            &format!("/api/safeguarding-concerns/{}", w.concern),
        )
        .await
        .expect_status(StatusCode::NOT_FOUND);
        app.request(liaison, draft)
            .await
            .expect_status(StatusCode::OK);
        app.get(liaison, &path)
            .await
            .expect_status(StatusCode::NOT_FOUND);
        // Once the head authorises it, the liaison officer is involved.
        app.authorise(&w.sessions["head"], draft, json!({}))
            .await
            .expect_status(StatusCode::OK);
        app.get(liaison, &path).await.expect_status(StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn whoever_raised_a_concern_reads_that_concern_and_nothing_else_of_the_child() {
    for_each_backend(|app| async move {
        let w = World::create(&app).await;
        let office = &w.sessions["office"];
        let c = app
            .get(office, &format!("/api/safeguarding-concerns/{}", w.concern))
            .await
            .expect_status(StatusCode::OK);
        assert_eq!(c["concern"], "Ali said he is often hungry.");
        app.get(office, &chronology(w.pupil))
            .await
            .expect_status(StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn involvement_from_a_visit_ends_the_policys_days_after_it() {
    for_each_backend(|app| async move {
        let w = World::create(&app).await;
        let teacher = &w.sessions["teacher"];
        app.get(teacher, &chronology(w.pupil))
            .await
            .expect_status(StatusCode::OK);
        // Sessions last hours: sign in again after the days go by.
        app.advance(29 * 24 * 60);
        let teacher = app.login(&teacher.email).await;
        app.get(&teacher, &chronology(w.pupil))
            .await
            .expect_status(StatusCode::OK);
        app.advance(2 * 24 * 60);
        let teacher = app.login(&teacher.email).await;
        app.get(&teacher, &chronology(w.pupil))
            .await
            .expect_status(StatusCode::NOT_FOUND);
        // The DSL still reads every child's records.
        let dsl = app.login(&w.sessions["dsl"].email).await;
        app.get(&dsl, &chronology(w.pupil))
            .await
            .expect_status(StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn breaking_the_glass_needs_a_reason_lasts_the_policys_hour_and_the_dsl_sees_it() {
    for_each_backend(|app| async move {
        let w = World::create(&app).await;
        let (liaison, dsl) = (&w.sessions["liaison"], &w.sessions["dsl"]);
        let open = format!("/api/pupils/{}/break-glass", w.pupil.0);
        app.post(liaison, &open, json!({ "reason": "need it" }))
            .await
            .expect_field_error(StatusCode::UNPROCESSABLE_ENTITY, "reason");
        app.get(liaison, &chronology(w.pupil))
            .await
            .expect_status(StatusCode::NOT_FOUND);

        let reason = "Covering Year 3 while Mrs Khan is off; visit booked for Friday";
        let opened = app
            .post(liaison, &open, json!({ "reason": reason }))
            .await
            .expect_status(StatusCode::CREATED);
        assert_eq!(opened["reason"], reason);
        app.get(liaison, &chronology(w.pupil))
            .await
            .expect_status(StatusCode::OK);
        app.post(liaison, &open, json!({ "reason": reason }))
            .await
            .expect_status(StatusCode::CONFLICT);

        // The DSL is told at once, in the app and by e-mail, that the records were opened; the
        // child's name and the reason are read in Doorstep (e-mail is not a secure channel).
        let told = app
            .db
            .notifications_with_key_prefix("break-glass:", 20)
            .await
            .unwrap();
        let dsl_id = w.people["dsl"].id.0;
        for channel in ["in_app", "email"] {
            let n = told
                .iter()
                .find(|n| n.staff_id == Some(dsl_id) && n.channel == channel)
                .unwrap_or_else(|| panic!("the DSL is told by {channel}: {told:?}"));
            assert!(
                n.body.contains("a pupil") && !n.body.contains(reason),
                "{}",
                n.body
            );
            assert!(!n.body.contains("Ali Access"), "{}", n.body);
        }
        let list = app
            .get(dsl, "/api/break-glass")
            .await
            .expect_status(StatusCode::OK);
        assert_eq!(list.as_array().map(Vec::len), Some(1), "{list:?}");
        assert_eq!(list[0]["staff_id"], liaison.id);
        assert_eq!(list[0]["reason"], reason);
        app.get(&w.sessions["teacher"], "/api/break-glass")
            .await
            .expect_status(StatusCode::FORBIDDEN);

        app.advance(61);
        app.get(liaison, &chronology(w.pupil))
            .await
            .expect_status(StatusCode::NOT_FOUND);
        // Who read, who broke the glass, who was refused: all in one list for the DSL.
        let reads = app
            .get(dsl, &format!("/api/pupils/{}/reads", w.pupil.0))
            .await
            .expect_status(StatusCode::OK);
        let seen = actions(&reads);
        for a in ["pupil.break_glass", "chronology.read", "pupil.read_refused"] {
            assert!(seen.iter().any(|s| s == a), "{a} missing from {seen:?}");
        }

        // The DSL's safeguarding page lists the opening; both of its looks are in the trail.
        let looks = |trail: &Value, action: &str| {
            actions(trail)
                .iter()
                .filter(|a| a.as_str() == action)
                .count()
        };
        let trail = "/api/audit?limit=1000";
        let before = app.get(dsl, trail).await.expect_status(StatusCode::OK);
        let (status, html) = app.get(dsl, "/safeguarding").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.as_str().unwrap_or("").contains(reason), "{html:?}");
        let after = app.get(dsl, trail).await.expect_status(StatusCode::OK);
        for action in ["safeguarding_concern.list_read", "break_glass.list_read"] {
            assert_eq!(
                looks(&after, action),
                looks(&before, action) + 1,
                "{action} once for the page"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn the_dsl_grants_involvement_until_a_date_and_can_end_it() {
    for_each_backend(|app| async move {
        let w = World::create(&app).await;
        let (liaison, dsl, teacher) = (&w.sessions["liaison"], &w.sessions["dsl"], &w.sessions["teacher"]);
        let grant = format!("/api/pupils/{}/involvement", w.pupil.0);
        let body = |ends: &str| json!({ "staff_id": liaison.id, "ends_at": ends, "reason": "New key worker for Ali this half term" });
        app.post(teacher, &grant, body("2026-12-20T16:00:00Z"))
            .await
            .expect_status(StatusCode::FORBIDDEN);
        app.post(dsl, &grant, body("2026-11-01T16:00:00Z"))
            .await
            .expect_field_error(StatusCode::UNPROCESSABLE_ENTITY, "ends_at");
        let g = app
            .post(dsl, &grant, body("2026-12-20T16:00:00Z"))
            .await
            .expect_status(StatusCode::CREATED);
        app.get(liaison, &chronology(w.pupil)).await.expect_status(StatusCode::OK);
        let listed = app.get(dsl, &grant).await.expect_status(StatusCode::OK);
        assert_eq!(listed[0]["staff_id"], liaison.id);
        let revoke = format!("/api/involvement/{}/revoke", g["id"]);
        app.post(dsl, &revoke, json!({})).await.expect_status(StatusCode::OK);
        app.get(liaison, &chronology(w.pupil))
            .await
            .expect_status(StatusCode::NOT_FOUND);
        app.post(dsl, &revoke, json!({}))
            .await
            .expect_status(StatusCode::CONFLICT);
    })
    .await;
}

#[tokio::test]
async fn the_audit_trail_shows_no_one_the_rows_about_records_they_may_not_read() {
    for_each_backend(|app| async move {
        let w = World::create(&app).await;
        let about = |rows: &Value, id: i64| {
            rows.as_array()
                .expect("rows")
                .iter()
                .filter(|r| r["subject_type"] == "head_only_record" && r["subject_id"] == id)
                .count()
        };
        // The head reads the record about the liaison officer, and must not learn of the one about them.
        let head = app
            .get(&w.sessions["head"], "/api/audit?limit=1000")
            .await
            .expect_status(StatusCode::OK);
        assert!(
            about(&head, w.about_staff) > 0,
            "the head's own record's rows"
        );
        assert_eq!(
            about(&head, w.about_head),
            0,
            "rows about the allegation about the head"
        );
        // The DSL reads neither record, so neither's rows.
        let dsl = app
            .get(&w.sessions["dsl"], "/api/audit?limit=1000")
            .await
            .expect_status(StatusCode::OK);
        assert_eq!(about(&dsl, w.about_staff) + about(&dsl, w.about_head), 0);
        // The trust reads the one about the head.
        let trust = app
            .get(&w.sessions["admin"], "/api/audit?limit=1000")
            .await
            .expect_status(StatusCode::OK);
        assert!(about(&trust, w.about_head) > 0);
        // Asking for the subject by name changes nothing.
        let asked = app
            .get(
                &w.sessions["head"],
                &format!(
                    "/api/audit?subject_type=head_only_record&subject_id={}",
                    w.about_head
                ),
            )
            .await
            .expect_status(StatusCode::OK);
        assert_eq!(asked.as_array().map(Vec::len), Some(0), "{asked:?}");
    })
    .await;
}

#[tokio::test]
async fn the_pupil_page_offers_break_glass_saying_it_is_recorded_and_the_dsl_reviews_it() {
    use axum::http::Method;
    for_each_backend(|app| async move {
        let w = World::create(&app).await;
        let (liaison, dsl) = (&w.sessions["liaison"], &w.sessions["dsl"]);
        let page = format!("/pupils/{}", w.pupil.0);
        let (status, html) = app.get(liaison, &format!("{page}/chronology")).await;
        // "Not found", as the API answers; the form comes with it for one who may use it.
        assert_eq!(status, StatusCode::NOT_FOUND);
        let html = html.as_str().expect("a page");
        assert!(html.contains("break the glass"), "{html}");
        assert!(html.contains("This is recorded"), "{html}");
        // The DSL reads the records anyway: no such offer.
        let (_, dsl_page) = app.get(dsl, &format!("{page}/chronology")).await;
        assert!(!dsl_page.as_str().unwrap_or("").contains("break the glass"));
        // Another school's head is not told the child exists.
        let (status, _) = app
            .get(&w.sessions["other-head"], &format!("{page}/chronology"))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        let form = Some("application/x-www-form-urlencoded");
        let post = format!("/pupils/{}/break-glass", w.pupil.0);
        let (status, html) = app
            .send_raw(liaison, Method::POST, &post, form, "reason=because")
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        let html = html.as_str().unwrap_or("");
        assert!(html.contains("say in a sentence why"), "{html}");
        assert!(html.contains("because"), "the reason typed is kept: {html}");
        let (status, _) = app
            .send_raw(
                liaison,
                Method::POST,
                &post,
                form,
                "reason=Covering+Year+3+while+Mrs+Khan+is+off",
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, _) = app.get(liaison, &format!("{page}/chronology")).await;
        assert_eq!(status, StatusCode::OK);
        // The DSL's safeguarding page lists the opening with its reason.
        let (_, list) = app.get(dsl, "/safeguarding").await;
        let list = list.as_str().unwrap_or("");
        assert!(
            list.contains("Reason: Covering Year 3 while Mrs Khan is off</span>"),
            "{list}"
        );
    })
    .await;
}

/// Issue #9 item 8: a database that cannot read its pupils is a fault of ours (500/503, logged
/// with its cause), never "no such pupil" — which would tell a teacher the child is not on roll.
#[tokio::test]
async fn breaking_the_glass_while_the_database_cannot_read_pupils_is_a_fault_not_no_such_pupil() {
    for_each_backend(|app| async move {
        let w = World::create(&app).await;
        let liaison = &w.sessions["liaison"];
        // A half-restored database: signing in works, the pupils cannot be read.
        const BREAK: &str = "alter table pupils rename to pupils_unreadable";
        match &app.db {
            store::Db::Sqlite(p, _) => sqlx::raw_sql(BREAK).execute(p).await.map(|_| ()),
            store::Db::Pg(p, _) => sqlx::raw_sql(BREAK).execute(p).await.map(|_| ()),
        }
        .expect("the pupils table is renamed");
        let reason = "Covering Year 3 while Mrs Khan is off; visit booked for Friday";
        let open = format!("/api/pupils/{}/break-glass", w.pupil.0);
        let (status, body) = app.post(liaison, &open, json!({ "reason": reason })).await;
        assert!(
            status.is_server_error(),
            "{}: a database fault answers 500 or 503, not {status}: {body}",
            app.backend
        );
    })
    .await;
}

/// Tester's B4: the chronology page closed to the chair of governors or the office answers
/// exactly as the API and the pupil page do — 404, no name, no break-glass form — and they may
/// not break the glass through the API either; only those who may get the form.
#[tokio::test]
async fn a_closed_chronology_is_not_found_and_offers_break_glass_only_to_those_who_may() {
    use axum::http::Method;
    for_each_backend(|app| async move {
        let w = World::create(&app).await;
        let page = format!("/pupils/{}", w.pupil.0);
        for who in ["chair", "office"] {
            let s = &w.sessions[who];
            let (status, html) = app.get(s, &format!("{page}/chronology")).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{who}");
            let html = html.as_str().unwrap_or("");
            assert!(!html.contains("break the glass"), "{who}: {html}");
            assert!(!html.contains("Ali Access"), "{who}: {html}");
            let (pupil_status, pupil_page) = app.get(s, &page).await;
            // The office reads the pupil page (the household's people); the chair does not,
            // and is told so in the very same words.
            if pupil_status == StatusCode::NOT_FOUND {
                assert_eq!(
                    html,
                    pupil_page.as_str().unwrap_or(""),
                    "{who}: the same page"
                );
            } else {
                assert_eq!(who, "office", "{who}: {pupil_status}");
            }
            let open = format!("/api/pupils/{}/break-glass", w.pupil.0);
            let reason = json!({ "reason": "Covering Year 3 while Mrs Khan is off" });
            app.post(s, &open, reason)
                .await
                .expect_status(StatusCode::NOT_FOUND);
            let form = Some("application/x-www-form-urlencoded");
            let body = "reason=Covering+Year+3+while+Mrs+Khan+is+off";
            let post = format!("{page}/break-glass");
            let (status, _) = app.send_raw(s, Method::POST, &post, form, body).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{who}");
        }
    })
    .await;
}
