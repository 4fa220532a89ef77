//! #13 item 5: the parts of a policy a school may have or leave out (the evening rule, a fixed
//! reply-by time on the slip, the child-missing path, working hours) switched on and off on the
//! editor's form, with a time typed as a school would and refused in words when it is not one.

use super::policy_editing::{body, page, post_form, set, settings_form, settings_of};
use super::*;
use domain::policy::PolicySettings;
use domain::policy::changes::OPTIONAL_SECTIONS;

const FORM_REFUSED: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

/// The form as the page sends it: every setting, each optional part offered, ticked when on.
fn form_of(settings: &PolicySettings) -> Vec<(String, String)> {
    let mut form = settings_form(settings);
    for s in OPTIONAL_SECTIONS {
        form.push(("offered".into(), s.path.into()));
        if settings.has_section(s.path) {
            form.push((format!("use.{}", s.path), "on".into()));
        }
    }
    form.push(("change_note".into(), "Governors' review.".into()));
    form
}

async fn newest_draft_words(app: &TestApp, head: &Session, school: i64) -> (i64, Vec<String>) {
    let drafts = app
        .get(head, &format!("/api/schools/{school}/policy/drafts"))
        .await
        .expect_status(OK);
    let newest = drafts
        .as_array()
        .and_then(|d| d.iter().max_by_key(|d| d["draft"]["id"].as_i64()))
        .cloned()
        .expect("a draft");
    let words = newest["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["words"].as_str().map(str::to_string))
        .collect();
    (newest["draft"]["id"].as_i64().expect("draft id"), words)
}

#[tokio::test]
async fn a_head_switches_on_an_evening_rule_and_a_reply_by_time_on_the_form_and_off_again() {
    for_each_backend(|app| async move {
        let harton = app.school("harton.demo").await;
        let head = app.login(&harton.email("head")).await;
        let chair = app.login(&harton.email("chair")).await;
        let (_, settings) = settings_of(&app, &head, &harton).await;
        assert_eq!(
            settings.staffing.evening, None,
            "Harton has no evening rule"
        );
        assert_eq!(settings.slip.respond_by_time, None);

        let html = page(&app, &head, "/policy").await;
        for s in OPTIONAL_SECTIONS {
            assert!(
                html.contains(&format!("name=\"use.{}\"", s.path)),
                "a tick box for {}",
                s.path
            );
        }
        assert!(
            html.contains("name=\"staffing.evening.starts\" value=\"18:00\""),
            "the evening rule's starting time is there to change"
        );

        let path = format!("/policy/{}/form", harton.id);
        let mut form = form_of(&settings);
        form.push(("use.staffing.evening".into(), "on".into()));
        form.push(("use.slip.respond_by_time".into(), "on".into()));
        set(&mut form, "staffing.evening.starts", "half six");
        set(
            &mut form,
            "staffing.evening.lone_needs_backup_at_school",
            "on",
        );
        set(&mut form, "slip.respond_by_time", "11:00");
        let (status, html) = post_form(&app, &head, &path, body(&form)).await;
        assert_eq!(status, FORM_REFUSED);
        assert!(
            html.contains(
                "Staffing: evening starts: enter it as a time on the school clock, e.g. 17:30"
            ),
            "{html}"
        );
        assert!(
            html.contains("name=\"use.staffing.evening\" value=\"on\" checked"),
            "the tick is kept on the refused form"
        );

        set(&mut form, "staffing.evening.starts", "17:30");
        let (status, html) = post_form(&app, &head, &path, body(&form)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
        let (draft, words) = newest_draft_words(&app, &head, harton.id).await;
        assert!(
            words
                .iter()
                .any(|w| w.contains("evening") && w.contains("none → 17:30")),
            "{words:?}"
        );
        assert!(
            words
                .iter()
                .any(|w| w.contains("reply-by time") && w.contains("none → 11:00")),
            "{words:?}"
        );
        assert_eq!(words.len(), 3, "nothing else changed: {words:?}");

        app.post(
            &chair,
            &format!("/api/policy-drafts/{draft}/approve"),
            json!({}),
        )
        .await
        .expect_status(OK);
        let (_, now) = settings_of(&app, &head, &harton).await;
        let evening = now.staffing.evening.clone().expect("evening rule in force");
        assert_eq!(evening.starts.format("%H:%M").to_string(), "17:30");
        assert!(evening.lone_needs_backup_at_school);
        assert_eq!(
            now.slip
                .respond_by_time
                .map(|t| t.format("%H:%M").to_string()),
            Some("11:00".to_string())
        );

        // Unticked, the rule goes, whatever its boxes still say.
        let mut form = form_of(&now);
        form.retain(|(k, _)| k != "use.staffing.evening");
        let (status, _) = post_form(&app, &head, &path, body(&form)).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, words) = newest_draft_words(&app, &head, harton.id).await;
        assert!(
            words
                .iter()
                .any(|w| w.contains("evening") && w.contains("17:30 → none")),
            "{words:?}"
        );
        assert!(
            words.iter().all(|w| w.contains("evening")),
            "only the evening rule changed: {words:?}"
        );
    })
    .await;
}
