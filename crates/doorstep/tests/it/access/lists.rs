//! B1, B2: every route that lists a school's pupils or households answers as its list's access
//! decision (`access::roll`, `access::household_register`) says: the whole entry for those who
//! keep the list, names only for other staff, 403 for the chair of governors.

use super::World;
use crate::helpers::{Answer, TestApp, for_each_backend};
use axum::http::StatusCode;
use serde_json::Value;

/// The world's pupil as `who` reads it in `/api/pupils`.
async fn listed_pupil(app: &TestApp, w: &World, who: &str) -> Value {
    let school = w.people["head"].school_id.expect("a school").0;
    let all = app
        .get(&w.sessions[who], &format!("/api/pupils?school_id={school}"))
        .await
        .expect_status(StatusCode::OK);
    let all = all.as_array().expect("a list of pupils").clone();
    all.into_iter()
        .find(|p| p["id"] == w.pupil.0)
        .unwrap_or_else(|| panic!("{who} does not see the pupil on the roll"))
}

/// The world's household as `who` reads it in `/api/households`.
async fn listed_household(app: &TestApp, w: &World, who: &str) -> Option<Value> {
    let school = w.people["head"].school_id.expect("a school").0;
    let all = app
        .get(
            &w.sessions[who],
            &format!("/api/households?school_id={school}"),
        )
        .await
        .expect_status(StatusCode::OK);
    let all = all.as_array().expect("a list of households").clone();
    all.into_iter().find(|h| h["id"] == w.household.0)
}

#[tokio::test]
async fn the_roll_is_listed_whole_to_its_keepers_by_name_to_planners_and_not_to_governors() {
    for_each_backend(|app| async move {
        let w = World::create(&app).await;
        for who in ["office", "liaison", "dsl", "head"] {
            let p = listed_pupil(&app, &w, who).await;
            assert_eq!(p["date_of_birth"], "2017-03-01", "{who}");
            assert_eq!(p["household_id"], w.household.0, "{who}");
        }
        for who in ["teacher", "senior"] {
            let p = listed_pupil(&app, &w, who).await;
            assert_eq!(p["name"], "Ali Access", "{who}");
            assert!(p.get("date_of_birth").is_none(), "{who}: {p}");
            // The household to plan a visit for, by number: its address is the planner's view's.
            assert_eq!(p["household_id"], w.household.0, "{who}");
            assert!(p.get("upn").is_none(), "{who}: {p}");
            let one = app
                .get(&w.sessions[who], &format!("/api/pupils/{}", w.pupil.0))
                .await
                .expect_status(StatusCode::OK);
            assert!(one.get("date_of_birth").is_none(), "{who}: {one}");
            // The plan form offers the pupil by name, year group and family, not the postcode.
            let (status, plan) = app.get(&w.sessions[who], "/visits/new").await;
            assert_eq!(status, StatusCode::OK, "{who}");
            let plan = plan.to_string();
            assert!(plan.contains("Ali Access"), "{who}");
            assert!(plan.contains("Access family"), "{who}");
            assert!(
                !plan.contains("SR1 1AA"),
                "{who} sees the postcode on the plan form"
            );
        }
        let chair = &w.sessions["chair"];
        app.get(chair, "/api/pupils")
            .await
            .expect_status(StatusCode::FORBIDDEN);
        app.get(chair, &format!("/api/pupils/{}", w.pupil.0))
            .await
            .expect_status(StatusCode::FORBIDDEN);
        // A head of another school names a school they do not work in.
        let school = w.people["head"].school_id.expect("a school").0;
        app.get(
            &w.sessions["other-head"],
            &format!("/api/pupils?school_id={school}"),
        )
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY);
    })
    .await;
}

#[tokio::test]
async fn household_addresses_are_listed_only_to_those_who_keep_the_households() {
    for_each_backend(|app| async move {
        let w = World::create(&app).await;
        for who in ["office", "dsl", "head"] {
            let h = listed_household(&app, &w, who).await.expect(who);
            assert_eq!(h["address"], "2 Test Row, Sunderland", "{who}");
            let (_, page) = app.get(&w.sessions[who], "/households").await;
            assert!(page.to_string().contains("2 Test Row"), "{who}");
        }
        // The senior leader (who sees the school's visits) and the teacher on the visit see the
        // family by name, never the address.
        for who in ["senior", "teacher", "admin"] {
            let h = listed_household(&app, &w, who).await.expect(who);
            assert_eq!(h["family_name"], "Access", "{who}");
            assert!(h.get("address").is_none(), "{who}: {h}");
            assert!(h.get("postcode").is_none(), "{who}: {h}");
        }
        let (status, page) = app.get(&w.sessions["senior"], "/households").await;
        assert_eq!(status, StatusCode::OK);
        let page = page.to_string();
        assert!(page.contains("Access family"));
        assert!(
            !page.contains("2 Test Row"),
            "the senior leader sees the address"
        );
        // The office still reaches the address of a visit's household through its own view.
        let view = app
            .get(
                &w.sessions["office"],
                &format!("/api/households/{}/for-planning", w.household.0),
            )
            .await
            .expect_status(StatusCode::OK);
        assert_eq!(view["address"], "2 Test Row, Sunderland");
        let chair = &w.sessions["chair"];
        app.get(chair, "/api/households")
            .await
            .expect_status(StatusCode::FORBIDDEN);
        let (status, _) = app.get(chair, "/households").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    })
    .await;
}
