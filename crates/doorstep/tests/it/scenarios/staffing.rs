//! P12 staffing: pairs where the policy says so, lone visits only under its conditions, and no
//! lone evening visit without back-up at school.

use super::*;

#[tokio::test]
async fn a_st_josephs_visit_with_one_member_of_staff_is_refused_at_request() {
    for_each_backend(|app| async move {
        let school = app.school("stjosephs.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let alone = json!({ "visitors": [visitor(teacher.id, "nursery teacher")] });
        let visit = app.planned_visit(&teacher, "stjosephs.demo", alone).await;
        let why = app
            .request(&teacher, visit)
            .await
            .expect_refused("P12", "staffing.minimum");
        assert!(why.contains("at least 2"), "{why}");

        let pair = app
            .planned_visit(&teacher, "stjosephs.demo", json!({}))
            .await;
        let body = app.request(&teacher, pair).await.expect_status(OK);
        assert_eq!(body["visit"]["status"], "requested");
    })
    .await;
}

#[tokio::test]
async fn an_hsp_lone_evening_visit_is_refused_without_backup_at_school() {
    for_each_backend(|app| async move {
        let school = app.school("hsp.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let lone_evening = |extra: Value| {
            let mut plan = json!({
                "visitors": [visitor(teacher.id, "class teacher")],
                "buddy_staff_id": null,
                "backup_staff_id": null,
                "planned_leave_school": app.at("18:30"),
                "planned_arrive": app.at("18:45"),
                "planned_leave_property": app.at("19:30"),
                "planned_return": app.at("19:45"),
            });
            for (k, v) in extra.as_object().expect("an object") {
                plan[k] = v.clone();
            }
            plan
        };

        let visit = app
            .planned_visit(&teacher, "hsp.demo", lone_evening(json!({})))
            .await;
        let why = app
            .request(&teacher, visit)
            .await
            .expect_refused("P12", "staffing.evening");
        assert!(why.contains("evening"), "{why}");

        let backed_up = lone_evening(json!({ "backup_staff_id": school.staff("senior") }));
        let visit = app.planned_visit(&teacher, "hsp.demo", backed_up).await;
        app.request(&teacher, visit).await.expect_status(OK);

        // The same lone visit in the morning needs no back-up.
        let morning = json!({
            "visitors": [visitor(teacher.id, "class teacher")],
            "buddy_staff_id": null,
        });
        let visit = app.planned_visit(&teacher, "hsp.demo", morning).await;
        app.request(&teacher, visit).await.expect_status(OK);
    })
    .await;
}

#[tokio::test]
async fn a_reach2_lone_repeat_visit_needs_a_signed_off_low_risk_assessment_or_another_agency() {
    for_each_backend(|app| async move {
        let school = app.school("reach2.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let head = app.login(&school.email("head")).await;
        let senior = app.login(&school.email("senior")).await;

        // The first visit, in a pair, after a medium-risk assessment is signed off.
        let first_assessment = app
            .assess_risk(&senior, school.smith, "medium", "medium")
            .await;
        app.sign_off(&senior, first_assessment)
            .await
            .expect_status(OK);
        let first = app.planned_visit(&teacher, "reach2.demo", json!({})).await;
        app.request(&teacher, first).await.expect_status(OK);
        app.authorise(&head, first, json!({}))
            .await
            .expect_status(OK);
        app.walk_visit(&teacher, first).await;

        let lone = json!({ "visitors": [visitor(teacher.id, "class teacher")] });
        let repeat = app
            .planned_visit(&teacher, "reach2.demo", lone.clone())
            .await;
        let refusal = app.request(&teacher, repeat).await;
        assert_eq!(requirements(&refusal.1["unmet"]), ["P12"], "{}", refusal.1);
        let why = refusal.expect_refused("P12", "staffing.minimum");
        assert!(why.contains("low risk after controls"), "{why}");
        assert!(why.contains("another agency"), "{why}");

        // Jointly with the Education Welfare Officer it may go ahead.
        let mut joint = lone.clone();
        joint["joint_agency"] = json!("Education Welfare Officer");
        let joint = app.planned_visit(&teacher, "reach2.demo", joint).await;
        let body = app.request(&teacher, joint).await.expect_status(OK);
        assert_eq!(body["visit"]["first_visit"], false);

        // A low-risk assessment counts only once a senior leader has signed it off.
        let low = app
            .assess_risk(&senior, school.smith, "medium", "low")
            .await;
        app.request(&teacher, repeat)
            .await
            .expect_refused("P12", "staffing.minimum");
        app.sign_off(&senior, low).await.expect_status(OK);
        let body = app.request(&teacher, repeat).await.expect_status(OK);
        assert_eq!(body["visit"]["status"], "requested");
    })
    .await;
}
