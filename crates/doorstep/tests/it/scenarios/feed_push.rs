//! #11 items 1 and 4: the Today page of the people on a visit is pushed the visit's changes as
//! they commit — and never anything about a duress alarm, which the office board does get — and
//! the feed is pruned after a day, a page resuming from a pruned id being told to read itself
//! again in full.

use super::*;
use axum::body::Body;
use http_body_util::BodyExt;

/// One server-sent event: its name, id and data as JSON.
pub struct Sse {
    pub name: String,
    pub id: i64,
    pub data: Value,
}

/// Reads the stream until the next named event (`change` or `refresh`). The timeout only stops
/// a broken stream from hanging the test run; nothing here measures time.
pub async fn next_event(body: &mut Body, buffer: &mut String) -> Sse {
    loop {
        if let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let (mut id, mut name, mut data) = (None, None, String::new());
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("id:") {
                    id = v.trim().parse().ok();
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.trim());
                } else if let Some(v) = line.strip_prefix("event:") {
                    name = Some(v.trim().to_string());
                }
            }
            if let Some(name) = name {
                return Sse {
                    name,
                    id: id.unwrap_or_else(|| panic!("an event without an id: {block}")),
                    data: serde_json::from_str(&data)
                        .unwrap_or_else(|e| panic!("event data {data}: {e}")),
                };
            }
            continue;
        }
        let frame = tokio::time::timeout(std::time::Duration::from_secs(20), body.frame())
            .await
            .expect("the stream sent nothing")
            .expect("the stream ended")
            .expect("reading the stream");
        if let Ok(bytes) = frame.into_data() {
            buffer.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
}

/// A visit of Harton's teacher, signed out now; its id.
async fn out(app: &TestApp) -> i64 {
    let school = app.school("harton.demo").await;
    let teacher = app.login(&school.email("teacher")).await;
    let senior = app.login(&school.email("senior")).await;
    let head = app.login(&school.email("head")).await;
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
    visit
}

fn monitor(app: &TestApp) -> app::monitor::Monitor {
    app::monitor::Monitor::new(
        app.db.clone(),
        server::Clock::manual(app.now()),
        app::monitor::Channels::default(),
        app::monitor::MonitorSettings::new("test"),
    )
}

#[tokio::test]
async fn the_visitors_today_stream_gets_their_visits_changes_but_nothing_of_a_duress_alarm() {
    for_each_backend(|app| async move {
        let visit = out(&app).await;
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let office = app.login(&school.email("office")).await;
        app.post(&teacher, "/api/me/duress-pin", json!({ "pin": "9911" }))
            .await
            .expect_status(StatusCode::NO_CONTENT);
        let (status, mut phone) = app.open_stream(&teacher, "/today/events", None).await;
        assert_eq!(status, OK);
        let events = format!("/board/events?school_id={}", school.id);
        let (status, mut board) = app.open_stream(&office, &events, None).await;
        assert_eq!(status, OK);
        let (mut on_phone, mut on_board) = (String::new(), String::new());

        // A duress check-in, its alarm's ladder and messages, then an ordinary check-in.
        app.advance(5);
        app.post(
            &teacher,
            &format!("/api/visits/{visit}/check-in"),
            json!({ "pin": "9911" }),
        )
        .await
        .expect_status(OK);
        monitor(&app).run_once(app.now()).await.expect("a pass");
        app.advance(5);
        app.post(
            &teacher,
            &format!("/api/visits/{visit}/check-in"),
            json!({}),
        )
        .await
        .expect_status(OK);

        let mut board_saw = Vec::new();
        while board_saw
            .iter()
            .filter(|e: &&Sse| e.data["kind"] == "check_in")
            .count()
            < 2
        {
            board_saw.push(next_event(&mut board, &mut on_board).await);
        }
        let duress_alarm = board_saw
            .iter()
            .find(|e| e.data["kind"] == "alarm" && e.data["detail"] == "duress")
            .unwrap_or_else(|| panic!("the board is told of the duress alarm"));
        let last = board_saw.last().map(|e| e.id).unwrap_or_default();

        let mut phone_saw = Vec::new();
        while phone_saw.last().is_none_or(|e: &Sse| e.id < last) {
            phone_saw.push(next_event(&mut phone, &mut on_phone).await);
        }
        let kinds: Vec<String> = phone_saw.iter().map(|e| e.data.to_string()).collect();
        let check_ins = phone_saw
            .iter()
            .filter(|e| e.data["kind"] == "check_in")
            .count();
        assert_eq!(check_ins, 2, "both check-ins reach the phone: {kinds:?}");
        for e in &phone_saw {
            assert!(
                !matches!(
                    e.data["kind"].as_str(),
                    Some("alarm" | "alarm_state" | "delivery")
                ),
                "nothing of the alarm reaches the phone: {kinds:?}"
            );
            assert!(
                e.data["detail"].is_null(),
                "the check-ins look the same: {}",
                e.data
            );
            assert_ne!(e.id, duress_alarm.id);
        }
        assert!(
            board_saw.iter().any(|e| e.data["kind"] == "delivery"),
            "the duress alarm's messages were sent while the phone watched"
        );
        assert!(!kinds.concat().contains("duress"), "{kinds:?}");

        // A panic is the visitor's to see: it comes through.
        app.post(&teacher, &format!("/api/visits/{visit}/panic"), json!({}))
            .await
            .expect_status(CREATED);
        let panic = loop {
            let e = next_event(&mut phone, &mut on_phone).await;
            if e.data["kind"] == "alarm" {
                break e;
            }
        };
        assert_eq!(panic.data["visit_id"], visit, "{}", panic.data);
    })
    .await;
}

#[tokio::test]
async fn a_colleague_not_on_the_visit_is_not_pushed_its_changes() {
    for_each_backend(|app| async move {
        let visit = out(&app).await;
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let senior = app.login(&school.email("senior")).await;
        let (status, mut stream) = app.open_stream(&senior, "/today/events", None).await;
        assert_eq!(status, OK);
        app.post(
            &teacher,
            &format!("/api/visits/{visit}/check-in"),
            json!({}),
        )
        .await
        .expect_status(OK);
        // A visit the senior is on, planned after: its step is the first thing they get.
        let own = app
            .planned_visit(
                &teacher,
                "harton.demo",
                json!({ "visitors": [
                    { "staff_id": school.staff("teacher"), "role_on_visit": "class teacher" },
                    { "staff_id": school.staff("senior"), "role_on_visit": "deputy head" }
                ] }),
            )
            .await;
        let mut buffer = String::new();
        let first = next_event(&mut stream, &mut buffer).await;
        assert_eq!(first.data["visit_id"], own, "{}", first.data);
    })
    .await;
}

#[tokio::test]
async fn a_day_old_feed_is_pruned_and_a_board_resuming_from_before_it_is_told_to_refresh() {
    for_each_backend(|app| async move {
        let visit = out(&app).await;
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        app.post(
            &teacher,
            &format!("/api/visits/{visit}/check-in"),
            json!({}),
        )
        .await
        .expect_status(OK);
        let first = app.db.board_changes(None, 0, 1).await.expect("the feed")[0].id;
        let monitor = monitor(&app);
        monitor.run_once(app.now()).await.expect("a pass");
        // The same minute: any note of where the feed is was taken before this. A tap of its
        // own (its client_ref), not the first tap repeated within seconds, which is one (C5).
        app.post(
            &teacher,
            &format!("/api/visits/{visit}/check-in"),
            json!({ "client_ref": "second-tap" }),
        )
        .await
        .expect_status(OK);

        // Under a day: nothing is deleted.
        app.advance(23 * 60);
        monitor.run_once(app.now()).await.expect("a pass");
        assert_eq!(app.db.board_feed_pruned_through().await.expect("read"), 0);
        app.advance(2 * 60);
        // A batch a pass: as many passes as it takes.
        for _ in 0..50 {
            monitor.run_once(app.now()).await.expect("a pass");
        }
        let through = app.db.board_feed_pruned_through().await.expect("read");
        assert!(
            through >= first,
            "what was in the feed a day ago is pruned: {through}"
        );
        let kept = app
            .db
            .board_changes(None, 0, 10_000)
            .await
            .expect("the feed");
        assert!(
            kept.iter().all(|c| c.id > through),
            "nothing at or below {through} is kept"
        );
        let second = kept
            .iter()
            .filter(|c| c.kind == "check_in" && c.visit_id == Some(visit))
            .count();
        assert_eq!(second, 1, "the check-in after the note is still there");

        // A day on, the office signs in again (sessions last 24 hours at most).
        let office = app.login(&school.email("office")).await;
        let events = format!("/board/events?school_id={}", school.id);
        let (status, mut board) = app.open_stream(&office, &events, Some(first - 1)).await;
        assert_eq!(status, OK);
        let mut buffer = String::new();
        let told = next_event(&mut board, &mut buffer).await;
        assert_eq!(told.name, "refresh", "{}", told.data);
        assert!(told.id > through);

        // A board that saw everything up to the pruned point misses nothing: plain changes.
        let (_, mut board) = app.open_stream(&office, &events, Some(through)).await;
        let mut buffer = String::new();
        let next = next_event(&mut board, &mut buffer).await;
        assert_eq!(next.name, "change", "{}", next.data);
        assert!(next.id > through);
    })
    .await;
}

/// Tester A9: a visitor who also watches the board (Lina is an attendance lead) is never pushed
/// the duress alarm of her own visit on the board's stream, not even its kind, and sees the
/// duress check-in as an ordinary one; the office's board gets both.
#[tokio::test]
async fn a_visitor_watching_the_board_is_never_pushed_their_own_visits_duress() {
    for_each_backend(|app| async move {
        let visit = out(&app).await;
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let lina = app.login(&school.email("liaison")).await;
        let office = app.login(&school.email("office")).await;
        app.post(&teacher, "/api/me/duress-pin", json!({ "pin": "9911" }))
            .await
            .expect_status(StatusCode::NO_CONTENT);
        let events = format!("/board/events?school_id={}", school.id);
        let (status, mut hers) = app.open_stream(&lina, &events, None).await;
        assert_eq!(status, OK, "an attendance lead may watch the board");
        let (_, mut board) = app.open_stream(&office, &events, None).await;
        let (mut on_hers, mut on_board) = (String::new(), String::new());

        app.advance(5);
        app.post(
            &teacher,
            &format!("/api/visits/{visit}/check-in"),
            json!({ "pin": "9911" }),
        )
        .await
        .expect_status(OK);
        monitor(&app).run_once(app.now()).await.expect("a pass");
        app.advance(5);
        app.post(
            &teacher,
            &format!("/api/visits/{visit}/check-in"),
            json!({}),
        )
        .await
        .expect_status(OK);

        let mut board_saw: Vec<Sse> = Vec::new();
        while board_saw
            .iter()
            .filter(|e| e.data["kind"] == "check_in")
            .count()
            < 2
        {
            board_saw.push(next_event(&mut board, &mut on_board).await);
        }
        assert!(
            board_saw
                .iter()
                .any(|e| e.data["kind"] == "alarm" && e.data["detail"] == "duress"),
            "the office's board is told of the duress alarm"
        );
        let last = board_saw.last().map(|e| e.id).unwrap_or_default();
        let mut she_saw: Vec<Sse> = Vec::new();
        while she_saw.last().is_none_or(|e| e.id < last) {
            she_saw.push(next_event(&mut hers, &mut on_hers).await);
        }
        let all: Vec<String> = she_saw.iter().map(|e| e.data.to_string()).collect();
        assert!(!all.concat().contains("duress"), "{all:?}");
        assert!(
            !she_saw.iter().any(|e| e.data["alarm_id"].is_i64()),
            "nothing of the alarm reaches her: {all:?}"
        );
        assert_eq!(
            she_saw
                .iter()
                .filter(|e| e.data["kind"] == "check_in")
                .count(),
            2,
            "both check-ins reach her board, alike: {all:?}"
        );
    })
    .await;
}
