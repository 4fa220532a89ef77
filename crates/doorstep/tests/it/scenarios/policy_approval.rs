//! #13 items 2–4 (G1–G3), from the policies' own words: "the policy will be approved by the
//! Trust Board" (SEN Trust Southend), one policy "adopted by all schools" of a trust, staff who
//! acknowledge the policy, and a review every three years.

use super::*;
use crate::helpers::DemoSchool;

const UNPROCESSABLE: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

fn policy_path(school: &DemoSchool) -> String {
    format!("/api/schools/{}/policy", school.id)
}

/// The head proposes `change` to the current settings; the draft's answer.
async fn propose(
    app: &TestApp,
    head: &Session,
    school: &DemoSchool,
    change: impl FnOnce(&mut Value),
) -> (StatusCode, Value) {
    let path = policy_path(school);
    let mut policy = app.get(head, &path).await.expect_status(OK);
    change(&mut policy["settings"]);
    let body =
        json!({ "settings": policy["settings"], "change_note": "Agreed at the staff meeting." });
    app.put(head, &path, body).await
}

async fn approve(app: &TestApp, who: &Session, draft: &Value, body: Value) -> (StatusCode, Value) {
    let path = format!("/api/policy-drafts/{}/approve", draft["draft"]["id"]);
    app.post(who, &path, body).await
}

#[tokio::test]
async fn a_heads_change_to_a_setting_the_trust_sets_is_refused_and_an_allowed_one_waits_for_the_trust_board()
 {
    for_each_backend(|app| async move {
        let kingsdown = app.school("kingsdown.demo").await;
        let reach2 = app.school("reach2.demo").await;
        let admin = app.login(TRUST_ADMIN).await;
        let head = app.login(&kingsdown.email("head")).await;
        let adopted = json!({
            "schools": [kingsdown.id, reach2.id],
            "school_may_change": ["check_in.grace_minutes"],
        });
        app.put(&head, "/api/trust/policy", adopted.clone())
            .await
            .expect_status(FORBIDDEN);
        let bad = json!({ "schools": [kingsdown.id], "school_may_change": ["check_in.nonsense"] });
        app.put(&admin, "/api/trust/policy", bad)
            .await
            .expect_field_error(UNPROCESSABLE, "school_may_change");
        app.put(&admin, "/api/trust/policy", adopted)
            .await
            .expect_status(OK);

        let refused = propose(&app, &head, &kingsdown, |s| {
            s["buddy"]["required"] = json!(s["buddy"]["required"] != json!(true))
        })
        .await
        .expect_field_error(UNPROCESSABLE, "settings.buddy.required");
        let reason = refused["reason"].as_str().unwrap_or_default();
        assert!(reason.contains("set by the trust"), "{reason}");
        assert!(reason.contains("Grace before the alarm"), "{reason}");

        let draft = propose(&app, &head, &kingsdown, |s| {
            s["check_in"]["grace_minutes"] = json!(25)
        })
        .await
        .expect_status(CREATED);
        assert_eq!(draft["approving_body"], "trust_board");
        assert_eq!(draft["changes"][0]["path"], "check_in.grace_minutes");
        // A draft is not in force: the school still runs version 1.
        let policy = app
            .get(&head, &policy_path(&kingsdown))
            .await
            .expect_status(OK);
        assert_eq!(policy["version"], 1);
        assert_ne!(policy["settings"]["check_in"]["grace_minutes"], 25);
        approve(&app, &head, &draft, json!({}))
            .await
            .expect_status(FORBIDDEN);
        approve(&app, &admin, &draft, json!({}))
            .await
            .expect_status(OK);
        let policy = app
            .get(&head, &policy_path(&kingsdown))
            .await
            .expect_status(OK);
        assert_eq!(policy["version"], 2);
        assert_eq!(policy["settings"]["check_in"]["grace_minutes"], 25);

        // The trust's own change reaches both schools; REAch2 keeps its own grace minutes.
        let reach2_head = app.login(&reach2.email("head")).await;
        let reach2_grace = app
            .get(&reach2_head, &policy_path(&reach2))
            .await
            .expect_status(OK)["settings"]["check_in"]["grace_minutes"]
            .clone();
        let trust_draft = propose(&app, &admin, &kingsdown, |s| {
            s["check_in"]["interval_minutes"] = json!(20)
        })
        .await
        .expect_status(CREATED);
        assert_eq!(trust_draft["draft"]["for_trust"], true);
        approve(&app, &admin, &trust_draft, json!({}))
            .await
            .expect_status(OK);
        let theirs = app
            .get(&reach2_head, &policy_path(&reach2))
            .await
            .expect_status(OK);
        assert_eq!(theirs["settings"]["check_in"]["interval_minutes"], 20);
        assert_eq!(
            theirs["settings"]["check_in"]["grace_minutes"],
            reach2_grace
        );
    })
    .await;
}

#[tokio::test]
async fn an_approved_change_shows_its_real_approver_and_is_in_force_only_from_its_day() {
    for_each_backend(|app| async move {
        let harton = app.school("harton.demo").await;
        let head = app.login(&harton.email("head")).await;
        let chair = app.login(&harton.email("chair")).await;
        let before = app
            .get(&head, &policy_path(&harton))
            .await
            .expect_status(OK);
        let old = before["settings"]["check_in"]["interval_minutes"]
            .as_i64()
            .unwrap_or_default();
        let draft = propose(&app, &head, &harton, |s| {
            s["check_in"]["interval_minutes"] = json!(old + 10)
        })
        .await
        .expect_status(CREATED);
        let words = format!("Check-in interval: {old} → {} minutes", old + 10);
        assert_eq!(draft["changes"][0]["words"], words.as_str());
        assert_eq!(draft["approved_by_role"], "chair_of_governors");

        approve(&app, &head, &draft, json!({}))
            .await
            .expect_status(FORBIDDEN);
        let yesterday = (today() - Duration::days(1)).to_string();
        approve(
            &app,
            &chair,
            &draft,
            json!({ "takes_effect_on": yesterday }),
        )
        .await
        .expect_field_error(UNPROCESSABLE, "takes_effect_on");
        let from = today() + Duration::days(2);
        let approved = approve(&app, &chair, &draft, json!({ "takes_effect_on": from }))
            .await
            .expect_status(OK);
        assert_eq!(approved["draft"]["approved_by"], chair.id);
        approve(&app, &chair, &draft, json!({}))
            .await
            .expect_status(StatusCode::CONFLICT);

        // Not in force before its day, even when the monitor runs.
        let monitor_day = |days: i64| app.now() + Duration::days(days);
        app::school_admin::bring_policies_into_force(&app.db, monitor_day(1))
            .await
            .expect("monitor step");
        let policy = app
            .get(&head, &policy_path(&harton))
            .await
            .expect_status(OK);
        assert_eq!(policy["version"], 1);
        let n = app::school_admin::bring_policies_into_force(&app.db, monitor_day(2))
            .await
            .expect("monitor step");
        assert_eq!(n, 1);
        let policy = app
            .get(&head, &policy_path(&harton))
            .await
            .expect_status(OK);
        assert_eq!(policy["version"], 2);
        assert_eq!(policy["settings"]["check_in"]["interval_minutes"], old + 10);
        let approver = policy["approved_by"].as_str().unwrap_or_default();
        assert!(approver.starts_with("Chris Chair for "), "{approver}");
        assert_eq!(policy["approver_staff_id"], chair.id);
        assert_eq!(policy["takes_effect_on"], from.to_string());
        assert_eq!(policy["approved_on"], today().to_string());
        let changes = app
            .get(
                &head,
                &format!("{}/versions/2/changes", policy_path(&harton)),
            )
            .await
            .expect_status(OK);
        assert_eq!(changes[0]["words"], words.as_str());
    })
    .await;
}

#[tokio::test]
async fn sign_out_waits_until_every_visitor_has_read_the_current_policy() {
    for_each_backend(|app| async move {
        let reach2 = app.school("reach2.demo").await;
        let head = app.login(&reach2.email("head")).await;
        let senior = app.login(&reach2.email("senior")).await;
        let teacher = app.login(&reach2.email("teacher")).await;
        let liaison = app.login(&reach2.email("liaison")).await;
        let admin = app.login(TRUST_ADMIN).await;
        let draft = propose(&app, &head, &reach2, |s| {
            s["acknowledgement"]["before_sign_out"] = json!(true)
        })
        .await
        .expect_status(CREATED);
        approve(&app, &admin, &draft, json!({}))
            .await
            .expect_status(OK);

        let assessment = app
            .assess_risk(&senior, reach2.smith, "medium", "low")
            .await;
        app.sign_off(&senior, assessment).await.expect_status(OK);
        let visit = app.planned_visit(&teacher, "reach2.demo", json!({})).await;
        app.request(&teacher, visit).await.expect_status(OK);
        app.authorise(&head, visit, json!({}))
            .await
            .expect_status(OK);

        let why = app
            .step(&teacher, visit, "sign-out")
            .await
            .expect_refused("G2", "acknowledgement.before_sign_out");
        assert!(why.contains("confirmed reading"), "{why}");
        let read = format!("{}/acknowledge", policy_path(&reach2));
        let status = format!("{}/acknowledgements", policy_path(&reach2));
        app.get(&teacher, &status).await.expect_status(FORBIDDEN);
        let before = app.get(&head, &status).await.expect_status(OK);
        let names = before["not_yet"].to_string();
        assert!(
            names.contains("Tom Teacher") && names.contains("Lina Liaison"),
            "{names}"
        );

        let read_version = app.post(&teacher, &read, json!({})).await.expect_status(OK);
        assert_eq!(read_version["version"], 2);
        // The liaison officer goes too, and has not read it yet.
        app.step(&teacher, visit, "sign-out")
            .await
            .expect_refused("G2", "acknowledgement.before_sign_out");
        app.post(&liaison, &read, json!({})).await.expect_status(OK);
        app.step(&teacher, visit, "sign-out")
            .await
            .expect_status(OK);

        let after = app.get(&head, &status).await.expect_status(OK);
        assert_eq!(
            after["acknowledged"].as_i64().unwrap_or_default(),
            before["acknowledged"].as_i64().unwrap_or_default() + 2
        );
        let counts = app::reports::policy_acknowledgements(&app.db, domain::SchoolId(reach2.id))
            .await
            .expect("counts");
        assert_eq!(
            counts.acknowledged as i64,
            after["acknowledged"].as_i64().unwrap_or(-1)
        );
    })
    .await;
}

#[tokio::test]
async fn the_head_is_reminded_of_the_review_a_month_before_it_and_only_once() {
    for_each_backend(|app| async move {
        let harton = app.school("harton.demo").await;
        let head = app.login(&harton.email("head")).await;
        let policy = app
            .get(&head, &policy_path(&harton))
            .await
            .expect_status(OK);
        let due: chrono::NaiveDate = policy["review_due"]
            .as_str()
            .and_then(|d| d.parse().ok())
            .expect("a review date");
        let at = |date: chrono::NaiveDate| date.and_hms_opt(9, 0, 0).expect("09:00").and_utc();
        let month_before = due - chrono::Months::new(1);
        let remind = |when| app::school_admin::remind_policy_reviews(&app.db, when);
        let topic = format!("policy:{}:review:", harton.id);

        remind(at(month_before - Duration::days(1)))
            .await
            .expect("pass");
        let told = app
            .db
            .notifications_with_key_prefix(&topic, 20)
            .await
            .expect("read");
        assert!(told.is_empty(), "too early: {told:?}");

        assert!(remind(at(month_before)).await.expect("pass") >= 1);
        remind(at(month_before + Duration::days(1)))
            .await
            .expect("pass");
        let told = app
            .db
            .notifications_with_key_prefix(&topic, 20)
            .await
            .expect("read");
        let to_head: Vec<_> = told
            .iter()
            .filter(|n| n.staff_id == Some(head.id))
            .collect();
        assert_eq!(to_head.len(), 2, "once, in the app and by e-mail: {told:?}");
        assert!(to_head.iter().all(|n| n.subject.contains("due for review")));
        assert!(
            told.iter().all(|n| n.staff_id == Some(head.id)),
            "only the head: {told:?}"
        );
    })
    .await;
}
