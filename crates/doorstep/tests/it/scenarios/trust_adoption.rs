//! #13 item 2 (G3), from SEN Trust Southend's "one policy adopted by all schools" of the trust:
//! a school adopts the trust's policy as a draft the trust board approves, keeping its own
//! values of what the trust lets each school change; from then on one change by the trust
//! reaches every adopting school at once, and the school's own setting survives it.

use super::*;
use crate::helpers::DemoSchool;

const CONFLICT: StatusCode = StatusCode::CONFLICT;

fn policy_path(school: &DemoSchool) -> String {
    format!("/api/schools/{}/policy", school.id)
}

/// A trust administrator's change to the trust's settings, drafted at `school` and approved.
async fn trust_change(
    app: &TestApp,
    admin: &Session,
    school: &DemoSchool,
    set: &[(&str, &str, i64)],
) {
    let path = policy_path(school);
    let mut policy = app.get(admin, &path).await.expect_status(OK);
    for (section, key, value) in set {
        policy["settings"][section][key] = json!(value);
    }
    let body =
        json!({ "settings": policy["settings"], "change_note": "Trust board, spring term." });
    let draft = app.put(admin, &path, body).await.expect_status(CREATED);
    let approve = format!("/api/policy-drafts/{}/approve", draft["draft"]["id"]);
    app.post(admin, &approve, json!({})).await.expect_status(OK);
}

/// The settings with one school-changeable value blanked, to compare the rest.
fn without_grace(mut settings: Value) -> Value {
    settings["check_in"]["grace_minutes"] = Value::Null;
    settings
}

#[tokio::test]
async fn a_school_adopts_the_trust_policy_keeping_its_own_grace_and_then_one_trust_change_reaches_both()
 {
    for_each_backend(|app| async move {
        let kingsdown = app.school("kingsdown.demo").await;
        let reach2 = app.school("reach2.demo").await;
        let admin = app.login(TRUST_ADMIN).await;
        let head = app.login(&reach2.email("head")).await;
        let adopt = format!("/api/schools/{}/policy/adopt-trust", reach2.id);

        // Nothing to adopt while the trust has no policy of its own.
        let refused = app
            .post(&head, &adopt, json!({}))
            .await
            .expect_field_error(CONFLICT, "trust_policy");
        assert!(
            refused["reason"]
                .as_str()
                .unwrap_or_default()
                .contains("no policy of its own"),
            "{refused}"
        );

        // The trust's policy, held by Kingsdown; each school may set its own grace minutes.
        let trust =
            json!({ "schools": [kingsdown.id], "school_may_change": ["check_in.grace_minutes"] });
        app.put(&admin, "/api/trust/policy", trust)
            .await
            .expect_status(OK);
        trust_change(
            &app,
            &admin,
            &kingsdown,
            &[
                ("check_in", "grace_minutes", 7),
                ("check_in", "interval_minutes", 25),
            ],
        )
        .await;
        let trusts = app
            .get(&admin, &policy_path(&kingsdown))
            .await
            .expect_status(OK);
        let ours = app
            .get(&head, &policy_path(&reach2))
            .await
            .expect_status(OK);
        let our_grace = ours["settings"]["check_in"]["grace_minutes"].clone();
        assert_ne!(
            our_grace,
            json!(7),
            "REAch2's own grace differs from the trust school's"
        );

        // The head of another school cannot adopt it for REAch2.
        let other_head = app.login(&kingsdown.email("head")).await;
        app.post(&other_head, &adopt, json!({}))
            .await
            .expect_status(NOT_FOUND);

        // The head adopts: a draft waiting for the trust board, not yet in force.
        let draft = app
            .post(
                &head,
                &adopt,
                json!({ "change_note": "Governors agreed to join the trust's policy." }),
            )
            .await
            .expect_status(CREATED);
        assert_eq!(draft["approving_body"], "trust_board");
        let changed: Vec<&str> = draft["changes"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c["path"].as_str())
            .collect();
        assert!(
            changed.contains(&"check_in.interval_minutes"),
            "{changed:?}"
        );
        assert!(!changed.contains(&"check_in.grace_minutes"), "{changed:?}");
        let still = app
            .get(&head, &policy_path(&reach2))
            .await
            .expect_status(OK);
        assert_eq!(still["version"], ours["version"]);
        let approve = format!("/api/policy-drafts/{}/approve", draft["draft"]["id"]);
        app.post(&head, &approve, json!({}))
            .await
            .expect_status(FORBIDDEN);
        app.post(&admin, &approve, json!({}))
            .await
            .expect_status(OK);

        // In force: the trust's settings, with REAch2's own grace minutes kept.
        let now = app
            .get(&head, &policy_path(&reach2))
            .await
            .expect_status(OK);
        assert_eq!(now["settings"]["check_in"]["grace_minutes"], our_grace);
        assert_eq!(
            without_grace(now["settings"].clone()),
            without_grace(trusts["settings"].clone())
        );
        // Kingsdown did not get a new version from REAch2 joining.
        let theirs = app
            .get(&admin, &policy_path(&kingsdown))
            .await
            .expect_status(OK);
        assert_eq!(theirs["version"], trusts["version"]);

        // Now a school on the trust's policy: its head's change to a trust setting is refused...
        let mut mine = now["settings"].clone();
        mine["check_in"]["interval_minutes"] = json!(45);
        let body = json!({ "settings": mine, "change_note": "We prefer 45." });
        app.put(&head, &policy_path(&reach2), body)
            .await
            .expect_field_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "settings.check_in.interval_minutes",
            );
        // ...and one change by the trust reaches both schools at once; REAch2's grace survives.
        trust_change(
            &app,
            &admin,
            &kingsdown,
            &[("check_in", "interval_minutes", 20)],
        )
        .await;
        for (school, who) in [(&kingsdown, &admin), (&reach2, &head)] {
            let p = app.get(who, &policy_path(school)).await.expect_status(OK);
            assert_eq!(
                p["settings"]["check_in"]["interval_minutes"], 20,
                "{}",
                school.domain
            );
        }
        let after = app
            .get(&head, &policy_path(&reach2))
            .await
            .expect_status(OK);
        assert_eq!(after["settings"]["check_in"]["grace_minutes"], our_grace);

        // Adopting again with nothing to take says so.
        app.post(&head, &adopt, json!({}))
            .await
            .expect_field_error(StatusCode::UNPROCESSABLE_ENTITY, "settings");
    })
    .await;
}
