//! P5, A9 and G1: the code word only for those on the visit, records only for those with a
//! reason, and policy versions that visits keep.

use super::*;
use crate::helpers::visit_plan;

#[tokio::test]
async fn the_code_word_is_shown_only_to_the_visiting_staff_and_the_buddy() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let liaison = app.login(&school.email("liaison")).await;
        let senior = app.login(&school.email("senior")).await;
        let office = app.login(&school.email("office")).await;
        let head = app.login(&school.email("head")).await;
        let dsl = app.login(&school.email("dsl")).await;
        let visit = app
            .planned_visit(
                &teacher,
                "harton.demo",
                json!({ "buddy_staff_id": senior.id, "code_word": "bluebell" }),
            )
            .await;
        let path = format!("/api/visits/{visit}");

        for (who, sees) in [
            (&teacher, json!("bluebell")),
            (&liaison, json!("bluebell")),
            (&senior, json!("bluebell")),
            (&office, Value::Null),
            (&head, Value::Null),
            (&dsl, Value::Null),
        ] {
            let body = app.get(who, &path).await.expect_status(OK);
            assert_eq!(
                body["visit"]["code_word"], sees,
                "{} reads the visit",
                who.email
            );
        }

        let trail = app
            .get(
                &dsl,
                &format!("/api/audit?subject_type=visit&subject_id={visit}"),
            )
            .await
            .expect_status(OK);
        let reads = |action: &str| -> Vec<i64> {
            trail
                .as_array()
                .expect("a list")
                .iter()
                .filter(|e| e["action"] == action)
                .filter_map(|e| e["actor_staff_id"].as_i64())
                .collect()
        };
        let with_word = reads("visit.read_with_code_word");
        for who in [&teacher, &liaison, &senior] {
            assert!(with_word.contains(&who.id), "{} not in {trail}", who.email);
        }
        let without = reads("visit.read");
        for who in [&office, &head, &dsl] {
            assert!(without.contains(&who.id), "{} not in {trail}", who.email);
            assert!(!with_word.contains(&who.id));
        }
    })
    .await;
}

#[tokio::test]
async fn an_editor_who_cannot_see_the_code_word_does_not_erase_it() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let head = app.login(&school.email("head")).await;
        let visit = app
            .planned_visit(&teacher, "harton.demo", json!({ "code_word": "bluebell" }))
            .await;
        let path = format!("/api/visits/{visit}");
        let seen = app.get(&head, &path).await.expect_status(OK);
        assert_eq!(seen["visit"]["code_word"], Value::Null);

        let mut plan = visit_plan(
            &school,
            &app,
            json!({ "purpose": "Attendance, moved to the afternoon", "code_word": null }),
        );
        plan["revision"] = seen["visit"]["revision"].clone();
        app.put(&head, &path, plan).await.expect_status(OK);

        let after = app.get(&teacher, &path).await.expect_status(OK);
        assert_eq!(
            after["visit"]["purpose"],
            "Attendance, moved to the afternoon"
        );
        assert_eq!(
            after["visit"]["code_word"], "bluebell",
            "the visitors' code word is kept"
        );

        let mut changed = visit_plan(&school, &app, json!({ "code_word": "marigold" }));
        changed["revision"] = after["visit"]["revision"].clone();
        app.put(&teacher, &path, changed).await.expect_status(OK);
        let changed = app.get(&teacher, &path).await.expect_status(OK);
        assert_eq!(
            changed["visit"]["code_word"], "marigold",
            "the visitors can change it"
        );
    })
    .await;
}

#[tokio::test]
async fn visiting_staff_see_only_the_visits_they_are_on_or_buddy_for() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let liaison = app.login(&school.email("liaison")).await;
        let visit = app
            .planned_visit(
                &teacher,
                "harton.demo",
                json!({
                    "visitors": [visitor(teacher.id, "class teacher")],
                    "buddy_staff_id": school.staff("senior"),
                }),
            )
            .await;
        let path = format!("/api/visits/{visit}");
        let listed = |body: &Value| -> Vec<i64> {
            body.as_array()
                .expect("a list of visits")
                .iter()
                .filter_map(|v| v["id"].as_i64())
                .collect()
        };

        app.get(&liaison, &path).await.expect_status(NOT_FOUND);
        let list = app.get(&liaison, "/api/visits").await.expect_status(OK);
        assert_eq!(list, json!([]), "a colleague's list shows nothing");
        let list = app.get(&teacher, "/api/visits").await.expect_status(OK);
        assert_eq!(listed(&list), [visit]);

        // As the buddy of another visit the colleague sees that one, and only that one.
        let buddying = app
            .planned_visit(
                &teacher,
                "harton.demo",
                json!({
                    "visitors": [visitor(teacher.id, "class teacher")],
                    "buddy_staff_id": liaison.id,
                }),
            )
            .await;
        let list = app.get(&liaison, "/api/visits").await.expect_status(OK);
        assert_eq!(listed(&list), [buddying]);
        app.get(&liaison, &format!("/api/visits/{buddying}"))
            .await
            .expect_status(OK);

        for local in ["dsl", "head"] {
            let who = app.login(&school.email(local)).await;
            app.get(&who, &path).await.expect_status(OK);
            let list = app.get(&who, "/api/visits").await.expect_status(OK);
            assert!(
                listed(&list).contains(&visit),
                "{local} lists the school's visits"
            );
        }

        let other_head = app.login("head@hsp.demo").await;
        app.get(&other_head, &path).await.expect_status(NOT_FOUND);
        let list = app.get(&other_head, "/api/visits").await.expect_status(OK);
        assert!(!listed(&list).contains(&visit));

        let admin = app.login(TRUST_ADMIN).await;
        app.get(&admin, &path).await.expect_status(OK);
        let list = app.get(&admin, "/api/visits").await.expect_status(OK);
        assert!(listed(&list).contains(&visit));
    })
    .await;
}

#[tokio::test]
async fn a_policy_change_makes_a_new_version_and_earlier_visits_keep_theirs() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let head = app.login(&school.email("head")).await;
        let senior = app.login(&school.email("senior")).await;
        let lone = json!({ "visitors": [visitor(teacher.id, "class teacher")] });
        let policy_path = format!("/api/schools/{}/policy", school.id);

        let before = app
            .plan_visit(&teacher, "harton.demo", lone.clone())
            .await
            .expect_status(CREATED);
        let earlier = visit_id(&before);
        let first_version = before["visit"]["policy_version_id"].clone();
        app.request(&teacher, earlier).await.expect_status(OK);

        let mut policy = app.get(&head, &policy_path).await.expect_status(OK);
        assert_eq!(policy["version"], 1);
        assert_eq!(policy["id"], first_version);
        policy["settings"]["staffing"]["minimum"] = json!(2);
        policy["settings"]["staffing"]["first_visit_minimum"] = json!(2);
        let change = json!({
            "settings": policy["settings"],
            "change_note": "Governors: home visits in pairs from now on.",
        });
        app.put(&senior, &policy_path, change.clone())
            .await
            .expect_status(FORBIDDEN);
        let draft = app
            .put(&head, &policy_path, change)
            .await
            .expect_status(CREATED);
        // In force once the governing body approves it, recorded by its chair (G1).
        let chair = app.login(&school.email("chair")).await;
        let approve = format!("/api/policy-drafts/{}/approve", draft["draft"]["id"]);
        app.post(&chair, &approve, json!({}))
            .await
            .expect_status(OK);
        let new = app.get(&head, &policy_path).await.expect_status(OK);
        assert_eq!(new["version"], 2);
        assert_eq!(new["changed_by"], head.id);
        assert_ne!(new["id"], first_version);
        let versions = app
            .get(&head, &format!("{policy_path}/versions"))
            .await
            .expect_status(OK);
        assert_eq!(versions.as_array().map(Vec::len), Some(2));

        // The visit requested under version 1 keeps it, and is authorised under it.
        let body = app
            .get(&head, &format!("/api/visits/{earlier}"))
            .await
            .expect_status(OK);
        assert_eq!(body["visit"]["policy_version_id"], first_version);
        app.authorise(&head, earlier, json!({}))
            .await
            .expect_status(OK);

        // A visit planned now is judged by version 2.
        let after = app
            .plan_visit(&teacher, "harton.demo", lone)
            .await
            .expect_status(CREATED);
        assert_eq!(after["visit"]["policy_version_id"], new["id"]);
        app.request(&teacher, visit_id(&after))
            .await
            .expect_refused("P12", "staffing.minimum");
    })
    .await;
}
