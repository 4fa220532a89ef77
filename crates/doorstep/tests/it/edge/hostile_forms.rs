//! Hostile input over the HTML forms (#12 item 5), on SQLite and PostgreSQL: the plan, the
//! visit's steps and records, households, staff and head-only records are each posted, box by
//! box, a NUL, a hidden control character, a 1 MB string, a text longer than any box takes and
//! numbers no id or count can be. Each answer is a 4xx naming the box — the form again with the
//! error next to it (422), or a page naming it (400) — never a 500, and no table gains or loses
//! a row.

use crate::helpers::for_each_backend;
use axum::http::{Method, StatusCode};

const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

/// `application/x-www-form-urlencoded` encoding of one name or value.
fn encode(v: &str) -> String {
    v.bytes()
        .map(|c| match c {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (c as char).to_string(),
            _ => format!("%{c:02X}"),
        })
        .collect()
}

/// The id the form gives a box's error: `visitors[0].role_on_visit` → `visitors-0-role_on_visit`.
fn anchor(field: &str) -> String {
    field
        .replace("].", "-")
        .replace(['[', '.'], "-")
        .replace(']', "")
}

/// The values of a form's `name=value&…` (as the tests write them: `+` for a space).
fn form_urlencoded_pairs(form: &str) -> Vec<(String, String)> {
    form.split('&')
        .filter_map(|p| p.split_once('='))
        .filter(|(k, _)| !k.contains("staff_id") && !k.contains("due_on"))
        .map(|(k, v)| (k.to_string(), v.replace('+', " ")))
        .collect()
}

/// Whether `html` names `field`: its error next to the box, or the refusal page naming it.
fn names(html: &str, field: &str) -> bool {
    html.contains(&format!("id=\"{}-error\"", anchor(field)))
        || html.contains(&format!("<span class=\"field-name\">{field}</span>"))
}

#[tokio::test]
async fn hostile_input_to_the_html_forms_is_refused_naming_the_box_and_changes_nothing() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let head = app.login(&school.email("head")).await;
        let visit = app
            .planned_visit(&teacher, "harton.demo", serde_json::json!({}))
            .await;
        // The records' forms are on the page once the visit is back (the outcome, actions) or
        // nobody was home and the slip was left (the family's response).
        let back = super::more_time::out(&app, &teacher).await;
        for step in ["arrived", "left", "returned"] {
            app.advance(15);
            let (status, body) = app.step(&teacher, back, step).await;
            assert_eq!(status, StatusCode::OK, "[{b}] {step}: {body}");
        }
        let slipped = super::more_time::out(&app, &teacher).await;
        for step in ["nobody-home", "slip"] {
            let (status, body) = app.step(&teacher, slipped, step).await;
            assert!(status.is_success(), "[{b}] {step}: {status} {body}");
        }
        let me = school.staff("teacher");
        let smith = school.smith;
        let plan_base = format!(
            "pupil_id={}&reason_category=attendance&visitors%5B0%5D.staff_id={me}",
            school.ava
        );
        // (who, path, the box, the rest of the form)
        let teacher_forms: Vec<(String, &str, String)> = vec![
            ("/visits/new".into(), "purpose", plan_base.clone()),
            (
                "/visits/new".into(),
                "visitors[0].role_on_visit",
                plan_base.clone(),
            ),
            ("/visits/new".into(), "code_word", plan_base.clone()),
            ("/visits/new".into(), "expect_to_see", plan_base.clone()),
            ("/visits/new".into(), "joint_agency", plan_base.clone()),
            (
                "/visits/new".into(),
                "appointment.agenda",
                plan_base.clone(),
            ),
            (
                "/visits/new".into(),
                "parents_come_in_note",
                plan_base.clone(),
            ),
            (
                format!("/visits/{visit}/edit"),
                "purpose",
                plan_base.clone(),
            ),
            (
                format!("/visits/{visit}/request"),
                "advisory_reason",
                String::new(),
            ),
            (format!("/visits/{visit}/cancel"), "reason", String::new()),
            (
                format!("/visits/{visit}/concerns"),
                "concern",
                String::new(),
            ),
            (format!("/visits/{back}/outcome"), "outcome", String::new()),
            (
                format!("/visits/{back}/outcome"),
                "people_seen",
                "outcome=Seen".into(),
            ),
            (
                format!("/visits/{slipped}/slip/response"),
                "from",
                String::new(),
            ),
            (
                format!("/visits/{back}/actions"),
                "action.description",
                format!("action.owner_staff_id={me}&action.due_on=2026-12-20"),
            ),
        ];
        let head_forms: Vec<(String, &str, String)> = vec![
            ("/households/new".into(), "family_name", String::new()),
            (
                "/households/new".into(),
                "address",
                "family_name=Jones".into(),
            ),
            ("/households/new".into(), "pets", "family_name=Jones".into()),
            (
                format!("/households/{smith}/members"),
                "member.name",
                String::new(),
            ),
            (
                format!("/households/{smith}/cautions"),
                "description",
                String::new(),
            ),
            (
                format!("/households/{smith}/cautions"),
                "source",
                "description=Dog".into(),
            ),
            (
                format!("/households/{smith}/block"),
                "reason",
                String::new(),
            ),
            (format!("/households/{smith}/review"), "note", String::new()),
            (
                format!("/households/{smith}/pupils"),
                "name",
                "date_of_birth=2019-01-01".into(),
            ),
            (
                "/staff".into(),
                "name",
                "email=new.person%40harton.demo".into(),
            ),
            ("/staff".into(), "job_title", "name=New+Person".into()),
            (
                "/head-only".into(),
                "raised_by_name",
                "kind=parent_concern".into(),
            ),
        ];
        let before = app.db.row_counts().await.expect("row counts");
        let mega = "x".repeat(1024 * 1024);
        let too_long = "y".repeat(11_000);
        let hostile: [(&str, &str); 4] = [
            ("a NUL", "a\u{0}b"),
            ("a hidden control character", "a\u{7}b"),
            ("a 1 MB string", &mega),
            ("a text longer than any box takes", &too_long),
        ];
        let mut tried = 0;
        let mut unnamed: Vec<String> = Vec::new();
        let forms = teacher_forms
            .iter()
            .map(|f| (&teacher, f))
            .chain(head_forms.iter().map(|f| (&head, f)));
        for (who, (path, field, rest)) in forms {
            for (what, value) in hostile {
                let mut body = format!("{}={}", encode(field), encode(value));
                if !rest.is_empty() {
                    body = format!("{rest}&{body}");
                }
                let (status, html) = app.send_raw(who, Method::POST, path, FORM, body).await;
                let html = html.as_str().unwrap_or_default();
                assert!(
                    status.is_client_error(),
                    "[{b}] {path} with {what} in {field}: {status}"
                );
                if !names(html, field) {
                    unnamed.push(format!("{path} {field} ({what})"));
                }
                // The pages that show their form again put even a refusal made before the
                // form was read (a NUL, 1 MB) by the box, and keep what else was typed.
                let shown_again = path.ends_with("/request")
                    || path.ends_with("/outcome")
                    || path.ends_with("/actions")
                    || path.ends_with("/slip/response")
                    || path.ends_with("/cancel")
                    || path.ends_with("/concerns")
                    || path == "/households/new"
                    || path.ends_with("/review")
                    || path == "/head-only";
                if shown_again {
                    let by_box = format!("id=\"{}-error\"", anchor(field));
                    assert!(
                        html.contains(&by_box),
                        "[{b}] {path} with {what} in {field}: not by the box"
                    );
                    for (_, kept) in form_urlencoded_pairs(rest) {
                        assert!(
                            kept.len() < 3 || html.contains(&kept),
                            "[{b}] {path} with {what} in {field}: '{kept}' was not kept"
                        );
                    }
                }
                tried += 1;
            }
        }
        // A line break in a one-line box is named too.
        let (status, html) = app
            .send_raw(
                &head,
                Method::POST,
                "/households/new",
                FORM,
                "family_name=Jones%0D%0ASmith",
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "[{b}]");
        assert!(
            names(html.as_str().unwrap_or_default(), "family_name"),
            "[{b}] {html}"
        );
        // Numbers no id or count can be.
        for (field, value) in [
            ("pupil_id", "99999999999999999999999"),
            ("buddy_staff_id", "-1e300"),
            ("transport.pupil_age_years", "4294967296"),
        ] {
            let body = format!("{plan_base}&transporting=on&{}={value}", encode(field));
            let body = body.replace(&format!("pupil_id={}&", school.ava), "");
            let body = if field == "pupil_id" {
                body
            } else {
                format!("pupil_id={}&{body}", school.ava)
            };
            let (status, html) = app
                .send_raw(&teacher, Method::POST, "/visits/new", FORM, body)
                .await;
            let html = html.as_str().unwrap_or_default();
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "[{b}] {field}");
            assert!(names(html, field), "[{b}] {field} is not named");
            tried += 1;
        }
        assert!(tried > 100, "[{b}] only {tried} hostile forms sent");
        assert!(
            unnamed.is_empty(),
            "[{b}] refused without naming the box: {unnamed:#?}"
        );
        // A refused form re-renders its page, and reading a record is audited: the audit log
        // grows with reads; nothing else may change.
        let written = |counts: Vec<(String, i64)>| -> Vec<(String, i64)> {
            counts
                .into_iter()
                .filter(|(t, _)| t != "audit_log")
                .collect()
        };
        let after = app.db.row_counts().await.expect("row counts");
        assert_eq!(
            written(before),
            written(after),
            "[{b}] a refused form changed the database"
        );
    })
    .await;
}
