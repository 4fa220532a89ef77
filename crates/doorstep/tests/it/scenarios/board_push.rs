//! #11 item 1: the office board is pushed its changes as they commit — a check-in and an alarm
//! reach an open board's stream, a board that reconnects with `Last-Event-ID` gets only what it
//! missed, and only the board's users may open it.

use super::*;
use axum::body::Body;
use http_body_util::BodyExt;

/// One server-sent event: its id and its data as JSON.
struct Event {
    id: i64,
    data: Value,
}

/// Reads the stream until the next `change` event. The timeout only stops a broken stream from
/// hanging the test run; nothing here measures time.
async fn next_change(body: &mut Body, buffer: &mut String) -> Event {
    loop {
        if let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let mut id = None;
            let mut data = String::new();
            let mut change = false;
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("id:") {
                    id = v.trim().parse().ok();
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.trim());
                } else if line.trim() == "event: change" || line.trim() == "event:change" {
                    change = true;
                }
            }
            if change {
                return Event {
                    id: id.unwrap_or_else(|| panic!("an event without an id: {block}")),
                    data: serde_json::from_str(&data)
                        .unwrap_or_else(|e| panic!("event data {data}: {e}")),
                };
            }
            continue;
        }
        let frame = tokio::time::timeout(std::time::Duration::from_secs(20), body.frame())
            .await
            .expect("the board's stream sent nothing")
            .expect("the board's stream ended")
            .expect("reading the board's stream");
        if let Ok(bytes) = frame.into_data() {
            buffer.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
}

#[tokio::test]
async fn the_board_stream_delivers_a_check_in_and_an_alarm_and_resumes_after_the_last_event() {
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
        let (status, _) = app.open_stream(&teacher, &events, None).await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "a visiting teacher does not watch the office board"
        );
        let (status, mut board) = app.open_stream(&office, &events, None).await;
        assert_eq!(status, OK);
        let mut buffer = String::new();

        app.advance(10);
        app.post(
            &teacher,
            &format!("/api/visits/{visit}/check-in"),
            json!({}),
        )
        .await
        .expect_status(OK);
        let check_in = next_change(&mut board, &mut buffer).await;
        assert_eq!(check_in.data["kind"], "check_in", "{}", check_in.data);
        assert_eq!(check_in.data["visit_id"], visit, "{}", check_in.data);

        let raised = app
            .post(
                &teacher,
                &format!("/api/visits/{visit}/panic"),
                json!({ "note": "Help", "client_ref": "board-push-1" }),
            )
            .await
            .expect_status(CREATED);
        let alarm = loop {
            let e = next_change(&mut board, &mut buffer).await;
            if e.data["kind"] == "alarm" {
                break e;
            }
        };
        assert_eq!(alarm.data["detail"], "panic", "{}", alarm.data);
        assert_eq!(alarm.data["alarm_id"], raised["alarm_id"], "{}", alarm.data);
        assert!(alarm.id > check_in.id);

        // The board reconnects having seen the check-in: the alarm comes again, the check-in not.
        let (status, mut again) = app.open_stream(&office, &events, Some(check_in.id)).await;
        assert_eq!(status, OK);
        let mut buffer = String::new();
        let first = next_change(&mut again, &mut buffer).await;
        assert!(first.id > check_in.id, "resumed at {}", first.id);
        let mut resumed = vec![first];
        while resumed.last().is_some_and(|e| e.id < alarm.id) {
            resumed.push(next_change(&mut again, &mut buffer).await);
        }
        assert!(
            resumed
                .iter()
                .any(|e| e.data["kind"] == "alarm" && e.id == alarm.id),
            "the alarm missed while away is sent on reconnecting"
        );
    })
    .await;
}
