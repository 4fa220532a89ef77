//! A head's mistakes on the policy form, as a tester made them (#13 item 5): every problem shown
//! at once beside its box, in a school's words; the boxes keep what was typed, emptied ones
//! included, and so does "Why the change"; times read as typed ("17:30"); settings with a fixed
//! set of answers are choices.

use super::policy_editing::{body, page, post_form, set, settings_form, settings_of};
use super::*;

const REFUSED: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

#[tokio::test]
async fn every_mistake_on_the_settings_form_is_shown_at_once_and_what_was_typed_is_kept() {
    for_each_backend(|app| async move {
        let harton = app.school("harton.demo").await;
        let head = app.login(&harton.email("head")).await;
        let (_, settings) = settings_of(&app, &head, &harton).await;
        let path = format!("/policy/{}/form", harton.id);

        let mut form = settings_form(&settings);
        set(&mut form, "name", "");
        set(&mut form, "approver", "");
        set(&mut form, "timezone", "Mars/Olympus");
        set(&mut form, "check_in.interval_minutes", "0");
        set(&mut form, "review_every_months", "");
        set(&mut form, "change_note", "Governors' review, take two.");
        let (status, html) = post_form(&app, &head, &path, body(&form)).await;
        assert_eq!(status, REFUSED, "{html}");
        for shown in [
            "Review every: enter a whole number",
            "Policy title: must not be empty",
            "Approved by: must not be empty",
            "Mars/Olympus",
            "Check-in interval: must be between 1 and 1440 minutes",
        ] {
            assert!(html.contains(shown), "{shown} in {html}");
        }
        assert!(
            html.contains(
                "id=\"change_note\" name=\"change_note\" value=\"Governors&#39; review, take two.\""
            ),
            "the change note is kept: {html}"
        );
        assert!(
            html.contains("id=\"name\" name=\"name\" value=\"\""),
            "the emptied title stays empty: {html}"
        );
        assert!(
            html.contains("id=\"timezone\" name=\"timezone\" value=\"Mars/Olympus\""),
            "{html}"
        );

        // No change note: said beside the box too.
        let mut form = settings_form(&settings);
        set(&mut form, "check_in.grace_minutes", "7");
        let (status, html) = post_form(&app, &head, &path, body(&form)).await;
        assert_eq!(status, REFUSED, "{html}");
        assert!(html.contains("id=\"change_note-error\""), "{html}");

        // Nothing changed: said as a head would.
        let mut form = settings_form(&settings);
        set(&mut form, "change_note", "No change.");
        let (status, html) = post_form(&app, &head, &path, body(&form)).await;
        assert_eq!(status, REFUSED, "{html}");
        assert!(html.contains("Nothing has changed from version"), "{html}");
        assert!(html.contains("change a setting before saving"), "{html}");

        // A 5,000-character slip is refused in the title's words.
        let mut form = settings_form(&settings);
        set(&mut form, "slip.wording", &"x".repeat(5000));
        set(&mut form, "change_note", "Long slip.");
        let (status, html) = post_form(&app, &head, &path, body(&form)).await;
        assert_eq!(status, REFUSED, "{html}");
        assert!(
            html.contains("is 5000 characters long; the slip&#39;s wording has at most 1000"),
            "{html}"
        );
    })
    .await;
}

#[tokio::test]
async fn fixed_answers_are_choices_and_a_toml_change_note_is_kept() {
    for_each_backend(|app| async move {
        let harton = app.school("harton.demo").await;
        let head = app.login(&harton.email("head")).await;
        let html = page(&app, &head, "/policy").await;
        for name in [
            "buddy.code_word",
            "risk_assessment.required_for",
            "incident_report.due_to",
        ] {
            assert!(
                html.contains(&format!(
                    "<select id=\"{}\" name=\"{name}\"",
                    name.replace('.', "-")
                )),
                "{name} is a choice"
            );
        }
        assert!(html.contains("When paired: a code word when two or more go together"));

        let (_, settings) = settings_of(&app, &head, &harton).await;
        let toml: Vec<String> = domain::policy::presets::to_toml(&settings)
            .lines()
            .map(|l| match l.starts_with("approver = ") {
                true => "approver = \"\"".to_string(),
                false => l.to_string(),
            })
            .collect();
        let toml = toml.join("\n");
        let form = vec![
            ("toml".to_string(), toml),
            (
                "change_note".to_string(),
                "From the trust's template.".to_string(),
            ),
        ];
        let path = format!("/policy/{}/settings", harton.id);
        let (status, html) = post_form(&app, &head, &path, body(&form)).await;
        assert_eq!(status, REFUSED, "{html}");
        assert!(html.contains("approver: must not be empty"), "{html}");
        assert!(
            html.contains("value=\"From the trust&#39;s template.\""),
            "the change note is kept: {html}"
        );
    })
    .await;
}
