//! #12 item 3: the live streams check the session as they stream. A person who signs out, or
//! whose account is deactivated, stops receiving the office board's events and the in-app feed
//! at once, while everyone else's streams carry on.

use super::*;
use axum::body::Body;
use http_body_util::BodyExt;
use std::time::Duration as StdDuration;

/// Longer than the streams' re-check (2 s) with room for a busy machine; only a broken stream
/// waits this long.
const ENDS_WITHIN: StdDuration = StdDuration::from_secs(15);

/// Reads the stream until the next `change` event's data.
async fn next_change(body: &mut Body, buffer: &mut String) -> Value {
    loop {
        if let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            if block.lines().any(|l| l.trim() == "event: change") {
                let data: String = block
                    .lines()
                    .filter_map(|l| l.strip_prefix("data:"))
                    .map(str::trim)
                    .collect();
                return serde_json::from_str(&data).expect("event data is JSON");
            }
            continue;
        }
        let frame = tokio::time::timeout(ENDS_WITHIN, body.frame())
            .await
            .expect("the board's stream sent nothing")
            .expect("the board's stream ended")
            .expect("reading the board's stream");
        if let Ok(bytes) = frame.into_data() {
            buffer.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
}

/// Whether the stream ends (reading past anything still buffered) within [`ENDS_WITHIN`].
async fn ends(body: &mut Body) -> bool {
    let deadline = tokio::time::Instant::now() + ENDS_WITHIN;
    loop {
        match tokio::time::timeout_at(deadline, body.frame()).await {
            Err(_) => return false,
            Ok(None) => return true,
            Ok(Some(Err(_))) => return true,
            Ok(Some(Ok(_))) => continue,
        }
    }
}

/// Whether the stream is still open after a few of its re-checks (no frame and no end).
async fn still_open(body: &mut Body) -> bool {
    // Keep-alives come every 15 s, so a quiet open stream sends nothing in 5 s.
    match tokio::time::timeout(StdDuration::from_secs(5), body.frame()).await {
        Err(_) => true,
        Ok(frame) => frame.is_some_and(|f| f.is_ok()),
    }
}

/// Sets a member of staff's account active or not, as the trust's records would.
async fn set_active(app: &TestApp, staff: i64, active: bool) {
    const Q: &str = "update staff set active = $1 where id = $2";
    match &app.db {
        store::Db::Sqlite(p, _) => sqlx::query(Q)
            .bind(active)
            .bind(staff)
            .execute(p)
            .await
            .map(|_| ()),
        store::Db::Pg(p, _) => sqlx::query(Q)
            .bind(active)
            .bind(staff)
            .execute(p)
            .await
            .map(|_| ()),
    }
    .expect("deactivating an account");
}

#[tokio::test]
async fn the_office_board_stream_stops_at_once_when_the_office_signs_out() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let senior = app.login(&school.email("senior")).await;
        let head = app.login(&school.email("head")).await;
        let office = app.login(&school.email("office")).await;
        let assessment = app
            .assess_risk(&senior, school.smith, "medium", "low")
            .await;
        app.sign_off(&senior, assessment).await.expect_status(OK);
        let visit = app.planned_visit(&teacher, "harton.demo", json!({})).await;
        app.request(&teacher, visit).await.expect_status(OK);
        app.authorise(&head, visit, json!({}))
            .await
            .expect_status(OK);
        app.step(&teacher, visit, "sign-out")
            .await
            .expect_status(OK);

        let events = format!("/board/events?school_id={}", school.id);
        let (status, mut office_board) = app.open_stream(&office, &events, None).await;
        assert_eq!(status, OK);
        let (status, mut head_board) = app.open_stream(&head, &events, None).await;
        assert_eq!(status, OK);
        let mut buffer = String::new();
        let check_in = format!("/api/visits/{visit}/check-in");
        app.post(&teacher, &check_in, json!({}))
            .await
            .expect_status(OK);
        let change = next_change(&mut office_board, &mut buffer).await;
        assert_eq!(change["kind"], "check_in", "{change}");

        app.post(&office, "/api/logout", json!({}))
            .await
            .expect_status(StatusCode::NO_CONTENT);
        assert!(
            ends(&mut office_board).await,
            "the signed-out office's board stops receiving events"
        );
        // The head's board carries on: the next check-in reaches it.
        app.post(&teacher, &check_in, json!({ "note": "Still here" }))
            .await
            .expect_status(OK);
        let mut buffer = String::new();
        let mut check_ins = 0;
        while check_ins < 2 {
            if next_change(&mut head_board, &mut buffer).await["kind"] == "check_in" {
                check_ins += 1;
            }
        }
        // And reopening the board with the old cookie is refused.
        let (status, _) = app.open_stream(&office, &events, None).await;
        assert_ne!(status, OK, "a signed-out session opens no board");
    })
    .await;
}

#[tokio::test]
async fn the_feed_stops_at_once_when_the_account_is_deactivated() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let office = app.login(&school.email("office")).await;
        let head = app.login(&school.email("head")).await;
        let (status, mut office_feed) = app.open_stream(&office, "/api/feed", None).await;
        assert_eq!(status, OK);
        let (status, mut head_feed) = app.open_stream(&head, "/api/feed", None).await;
        assert_eq!(status, OK);
        assert!(
            still_open(&mut office_feed).await,
            "the feed stays open while signed in"
        );

        set_active(&app, office.id, false).await;
        assert!(
            ends(&mut office_feed).await,
            "a deactivated account's feed stops"
        );
        assert!(
            still_open(&mut head_feed).await,
            "the head's feed carries on"
        );

        // Signing out ends the head's feed as well.
        app.post(&head, "/api/logout", json!({}))
            .await
            .expect_status(StatusCode::NO_CONTENT);
        assert!(
            ends(&mut head_feed).await,
            "a signed-out person's feed stops"
        );
    })
    .await;
}
