//! #11 item 9: the head runs a practice alarm (drill) through the API and the /drills page; the
//! board shows it as DRILL; the office acknowledges it; the report times it; only the head and
//! DSL start or end one.

use super::demo_outbox::out;
use super::*;
use axum::http::Method;

const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

#[tokio::test]
async fn the_head_runs_a_drill_the_board_says_drill_and_the_report_times_the_acknowledgement() {
    for_each_backend(|app| async move {
        let visit = out(&app).await;
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let office = app.login(&school.email("office")).await;
        let head = app.login(&school.email("head")).await;

        app.post(&teacher, "/api/drills", json!({ "visit_id": visit }))
            .await
            .expect_status(StatusCode::FORBIDDEN);
        // The page offers the visit out now in a labelled select, and starts the drill (303).
        let (status, page) = app.get(&head, "/drills").await;
        assert_eq!(status, OK);
        let page = page.as_str().unwrap_or("").to_string();
        assert!(
            page.contains("<label for=\"visit_id\">Visit to run the drill on</label>"),
            "{page}"
        );
        assert!(page.contains(&format!("value=\"{visit}\"")), "{page}");
        let (status, _) = app
            .send_raw(
                &head,
                Method::POST,
                "/drills",
                FORM,
                format!("visit_id={visit}"),
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let report = app.get(&head, "/api/drills").await.expect_status(OK);
        let id = report["drills"][0]["drill_id"].as_i64().expect("a drill");

        let board = app.get(&office, "/api/board").await.expect_status(OK);
        let shown = board["alarms"].as_array().cloned().unwrap_or_default();
        let drill = shown.iter().find(|a| a["id"] == id).expect("on the board");
        assert!(
            drill["label"].as_str().unwrap_or("").starts_with("DRILL"),
            "{drill}"
        );
        assert_eq!(drill["drill"], true);
        let (_, page) = app.get(&office, "/board").await;
        assert!(
            page.as_str()
                .unwrap_or("")
                .contains("DRILL</strong>: a practice alarm")
        );

        app.advance(2);
        app.post(
            &office,
            &format!("/api/alarms/{id}/acknowledge"),
            json!({ "note": "Phoned the staff" }),
        )
        .await
        .expect_status(OK);
        app.post(&office, &format!("/api/drills/{id}/end"), json!({}))
            .await
            .expect_status(StatusCode::FORBIDDEN);
        let report = app.get(&head, "/api/drills").await.expect_status(OK);
        let d = &report["drills"][0];
        assert_eq!(d["state"], "acknowledged", "{report}");
        assert_eq!(d["seconds_to_acknowledge"], 120, "{report}");
        assert_eq!(report["median_seconds_to_acknowledge"], 120);
        let (_, page) = app.get(&head, "/drills").await;
        let page = page.as_str().unwrap_or("").to_string();
        assert!(page.contains("2 min 0 s"), "{page}");
        assert!(page.contains(&format!("End drill {id}")), "{page}");

        let (status, _) = app
            .send_raw(&head, Method::POST, &format!("/drills/{id}/end"), FORM, "")
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        app.post(&head, &format!("/api/drills/{id}/end"), json!({}))
            .await
            .expect_field_error(StatusCode::CONFLICT, "drill");
        let (status, csv) = app.get(&head, "/api/drills.csv").await;
        assert_eq!(status, OK);
        assert!(
            csv.as_str()
                .unwrap_or("")
                .contains("seconds from start to acknowledgement")
        );
        // The governors' report counts no alarm: the drill was the only one.
        let governors = app
            .get(&head, "/api/reports/governors")
            .await
            .expect_status(OK);
        assert_eq!(governors["alarms"], json!([]), "{governors}");
    })
    .await;
}
