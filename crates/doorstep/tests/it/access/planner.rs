//! #10 item 1: the planner of a visit nobody has authorised sees what planning needs of the
//! household (family, address, postcode, the children's names, caution flags, whether it is
//! blocked) and nothing more; the whole household, its people and the child's chronology only
//! once the visit is authorised, and only for the policy's days after it.

use super::{DOMAIN, World};
use crate::helpers::{Answer, Session, TestApp, for_each_backend};
use axum::http::StatusCode;
use serde_json::{Value, json};

const CAUTION: &str = "Large dog, kept in the back garden.";

/// Which ways of reading the household and the child's records open for `who` (the rest answer
/// "not found", or the chronology page its break-glass offer).
async fn reads(app: &TestApp, who: &Session, w: &World) -> [bool; 4] {
    let h = w.household.0;
    let answers = [
        app.get(who, &format!("/api/households/{h}")).await.0,
        app.get(who, &format!("/households/{h}")).await.0,
        app.get(who, &format!("/api/pupils/{}/chronology", w.pupil.0))
            .await
            .0,
        app.get(who, &format!("/pupils/{}/chronology", w.pupil.0))
            .await
            .0,
    ];
    for status in answers {
        assert!(
            [StatusCode::OK, StatusCode::NOT_FOUND, StatusCode::FORBIDDEN].contains(&status),
            "{status}"
        );
    }
    answers.map(|s| s == StatusCode::OK)
}

const HIDDEN: [bool; 4] = [false; 4];

fn planning_view(app: &TestApp, who: &Session, w: &World) -> impl Future<Output = Value> {
    let path = format!("/api/households/{}/for-planning", w.household.0);
    async move { app.get(who, &path).await.expect_status(StatusCode::OK) }
}

#[tokio::test]
async fn the_planner_of_a_draft_sees_what_planning_needs_and_the_household_only_once_authorised() {
    for_each_backend(|app| async move {
        let w = World::create(&app).await;
        let h = w.household.0;
        let flags = app
            .post(
                &w.sessions["head"],
                &format!("/api/households/{h}/cautions"),
                json!({ "description": CAUTION, "source": "Previous visit" }),
            )
            .await
            .expect_status(StatusCode::CREATED);
        let flag = flags[0]["id"].clone();
        let liaison = w.sessions["liaison"].clone();
        // Before planning anything: nothing of the family.
        assert_eq!(reads(&app, &liaison, &w).await, HIDDEN);
        app.get(&liaison, &format!("/api/households/{h}/for-planning"))
            .await
            .expect_status(StatusCode::NOT_FOUND);

        let overrides = json!({
            "pupil_id": w.pupil.0,
            "visitors": [
                { "staff_id": liaison.id, "role_on_visit": "family liaison" },
                { "staff_id": w.sessions["senior"].id, "role_on_visit": "senior leader" },
            ],
            "buddy_staff_id": w.sessions["office"].id,
        });
        let draft = app.planned_visit(&liaison, DOMAIN, overrides).await;

        // Drafting: the planner's view, on the API and on the visit's page.
        let view = planning_view(&app, &liaison, &w).await;
        assert_eq!(view["address"], "2 Test Row, Sunderland");
        assert_eq!(view["postcode"], "SR1 1AA");
        assert_eq!(view["pupils"][0]["name"], "Ali Access");
        assert_eq!(view["cautions"], json!([CAUTION]));
        assert_eq!(view["blocked"], false);
        for kept_back in [
            "members",
            "landline",
            "language_notes",
            "pets",
            "latest_risk_assessment",
        ] {
            assert!(view.get(kept_back).is_none(), "{kept_back} in {view}");
        }
        let page = app
            .get(&liaison, &format!("/visits/{draft}"))
            .await
            .expect_status(StatusCode::OK);
        assert!(
            page.as_str()
                .is_some_and(|p| p.contains("2 Test Row, Sunderland")),
            "the visit's page shows the address"
        );
        // …and not the household, its people or the child's chronology.
        assert_eq!(reads(&app, &liaison, &w).await, HIDDEN);
        app.request(&liaison, draft)
            .await
            .expect_status(StatusCode::OK);
        assert_eq!(reads(&app, &liaison, &w).await, HIDDEN);

        // Authorised: a visitor on it reads the whole household and the child's records.
        app.authorise(
            &w.sessions["head"],
            draft,
            json!({ "acknowledge_cautions": [flag] }),
        )
        .await
        .expect_status(StatusCode::OK);
        let detail = app
            .get(&liaison, &format!("/api/households/{h}"))
            .await
            .expect_status(StatusCode::OK);
        assert_eq!(detail["caution_flags"][0]["description"], CAUTION);
        assert_eq!(reads(&app, &liaison, &w).await, [true; 4]);

        // The policy's 30 days after the visit: the household closes again, planning stays.
        app.advance(32 * 24 * 60);
        let liaison = app.login(&liaison.email).await;
        assert_eq!(reads(&app, &liaison, &w).await, HIDDEN);
        let view = planning_view(&app, &liaison, &w).await;
        assert_eq!(view["family_name"], "Access");
    })
    .await;
}

#[tokio::test]
async fn the_planners_view_is_hidden_from_staff_with_no_visit_to_the_household() {
    for_each_backend(|app| async move {
        let w = World::create(&app).await;
        let path = format!("/api/households/{}/for-planning", w.household.0);
        for who in ["liaison", "chair", "other-head"] {
            app.get(&w.sessions[who], &path)
                .await
                .expect_status(StatusCode::NOT_FOUND);
        }
        // The office sees the school's visits, so the household and its planning view.
        planning_view(&app, &w.sessions["office"], &w).await;
    })
    .await;
}
