//! P5: the code word reaches the people on the visit and its buddy, and nobody else, by any
//! route: every JSON GET route in the OpenAPI description, every page of the web app (found in
//! the server's source), the exports, the audit trail and the live feed's messages — asked by
//! every demo role, with the visit's own people among them so the walk shows it can find the word.

use super::routes::{Reads, all_api_routes, fill, reads, source_get_routes};
use super::{CODE_WORD, PEOPLE, World};
use crate::helpers::{Answer, for_each_backend, visit_plan};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Who may know the world's code word: the teacher and the DSL go, the senior leader is buddy.
const KNOW: [&str; 3] = ["teacher", "dsl", "senior"];

#[tokio::test]
async fn the_code_word_reaches_only_the_visitors_and_the_buddy_by_every_route() {
    for_each_backend(|app| async move {
        let world = World::create(&app).await;
        let mut routes = all_api_routes(&app, &world).await;
        routes.extend(source_get_routes());
        let mut uris: Vec<String> = Vec::new();
        for path in &routes {
            // The feed never ends; its messages are read below, as the feed reads them.
            if path == "/api/feed" || path == "/board/events" || path == "/today/events" {
                continue;
            }
            let uri = match reads(path) {
                Some(Reads::Class(class)) => fill(path, class, &world),
                _ if !path.contains('{') => path.clone(),
                _ => continue,
            };
            if !uri.is_empty() && !uri.contains('{') {
                uris.push(uri);
            }
        }
        let visit = world.visit.0;
        let school = world.people["head"].school_id.map_or(0, |s| s.0);
        uris.extend([
            format!("/api/audit?subject_type=visit&subject_id={visit}"),
            format!("/api/exports/visits.csv?school_id={school}"),
            format!("/exports/visits.csv?school_id={school}"),
            format!("/board?school_id={school}"),
        ]);

        let mut leaks = Vec::new();
        let mut shown: BTreeSet<(String, &str)> = BTreeSet::new();
        for uri in &uris {
            for who in PEOPLE {
                let (status, answer) = app.send(&world.sessions[who], Method::GET, uri, None).await;
                if !answer.to_string().contains(CODE_WORD) {
                    continue;
                }
                if KNOW.contains(&who) && !uri.starts_with("/api/audit") {
                    shown.insert((uri.clone(), who));
                } else {
                    leaks.push(format!("{who} GET {uri}: {status}"));
                }
            }
        }
        let use_cases = app.use_cases();
        for who in PEOPLE {
            let messages = app::board::my_notifications(&use_cases, &world.people[who], 0, 500)
                .await
                .expect("reading the feed's messages");
            if format!("{messages:?}").contains(CODE_WORD) {
                leaks.push(format!("{who}: the live feed"));
            }
        }
        assert!(
            leaks.is_empty(),
            "on {}:\n{}",
            app.backend,
            leaks.join("\n")
        );
        // The walk can find the word: the visit's people read it on the API and on the page.
        for who in KNOW {
            for uri in [format!("/api/visits/{visit}"), format!("/visits/{visit}")] {
                assert!(
                    shown.contains(&(uri.clone(), who)),
                    "{who} should read the code word on {uri}; shown: {shown:?}"
                );
            }
        }
        assert!(
            shown.iter().any(|(uri, _)| uri == "/today"),
            "the visitors' Today page shows it: {shown:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn an_office_user_who_puts_themselves_on_a_draft_is_not_told_its_code_word() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let office = app.login(&school.email("office")).await;
        let senior = app.login(&school.email("senior")).await;
        let visit = app
            .planned_visit(
                &teacher,
                "harton.demo",
                json!({ "buddy_staff_id": senior.id, "code_word": "bluebell" }),
            )
            .await;
        let path = format!("/api/visits/{visit}");
        let seen = app.get(&office, &path).await.expect_status(StatusCode::OK);
        assert_eq!(seen["visit"]["code_word"], Value::Null);

        let mut plan = visit_plan(
            &school,
            &app,
            json!({
                "visitors": [
                    { "staff_id": teacher.id, "role_on_visit": "class teacher" },
                    { "staff_id": office.id, "role_on_visit": "office" },
                ],
                "buddy_staff_id": senior.id,
                "code_word": null,
            }),
        );
        plan["revision"] = seen["visit"]["revision"].clone();
        let answer = app
            .put(&office, &path, plan)
            .await
            .expect_status(StatusCode::OK);
        assert!(
            !answer.to_string().contains("bluebell"),
            "the answer to the edit: {answer}"
        );
        let again = app.get(&office, &path).await.expect_status(StatusCode::OK);
        assert_eq!(
            again["visit"]["code_word"],
            Value::Null,
            "nor on reading it again"
        );
        let teacher_sees = app.get(&teacher, &path).await.expect_status(StatusCode::OK);
        assert_eq!(
            teacher_sees["visit"]["code_word"],
            Value::Null,
            "the word agreed before is gone: the visiting staff agree a new one"
        );

        let mut agreed = visit_plan(
            &school,
            &app,
            json!({
                "visitors": [
                    { "staff_id": teacher.id, "role_on_visit": "class teacher" },
                    { "staff_id": office.id, "role_on_visit": "office" },
                ],
                "buddy_staff_id": senior.id,
                "code_word": "marigold",
            }),
        );
        agreed["revision"] = teacher_sees["visit"]["revision"].clone();
        app.put(&teacher, &path, agreed)
            .await
            .expect_status(StatusCode::OK);
        let now = app.get(&office, &path).await.expect_status(StatusCode::OK);
        assert_eq!(
            now["visit"]["code_word"], "marigold",
            "once on the visit, the office hears the new word"
        );
    })
    .await;
}
