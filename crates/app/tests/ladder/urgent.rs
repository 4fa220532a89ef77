//! Urgent alarms (tester A9): a child in immediate danger reaches the office, the buddy and the
//! DSL at once, by every channel of the top rung, and leads the board like duress and panic.

use crate::helpers::*;
use app::AlarmRequest;
use domain::monitor::AlarmKind;

#[tokio::test]
async fn a_child_in_immediate_danger_tells_the_office_buddy_and_dsl_at_once_and_leads_the_board() {
    for backend in backends() {
        let app = TestApp::start(backend, "reach2").await;
        let b = app.backend;
        let monitor = app.monitor(app::Channels::default());
        let visit = app.out_on_a_visit().await;
        app.advance(minutes(3));
        let request = |kind| AlarmRequest {
            kind,
            raised_by: Some(app.people.teacher),
            detail: serde_json::json!({ "how": "doorstep observation" }),
        };
        // A routine observation first, so the board's order shows the urgent one leads.
        app::raise(
            &app.db,
            &visit,
            &request(AlarmKind::AnimalsNotSecured),
            app.now(),
        )
        .await
        .unwrap();
        app.advance(minutes(1));
        let id = app::raise(
            &app.db,
            &visit,
            &request(AlarmKind::ChildInDanger),
            app.now(),
        )
        .await
        .unwrap();
        app.pass(&monitor).await;

        let alarm = app.db.alarm(id).await.unwrap();
        let told = app.told_at_level(&alarm, 0).await;
        for part in ["office", "buddy", "dsl"] {
            assert!(told.contains(part), "[{b}] {part} not told: {told:?}");
        }
        let messages = app.level_messages(&alarm, 0).await;
        let office_by: Vec<String> = messages
            .iter()
            .filter(|n| n.staff_id == Some(app.people.office.0))
            .map(|n| n.channel.to_string())
            .collect();
        assert!(
            office_by.iter().any(|c| c == "sms"),
            "[{b}] the office is texted, not only shown in the app: {office_by:?}"
        );
        for n in &messages {
            assert!(n.body.contains("999"), "[{b}] {}", n.body);
        }

        let office = app.staff(app.people.office).await;
        let board = app::board::alarms(&app.app(), &office, None).await.unwrap();
        assert_eq!(
            board[0].alarm.id, id,
            "[{b}] the urgent alarm leads the board"
        );
        assert!(board[0].urgent, "[{b}]");
        assert!(!board[1].urgent, "[{b}] animals not secured is routine");
    }
}
