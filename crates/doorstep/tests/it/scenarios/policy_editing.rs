//! #13 item 5, the policy editor a head can use without TOML: every list of choices (who is
//! told, who authorises, which rules only advise) and each alarm's instruction as form
//! controls; help beside every setting in a school's words; TOML and form errors that name the
//! setting; an approval refused for its date shown again with the chair's date kept (tester C5);
//! and a trust policy that copies its settings into a school it lists, also into an adoption
//! approved after the trust changed.

use super::*;
use crate::helpers::DemoSchool;
use axum::http::Method;
use domain::policy::PolicySettings;
use domain::policy::changes::flatten;

const UNPROCESSABLE: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;
const SEE_OTHER: StatusCode = StatusCode::SEE_OTHER;
const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

/// The five preset schools' words, none of which may appear in another school's help.
const SCHOOLS: [&str; 7] = [
    "Harton",
    "REAch2",
    "SEN Trust",
    "Southend",
    "St Joseph",
    "HSP",
    "Kingsdown",
];

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub(super) fn body(pairs: &[(String, String)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    parts.join("&")
}

/// The settings form as the page sends it for `settings`: every control, filled in as stored.
pub(super) fn settings_form(settings: &PolicySettings) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (path, value) in flatten(settings) {
        match value {
            Value::Bool(true) => out.push((path, "on".to_string())),
            Value::Number(n) => out.push((path, n.to_string())),
            Value::String(s) => out.push((path, s)),
            Value::Array(items) if items.iter().all(Value::is_string) => {
                for i in items {
                    out.push((path.clone(), i.as_str().unwrap_or_default().to_string()));
                }
            }
            _ => {}
        }
    }
    out
}

pub(super) fn set(form: &mut Vec<(String, String)>, name: &str, value: &str) {
    form.retain(|(k, _)| k != name);
    form.push((name.to_string(), value.to_string()));
}

pub(super) async fn post_form(
    app: &TestApp,
    who: &Session,
    path: &str,
    form: String,
) -> (StatusCode, String) {
    let (status, page) = app.send_raw(who, Method::POST, path, FORM, form).await;
    (status, page.as_str().unwrap_or_default().to_string())
}

pub(super) async fn page(app: &TestApp, who: &Session, path: &str) -> String {
    let (status, html) = app.get(who, path).await;
    assert_eq!(status, OK, "{path}");
    html.as_str().unwrap_or_default().to_string()
}

pub(super) async fn settings_of(
    app: &TestApp,
    who: &Session,
    school: &DemoSchool,
) -> (i64, PolicySettings) {
    let p = app
        .get(who, &format!("/api/schools/{}/policy", school.id))
        .await
        .expect_status(OK);
    let settings = serde_json::from_value(p["settings"].clone()).expect("policy settings");
    (p["version"].as_i64().unwrap_or_default(), settings)
}

/// The text of every `<p class="hint" …>` on a page.
fn hints(html: &str) -> Vec<String> {
    html.split("<p class=\"hint\"")
        .skip(1)
        .filter_map(|rest| {
            let text = rest.split_once('>')?.1;
            Some(text.split("</p>").next()?.to_string())
        })
        .collect()
}

#[tokio::test]
async fn every_setting_has_help_in_the_schools_own_words_and_lists_are_tick_boxes() {
    for_each_backend(|app| async move {
        for domain in [
            "harton.demo",
            "stjosephs.demo",
            "reach2.demo",
            "hsp.demo",
            "kingsdown.demo",
        ] {
            let school = app.school(domain).await;
            let head = app.login(&school.email("head")).await;
            let html = page(&app, &head, &format!("/policy?school_id={}", school.id)).await;
            let all = hints(&html);
            assert!(all.len() > 50, "{domain}: {} hints", all.len());
            for h in &all {
                assert!(!h.starts_with("Setting "), "{domain}: bare help {h:?}");
                assert!(!h.trim().is_empty(), "{domain}: empty help");
                for name in SCHOOLS {
                    assert!(!h.contains(name), "{domain}: help names {name}: {h:?}");
                }
            }
            assert!(!html.contains("member(s)"), "{domain}: member(s)");
            for control in [
                "name=\"safety_responders\"",
                "name=\"advisory_rules\"",
                "name=\"authorisation.roles\"",
                "name=\"risk_assessment.sign_off_roles\"",
                "name=\"alarm_instructions.panic\"",
                "name=\"alarm_instructions.slip_deadline_passed\"",
            ] {
                assert!(html.contains(control), "{domain}: no {control}");
            }
        }
    })
    .await;
}

#[tokio::test]
async fn a_head_changes_who_is_told_an_advisory_rule_and_an_alarm_instruction_on_the_form() {
    for_each_backend(|app| async move {
        let harton = app.school("harton.demo").await;
        let head = app.login(&harton.email("head")).await;
        let (version, settings) = settings_of(&app, &head, &harton).await;
        let path = format!("/policy/{}/form", harton.id);
        let mut form = settings_form(&settings);

        // A word for a number, and an overlong title, are named on their settings.
        set(&mut form, "check_in.interval_minutes", "thirty");
        let (status, html) = post_form(&app, &head, &path, body(&form)).await;
        assert_eq!(status, UNPROCESSABLE);
        assert!(
            html.contains("Check-in interval: enter a whole number"),
            "{html}"
        );
        set(&mut form, "check_in.interval_minutes", "30");
        set(&mut form, "name", &"A".repeat(200));
        let (status, html) = post_form(&app, &head, &path, body(&form)).await;
        assert_eq!(status, UNPROCESSABLE);
        assert!(
            html.contains("Policy title: is 200 characters long"),
            "{html}"
        );
        set(&mut form, "name", &settings.name);

        // Nobody ticked to authorise is refused naming that list.
        let without: Vec<_> = form
            .iter()
            .filter(|(k, _)| k != "authorisation.roles")
            .cloned()
            .collect();
        let (status, html) = post_form(&app, &head, &path, body(&without)).await;
        assert_eq!(status, UNPROCESSABLE);
        assert!(
            html.contains("Who authorises a visit: name at least one role"),
            "{html}"
        );

        form.push(("safety_responders".into(), "headteacher".into()));
        form.push((
            "advisory_rules".into(),
            "staffing.first_visit_minimum".into(),
        ));
        let (status, html) = post_form(&app, &head, &path, body(&form)).await;
        assert_eq!(status, UNPROCESSABLE, "not an advisable rule");
        assert!(html.contains("cannot be advisory"), "{html}");
        form.pop();
        form.push(("advisory_rules".into(), "staffing.minimum".into()));
        set(
            &mut form,
            "alarm_instructions.panic",
            "Ring 999, then the headteacher.",
        );
        set(&mut form, "change_note", "Governors' review.");
        let (status, _) = post_form(&app, &head, &path, body(&form)).await;
        assert_eq!(status, SEE_OTHER);

        let drafts = app
            .get(&head, &format!("/api/schools/{}/policy/drafts", harton.id))
            .await
            .expect_status(OK);
        let words: Vec<&str> = drafts[0]["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .filter_map(|c| c["words"].as_str())
            .collect();
        assert!(
            words.contains(&"Rules that advise rather than require: none → staffing.minimum"),
            "{words:?}"
        );
        assert!(
            words
                .iter()
                .any(|w| w.starts_with("Told by every repeat of the top rung:")
                    && w.ends_with("headteacher")),
            "{words:?}"
        );
        assert!(
            words
                .iter()
                .any(|w| w.contains("Ring 999, then the headteacher.")),
            "{words:?}"
        );
        assert_eq!(words.len(), 3, "nothing else changed: {words:?}");
        let (still, _) = settings_of(&app, &head, &harton).await;
        assert_eq!(still, version, "a draft is not in force");
    })
    .await;
}

#[tokio::test]
async fn a_toml_import_and_an_overlong_title_are_refused_naming_the_setting() {
    for_each_backend(|app| async move {
        let harton = app.school("harton.demo").await;
        let head = app.login(&harton.email("head")).await;
        let (_, settings) = settings_of(&app, &head, &harton).await;
        let toml = domain::policy::presets::to_toml(&settings);
        let path = format!("/policy/{}/settings", harton.id);
        let bad: Vec<String> = toml
            .lines()
            .map(|l| {
                if l.starts_with("interval_minutes = ") {
                    "interval_minutes = \"thirty\"".to_string()
                } else {
                    l.to_string()
                }
            })
            .collect();
        let bad = bad.join("\n");
        assert!(bad.contains("\"thirty\""), "{toml}");
        let form = vec![("toml".to_string(), bad)];
        let (status, html) = post_form(&app, &head, &path, body(&form)).await;
        assert_eq!(status, UNPROCESSABLE, "{html}");
        assert!(
            html.contains(
                "check_in.interval_minutes: enter a whole number between 1 and 1440 minutes"
            ),
            "{html}"
        );
        let form = vec![("toml".to_string(), format!("= 1\n{toml}"))];
        let (status, html) = post_form(&app, &head, &path, body(&form)).await;
        assert_eq!(status, UNPROCESSABLE, "{html}");
        assert!(
            html.contains("line 1: a setting&#39;s name is missing"),
            "{html}"
        );

        // C6: the JSON API refuses a 200,000-character title, naming it.
        let mut json_settings = serde_json::to_value(&settings).expect("settings");
        json_settings["name"] = json!("x".repeat(200_000));
        let refused = app
            .put(
                &head,
                &format!("/api/schools/{}/policy", harton.id),
                json!({ "settings": json_settings, "change_note": "Long title." }),
            )
            .await;
        assert_eq!(refused.0, UNPROCESSABLE, "{}", refused.1);
        assert!(
            refused.1["field"]
                .as_str()
                .unwrap_or_default()
                .ends_with("name"),
            "{}",
            refused.1
        );
    })
    .await;
}

#[tokio::test]
async fn an_approval_dated_in_the_past_shows_the_form_again_with_the_chairs_date() {
    for_each_backend(|app| async move {
        let harton = app.school("harton.demo").await;
        let head = app.login(&harton.email("head")).await;
        let chair = app.login(&harton.email("chair")).await;
        let path = format!("/api/schools/{}/policy", harton.id);
        let mut policy = app.get(&head, &path).await.expect_status(OK);
        policy["settings"]["check_in"]["grace_minutes"] = json!(12);
        let draft = app
            .put(
                &head,
                &path,
                json!({ "settings": policy["settings"], "change_note": "Grace." }),
            )
            .await
            .expect_status(CREATED);
        let id = draft["draft"]["id"].as_i64().expect("draft id");
        let approve = format!("/policy/drafts/{id}/approve");

        let (status, html) =
            post_form(&app, &chair, &approve, "takes_effect_on=2020-01-01".into()).await;
        assert_eq!(status, UNPROCESSABLE);
        assert!(
            html.contains(
                "Takes effect on: a change cannot take effect before the day it is approved"
            ),
            "{html}"
        );
        assert!(
            html.contains("value=\"2020-01-01\""),
            "the chair's date is kept"
        );
        assert!(
            html.contains(&format!("id=\"drafts-{id}-takes_effect_on-error\"")),
            "next to the date"
        );
        assert!(
            html.contains("Approve this change"),
            "the form is there to try again"
        );

        let (status, html) = post_form(&app, &chair, &approve, "takes_effect_on=soon".into()).await;
        assert_eq!(status, UNPROCESSABLE);
        assert!(
            html.contains("Enter the date the change takes effect, e.g. 2026-12-03"),
            "{html}"
        );

        app.post(
            &chair,
            &format!("/api/policy-drafts/{id}/approve"),
            json!({ "takes_effect_on": "2020-01-01" }),
        )
        .await
        .expect_field_error(UNPROCESSABLE, "takes_effect_on");
        let (status, _) = post_form(&app, &chair, &approve, String::new()).await;
        assert_eq!(status, SEE_OTHER, "approved from today");
    })
    .await;
}

#[tokio::test]
async fn listing_a_school_on_the_trust_policy_copies_the_trusts_settings_into_it() {
    for_each_backend(|app| async move {
        let kingsdown = app.school("kingsdown.demo").await;
        let reach2 = app.school("reach2.demo").await;
        let admin = app.login(TRUST_ADMIN).await;
        let head = app.login(&reach2.email("head")).await;
        let (_, trusts) = settings_of(&app, &admin, &kingsdown).await;
        let (before, ours) = settings_of(&app, &head, &reach2).await;
        assert_ne!(ours.name, trusts.name);
        let trust = json!({
            "schools": [kingsdown.id, reach2.id],
            "school_may_change": ["check_in.grace_minutes"],
        });
        app.put(&admin, "/api/trust/policy", trust.clone())
            .await
            .expect_status(OK);
        let p = app
            .get(&head, &format!("/api/schools/{}/policy", reach2.id))
            .await
            .expect_status(OK);
        let now: PolicySettings = serde_json::from_value(p["settings"].clone()).expect("settings");
        assert_eq!(p["version"].as_i64(), Some(before + 1));
        assert!(
            p["approved_by"]
                .as_str()
                .unwrap_or_default()
                .ends_with("for the trust board"),
            "{p}"
        );
        assert_eq!(now.name, trusts.name, "the trust's settings");
        assert_eq!(now.escalation, trusts.escalation);
        assert_eq!(
            now.check_in.grace_minutes, ours.check_in.grace_minutes,
            "its own grace kept"
        );
        assert_eq!(now.calendar, ours.calendar, "its own calendar kept");
        // Listing it again copies nothing more.
        app.put(&admin, "/api/trust/policy", trust)
            .await
            .expect_status(OK);
        let (again, _) = settings_of(&app, &head, &reach2).await;
        assert_eq!(again, before + 1);
    })
    .await;
}

#[tokio::test]
async fn an_adoption_approved_after_a_trust_change_takes_the_trusts_latest_settings() {
    for_each_backend(|app| async move {
        let kingsdown = app.school("kingsdown.demo").await;
        let reach2 = app.school("reach2.demo").await;
        let admin = app.login(TRUST_ADMIN).await;
        let head = app.login(&reach2.email("head")).await;
        let trust = json!({ "schools": [kingsdown.id], "school_may_change": [] });
        app.put(&admin, "/api/trust/policy", trust)
            .await
            .expect_status(OK);
        let adoption = app
            .post(
                &head,
                &format!("/api/schools/{}/policy/adopt-trust", reach2.id),
                json!({}),
            )
            .await
            .expect_status(CREATED);

        // The trust changes its interval after REAch2 drafted the adoption.
        let path = format!("/api/schools/{}/policy", kingsdown.id);
        let mut policy = app.get(&admin, &path).await.expect_status(OK);
        let was = policy["settings"]["check_in"]["interval_minutes"]
            .as_i64()
            .unwrap_or(30);
        let changed = if was == 20 { 25 } else { 20 };
        policy["settings"]["check_in"]["interval_minutes"] = json!(changed);
        let draft = app
            .put(
                &admin,
                &path,
                json!({ "settings": policy["settings"], "change_note": "Trust board." }),
            )
            .await
            .expect_status(CREATED);
        app.post(
            &admin,
            &format!("/api/policy-drafts/{}/approve", draft["draft"]["id"]),
            json!({}),
        )
        .await
        .expect_status(OK);

        app.post(
            &admin,
            &format!("/api/policy-drafts/{}/approve", adoption["draft"]["id"]),
            json!({}),
        )
        .await
        .expect_status(OK);
        let (_, now) = settings_of(&app, &head, &reach2).await;
        assert_eq!(
            now.check_in.interval_minutes, changed as u32,
            "the trust's latest interval"
        );
    })
    .await;
}
