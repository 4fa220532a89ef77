//! A tester's bad policy settings through the JSON API (#13, "any real policy"): each is a 4xx
//! naming the setting and saying what to type, in the words the policy form uses for the same
//! box — a time on the school clock, a number within its rule, the settings sent whole — and an
//! unknown school is not found before anything in the body is judged.

use super::policy_editing::{body, post_form, set, settings_form, settings_of};
use super::*;
use crate::helpers::DemoSchool;

const BAD_REQUEST: StatusCode = StatusCode::BAD_REQUEST;
const UNPROCESSABLE: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;
const TIME: &str = "enter it as a time on the school clock, e.g. 17:30";

/// The school's settings as `GET /api/schools/{id}/policy` returns them.
async fn settings_json(app: &TestApp, head: &Session, school: &DemoSchool) -> Value {
    let path = format!("/api/schools/{}/policy", school.id);
    app.get(head, &path).await.expect_status(OK)["settings"].clone()
}

/// Proposes `settings` as a change through the API.
async fn put_settings(
    app: &TestApp,
    head: &Session,
    school: &DemoSchool,
    settings: &Value,
) -> (StatusCode, Value) {
    let path = format!("/api/schools/{}/policy", school.id);
    let change = json!({ "settings": settings, "change_note": "Tester's settings." });
    app.put(head, &path, change).await
}

fn reason(body: &Value) -> &str {
    body["reason"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn every_time_of_day_is_asked_for_on_the_school_clock_by_the_api_and_the_form() {
    for_each_backend(|app| async move {
        let hsp = app.school("hsp.demo").await;
        let head = app.login(&hsp.email("head")).await;
        let settings = settings_json(&app, &head, &hsp).await;
        let cases = [
            ("staffing.evening.starts", "Staffing: evening starts"),
            (
                "calendar.working_hours.starts",
                "Calendar: working day starts",
            ),
            ("calendar.working_hours.ends", "Calendar: working day ends"),
            ("slip.respond_by_time", "Slip: reply-by time"),
            (
                "incident_report.working_day_ends",
                "Incident report: working day ends",
            ),
        ];
        for (setting, label) in cases {
            for typed in ["25:99", "5pm", "2026-12-03T09:30:00Z"] {
                let mut bad = settings.clone();
                bad["calendar"]["working_hours"] = json!({ "starts": "08:30", "ends": "16:30" });
                let mut at = &mut bad;
                for key in setting.split('.') {
                    at = &mut at[key];
                }
                *at = json!(typed);
                let refused = put_settings(&app, &head, &hsp, &bad)
                    .await
                    .expect_field_error(BAD_REQUEST, &format!("settings.{setting}"));
                assert_eq!(reason(&refused), format!("{label}: {TIME}"), "{typed}");
            }
        }

        // Typed as a school writes it, a time is taken.
        let mut good = settings.clone();
        good["staffing"]["evening"]["starts"] = json!("17:30");
        good["calendar"]["working_hours"] = json!({ "starts": "08:30", "ends": "16:30" });
        let draft = put_settings(&app, &head, &hsp, &good)
            .await
            .expect_status(CREATED);
        let words = draft["changes"].to_string();
        assert!(
            words.contains("Staffing: evening starts: 18:00 → 17:30"),
            "{words}"
        );

        // The form says it in the same words.
        let (_, stored) = settings_of(&app, &head, &hsp).await;
        let mut form = settings_form(&stored);
        set(&mut form, "staffing.evening.starts", "5pm");
        set(&mut form, "change_note", "Evenings from five.");
        let path = format!("/policy/{}/form", hsp.id);
        let (status, html) = post_form(&app, &head, &path, body(&form)).await;
        assert_eq!(status, UNPROCESSABLE, "{html}");
        assert!(
            html.contains(&format!("Staffing: evening starts: {TIME}")),
            "{html}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_number_outside_its_rule_is_refused_stating_the_rule_by_the_api_and_the_form() {
    for_each_backend(|app| async move {
        let harton = app.school("harton.demo").await;
        let head = app.login(&harton.email("head")).await;
        let settings = settings_json(&app, &head, &harton).await;
        let cases = [
            (
                "review_every_months",
                json!(0),
                UNPROCESSABLE,
                "Review every: must be between 1 and 60 months",
            ),
            (
                "review_every_months",
                json!(61),
                UNPROCESSABLE,
                "Review every: must be between 1 and 60 months",
            ),
            (
                "check_in.interval_minutes",
                json!(0),
                UNPROCESSABLE,
                "Check-in interval: must be between 1 and 1440 minutes",
            ),
            (
                "check_in.interval_minutes",
                json!(-5),
                BAD_REQUEST,
                "Check-in interval: enter a whole number between 1 and 1440 minutes",
            ),
            (
                "check_in.interval_minutes",
                json!("thirty"),
                BAD_REQUEST,
                "Check-in interval: enter a whole number between 1 and 1440 minutes",
            ),
            (
                "check_in.extend_minutes",
                json!(0),
                UNPROCESSABLE,
                "Extension asked for: must be between 1 and 240 minutes",
            ),
            (
                "staffing.first_visit_minimum",
                json!(0),
                UNPROCESSABLE,
                "Staff on a first visit: must be between 1 and 6 members of staff",
            ),
            (
                "travel.transport_minimum_staff",
                json!(0),
                UNPROCESSABLE,
                "Travel: transport minimum staff: must be between 1 and 6 members of staff",
            ),
        ];
        for (setting, value, status, said) in cases {
            let mut bad = settings.clone();
            let (section, leaf) = setting.split_once('.').unwrap_or(("", setting));
            match section {
                "" => bad[leaf] = value.clone(),
                s => bad[s][leaf] = value.clone(),
            }
            let refused = put_settings(&app, &head, &harton, &bad)
                .await
                .expect_field_error(status, &format!("settings.{setting}"));
            assert_eq!(reason(&refused), said, "{setting} = {value}");
        }

        // The form: the same rule, in the same words.
        let (_, stored) = settings_of(&app, &head, &harton).await;
        let form_path = format!("/policy/{}/form", harton.id);
        let mut form = settings_form(&stored);
        set(&mut form, "review_every_months", "0");
        set(&mut form, "check_in.interval_minutes", "thirty");
        set(&mut form, "change_note", "Never reviewed.");
        let (status, html) = post_form(&app, &head, &form_path, body(&form)).await;
        assert_eq!(status, UNPROCESSABLE, "{html}");
        for said in [
            "Review every: must be between 1 and 60 months",
            "Check-in interval: enter a whole number between 1 and 1440 minutes",
        ] {
            assert!(html.contains(said), "{said} in {html}");
        }
        // The check-ins form, and a TOML import, state the same rule.
        let check_ins = format!("/policy/{}/check-ins", harton.id);
        let typed = "interval_minutes=-5&grace_minutes=10&remind_before_minutes=5&extend_minutes=15&change_note=x";
        let (status, html) = post_form(&app, &head, &check_ins, typed.into()).await;
        assert_eq!(status, UNPROCESSABLE, "{html}");
        assert!(
            html.contains("Check-in interval: enter a whole number between 1 and 1440 minutes"),
            "{html}"
        );
        let toml = domain::policy::presets::to_toml(&stored)
            .replace("review_every_months = 12", "review_every_months = 0");
        let toml_form = vec![
            ("toml".to_string(), toml),
            ("change_note".to_string(), "Imported.".to_string()),
        ];
        let path = format!("/policy/{}/settings", harton.id);
        let (status, html) = post_form(&app, &head, &path, body(&toml_form)).await;
        assert_eq!(status, UNPROCESSABLE, "{html}");
        assert!(
            html.contains("review_every_months: must be between 1 and 60 months"),
            "{html}"
        );
    })
    .await;
}

#[tokio::test]
async fn settings_sent_in_part_are_asked_for_whole() {
    for_each_backend(|app| async move {
        let harton = app.school("harton.demo").await;
        let head = app.login(&harton.email("head")).await;
        let settings = settings_json(&app, &head, &harton).await;
        let whole = "Send the whole settings, as GET /api/schools/{id}/policy returns them";

        let partial = json!({ "staffing": { "first_visit_minimum": 2 } });
        let refused = put_settings(&app, &head, &harton, &partial)
            .await
            .expect_status(BAD_REQUEST);
        assert!(reason(&refused).starts_with(whole), "{refused}");
        assert!(reason(&refused).ends_with("is missing"), "{refused}");

        let mut partial = settings.clone();
        if let Some(staffing) = partial["staffing"].as_object_mut() {
            staffing.remove("minimum");
        }
        let refused = put_settings(&app, &head, &harton, &partial)
            .await
            .expect_field_error(BAD_REQUEST, "settings.staffing.minimum");
        assert_eq!(
            reason(&refused),
            format!("{whole}; `staffing.minimum` is missing")
        );
    })
    .await;
}

#[tokio::test]
async fn an_unknown_school_is_not_found_before_the_body_is_read() {
    for_each_backend(|app| async move {
        let harton = app.school("harton.demo").await;
        let hsp = app.school("hsp.demo").await;
        let head = app.login(&harton.email("head")).await;
        let partial = json!({ "settings": { "name": "x" }, "change_note": "Partial." });
        // Unknown, and another school's: the same answer, whatever the body.
        for school in [99_999, hsp.id] {
            let base = format!("/api/schools/{school}");
            let refused = app
                .put(&head, &format!("{base}/policy"), partial.clone())
                .await
                .expect_field_error(NOT_FOUND, "id");
            assert_eq!(reason(&refused), "school was not found");
            app.post(
                &head,
                &format!("{base}/policy/adopt-trust"),
                json!({ "change_note": 5 }),
            )
            .await
            .expect_field_error(NOT_FOUND, "id");
            let (status, refused) = app
                .send_raw(
                    &head,
                    axum::http::Method::PUT,
                    &format!("{base}/calendar/terms"),
                    Some("text/calendar"),
                    "not a calendar".to_string(),
                )
                .await;
            assert_eq!(status, NOT_FOUND, "{refused}");
            for read in [
                "policy",
                "policy/drafts",
                "policy/versions",
                "policy/acknowledgements",
            ] {
                app.get(&head, &format!("{base}/{read}"))
                    .await
                    .expect_field_error(NOT_FOUND, "id");
            }
        }
        // The policy page's forms too: not found, not a page of complaints about the boxes.
        let (status, _) = post_form(
            &app,
            &head,
            "/policy/99999/check-ins",
            "interval_minutes=-5&change_note=x".into(),
        )
        .await;
        assert_eq!(status, NOT_FOUND);
        // The school's own address still judges the body.
        app.put(
            &head,
            &format!("/api/schools/{}/policy", harton.id),
            partial,
        )
        .await
        .expect_status(BAD_REQUEST);
    })
    .await;
}

#[tokio::test]
async fn a_date_that_is_not_one_is_asked_for_as_the_date_the_change_takes_effect() {
    for_each_backend(|app| async move {
        let harton = app.school("harton.demo").await;
        let head = app.login(&harton.email("head")).await;
        let chair = app.login(&harton.email("chair")).await;
        let mut settings = settings_json(&app, &head, &harton).await;
        settings["check_in"]["grace_minutes"] = json!(12);
        let draft = put_settings(&app, &head, &harton, &settings)
            .await
            .expect_status(CREATED);
        let id = draft["draft"]["id"].as_i64().expect("draft id");
        let said = "Enter the date the change takes effect, e.g. 2026-12-03";

        let refused = app
            .post(
                &chair,
                &format!("/api/policy-drafts/{id}/approve"),
                json!({ "takes_effect_on": "next week" }),
            )
            .await
            .expect_field_error(BAD_REQUEST, "takes_effect_on");
        assert_eq!(reason(&refused), said);
        let approve = format!("/policy/drafts/{id}/approve");
        let (status, html) =
            post_form(&app, &chair, &approve, "takes_effect_on=next+week".into()).await;
        assert_eq!(status, UNPROCESSABLE);
        assert!(html.contains(said), "{html}");
    })
    .await;
}

#[tokio::test]
async fn a_reason_without_a_name_or_plain_key_a_day_twice_and_too_many_reasons_are_refused() {
    for_each_backend(|app| async move {
        let harton = app.school("harton.demo").await;
        let head = app.login(&harton.email("head")).await;
        let settings = settings_json(&app, &head, &harton).await;
        let drafts = format!("/api/schools/{}/policy/drafts", harton.id);
        let before = app.get(&head, &drafts).await.expect_status(OK);
        let mut cases: Vec<(Value, &str, &str)> = Vec::new();
        for (at, value, field, says) in [
            (
                "label",
                json!(" "),
                "reasons[2].label",
                "give the reason a name",
            ),
            ("key", json!(""), "reasons[2].key", "lower-case letters"),
            (
                "key",
                json!("has space/!"),
                "reasons[2].key",
                "lower-case letters",
            ),
        ] {
            let mut bad = settings.clone();
            bad["reason_categories"][1][at] = value;
            cases.push((bad, field, says));
        }
        let mut twice = settings.clone();
        twice["calendar"]["school_days"] = json!(["Mon", "Mon"]);
        cases.push((twice, "calendar.school_days", "name each day once"));
        let mut many = settings.clone();
        let first = settings["reason_categories"][0].clone();
        many["reason_categories"] = (0..2000)
            .map(|i| {
                let mut r = first.clone();
                r["key"] = json!(format!("reason_{i}"));
                r
            })
            .collect();
        cases.push((many, "reason_categories", "at most 50"));
        for (bad, field, says) in cases {
            let refused = put_settings(&app, &head, &harton, &bad)
                .await
                .expect_field_error(UNPROCESSABLE, &format!("settings.{field}"));
            assert!(reason(&refused).contains(says), "{refused}");
        }
        // Nothing was proposed by any of them.
        assert_eq!(app.get(&head, &drafts).await.expect_status(OK), before);
    })
    .await;
}
