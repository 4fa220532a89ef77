//! #13 "role lists wherever a policy names a role": who may be the buddy at school (P5,
//! `buddy.roles`). A school whose policy says "a member of SLT or the office" ticks those roles;
//! a visit whose buddy holds none of them is refused naming the rule, the plan form offers only
//! those staff as buddy, and a head can tick the roles on and untick them all again (anyone at
//! school, as every preset has it).

use super::hand_over::new_staff;
use super::policy_editing::{body, page, post_form, settings_form, settings_of};
use super::vocabulary::change_policy;
use super::*;

/// The names offered in the plan form's buddy list, as `who` sees the new-visit page.
async fn buddy_choices(app: &TestApp, who: &Session, school: i64) -> String {
    let html = page(app, who, &format!("/visits/new?school_id={school}")).await;
    let after = html
        .split_once("name=\"buddy_staff_id\"")
        .map_or("", |(_, rest)| rest);
    after
        .split("</select>")
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Every change in words of every draft of the school's policy.
async fn draft_words(app: &TestApp, head: &Session, school: i64) -> Vec<String> {
    let drafts = app
        .get(head, &format!("/api/schools/{school}/policy/drafts"))
        .await
        .expect_status(OK);
    drafts
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|d| d["changes"].as_array().cloned().unwrap_or_default())
        .filter_map(|c| c["words"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn a_buddy_without_a_role_the_policy_names_is_refused_and_not_offered() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let senior = app.login(&school.email("senior")).await;
        let head = app.login(&school.email("head")).await;
        let tess = new_staff(&app, &head, "Tess Assistant", Some("07700900777")).await;
        // As the preset has it, any member of staff at school may be the buddy.
        let before = buddy_choices(&app, &teacher, school.id).await;
        assert!(before.contains("Tess Assistant"), "{before}");

        change_policy(&app, "harton.demo", |s| {
            s["buddy"]["roles"] = json!(["office", "senior_leader"]);
        })
        .await;
        let assessment = app
            .assess_risk(&senior, school.smith, "medium", "low")
            .await;
        app.sign_off(&senior, assessment).await.expect_status(OK);

        // A teaching assistant as buddy: the draft is kept, the request names the rule.
        let visit = app
            .planned_visit(
                &teacher,
                "harton.demo",
                json!({ "buddy_staff_id": tess.id }),
            )
            .await;
        let why = app
            .request(&teacher, visit)
            .await
            .expect_refused("P5", "buddy.roles");
        assert_eq!(
            why,
            "Only office staff or a senior leader may be the buddy at school; Tess Assistant is not: choose another buddy."
        );

        // The office as buddy: requested.
        let visit = app.planned_visit(&teacher, "harton.demo", json!({})).await;
        let body = app.request(&teacher, visit).await.expect_status(OK);
        assert_eq!(body["visit"]["status"], "requested", "{body}");

        // The plan form offers only the office and senior leaders as buddy.
        let offered = buddy_choices(&app, &teacher, school.id).await;
        for name in ["Olive Office", "Sam Senior", "Dev Safeguarding"] {
            assert!(offered.contains(name), "{name} is offered: {offered}");
        }
        for name in ["Tess Assistant", "Lina Liaison", "Tom Teacher", "Helen Head"] {
            assert!(!offered.contains(name), "{name} is not offered: {offered}");
        }
        let rules = page(&app, &teacher, &format!("/visits/new?school_id={}", school.id)).await;
        assert!(
            rules.contains("The buddy is office staff or a senior leader."),
            "the rule is beside the form"
        );
    })
    .await;
}

#[tokio::test]
async fn a_head_ticks_who_may_be_the_buddy_and_unticks_them_all_again() {
    for_each_backend(|app| async move {
        let harton = app.school("harton.demo").await;
        let head = app.login(&harton.email("head")).await;
        let html = page(&app, &head, &format!("/policy?school_id={}", harton.id)).await;
        assert!(html.contains("name=\"buddy.roles\""), "tick boxes shown");
        assert!(html.contains("Who may be the buddy at school"), "labelled");
        let (_, settings) = settings_of(&app, &head, &harton).await;
        let path = format!("/policy/{}/form", harton.id);

        // A role not based at school cannot be ticked in by hand.
        let mut form = settings_form(&settings);
        form.push(("buddy.roles".into(), "chair_of_governors".into()));
        form.push(("change_note".into(), "Buddy roles.".into()));
        let (status, html) = post_form(&app, &head, &path, body(&form)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains(
                "Who may be the buddy at school: the chair of governors is not based at school"
            ),
            "{html}"
        );

        // None set: the head ticks the office and senior leaders on.
        form.retain(|(k, _)| k != "buddy.roles");
        form.push(("buddy.roles".into(), "office".into()));
        form.push(("buddy.roles".into(), "senior_leader".into()));
        let (status, _) = post_form(&app, &head, &path, body(&form)).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let words = draft_words(&app, &head, harton.id).await;
        let on =
            "Who may be the buddy at school: any member of staff at school → office, senior leader";
        assert!(words.iter().any(|w| w == on), "{words:?}");

        // In force, then every role unticked: anyone at school again.
        change_policy(&app, "harton.demo", |s| {
            s["buddy"]["roles"] = json!(["office", "senior_leader"]);
        })
        .await;
        let (_, settings) = settings_of(&app, &head, &harton).await;
        let mut form = settings_form(&settings);
        assert!(
            form.iter()
                .any(|(k, v)| k == "buddy.roles" && v == "office")
        );
        form.retain(|(k, _)| k != "buddy.roles");
        form.push(("change_note".into(), "Anyone at school.".into()));
        let (status, _) = post_form(&app, &head, &path, body(&form)).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let words = draft_words(&app, &head, harton.id).await;
        let off =
            "Who may be the buddy at school: office, senior leader → any member of staff at school";
        assert!(words.iter().any(|w| w == off), "{words:?}");
    })
    .await;
}
