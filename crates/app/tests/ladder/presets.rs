//! Each preset's missed-check-in ladder, walked level by level on a moved clock.

use crate::helpers::{TestApp, backends, minutes, parts, reached};
use app::Channels;
use chrono::Duration;
use std::collections::BTreeSet;

#[tokio::test]
async fn harton_missed_check_in_climbs_the_ladder_one_level_at_a_time() {
    walk_the_missed_check_in_ladder("harton").await;
}

#[tokio::test]
async fn st_josephs_missed_check_in_climbs_the_ladder_one_level_at_a_time() {
    walk_the_missed_check_in_ladder("st-josephs").await;
}

#[tokio::test]
async fn reach2_missed_check_in_climbs_the_ladder_one_level_at_a_time() {
    walk_the_missed_check_in_ladder("reach2").await;
}

#[tokio::test]
async fn hsp_missed_check_in_climbs_the_ladder_one_level_at_a_time() {
    walk_the_missed_check_in_ladder("hsp").await;
}

#[tokio::test]
async fn sen_trust_southend_missed_check_in_climbs_the_ladder_one_level_at_a_time() {
    walk_the_missed_check_in_ladder("sen-trust-southend").await;
}

/// Who each rung of every shipped ladder tells, by part.
fn expected_parts(level: usize) -> BTreeSet<&'static str> {
    match level {
        0 => parts(["teacher", "liaison"]),
        1 => parts(["buddy", "office"]),
        2 => parts(["senior", "dsl"]),
        _ => parts(["senior", "dsl", "head"]),
    }
}

async fn walk_the_missed_check_in_ladder(preset: &str) {
    for backend in backends() {
        let app = TestApp::start(backend, preset).await;
        let b = app.backend;
        let monitor = app.monitor(Channels::default());
        let visit = app.out_on_a_visit().await;
        let rule = app.policy.settings.check_in.clone();
        let ladder = app.policy.settings.escalation.clone();
        assert_eq!(ladder.len(), 4, "[{b}] {preset} has a four-rung ladder");
        let fires_at = app.now()
            + minutes(i64::from(rule.interval_minutes))
            + minutes(i64::from(rule.grace_minutes));

        app.set(fires_at - Duration::seconds(1));
        let before = app.pass(&monitor).await;
        assert_eq!(
            (before.deadlines_fired, before.levels_fired),
            (0, 0),
            "[{b}] {preset}: nothing fires inside the grace period"
        );
        assert!(app.alarms_of(&visit).await.is_empty());

        app.set(fires_at);
        let first = app.pass(&monitor).await;
        assert_eq!(
            (first.deadlines_fired, first.levels_fired),
            (1, 1),
            "[{b}] {preset}: {first:?}"
        );
        let alarm = app.the_alarm_of(&visit).await;
        assert_eq!(alarm.kind, "missed_check_in");
        assert_eq!(alarm.raised_at, fires_at);
        assert_eq!(app.levels_fired(&alarm).await, vec![0]);
        let level0 = app.level_messages(&alarm, 0).await;
        let visitors_by_app_and_text: BTreeSet<_> = ["teacher", "liaison"]
            .into_iter()
            .flat_map(|p| [(p, "in_app".to_string()), (p, "sms".to_string())])
            .collect();
        assert_eq!(
            reached(&app, &level0),
            visitors_by_app_and_text,
            "[{b}] {preset}"
        );

        let queued = app.notifications(&alarm).await.len();
        let again = app.pass(&monitor).await;
        assert_eq!(
            (again.deadlines_fired, again.levels_fired),
            (0, 0),
            "[{b}] {preset}: a second pass at the same time fires nothing twice"
        );
        assert_eq!(app.notifications(&alarm).await.len(), queued);

        for (i, level) in ladder.iter().enumerate().skip(1) {
            let due = fires_at + minutes(i64::from(level.after_minutes));
            app.set(due - Duration::seconds(1));
            let early = app.pass(&monitor).await;
            assert_eq!(early.levels_fired, 0, "[{b}] {preset}: level {i} early");

            app.set(due);
            let fired = app.pass(&monitor).await;
            assert_eq!(fired.levels_fired, 1, "[{b}] {preset}: level {i} on time");
            let expected: Vec<i64> = (0..=i64::try_from(i).unwrap()).collect();
            assert_eq!(app.levels_fired(&alarm).await, expected, "[{b}] {preset}");
            assert_eq!(
                app.told_at_level(&alarm, i).await,
                expected_parts(i),
                "[{b}] {preset}: who level {i} tells"
            );
            // Every person on every channel of the rung, except the webhook (none configured).
            let messages = app.level_messages(&alarm, i).await;
            let channels: BTreeSet<String> =
                messages.iter().map(|n| n.channel.to_string()).collect();
            let wanted: BTreeSet<String> = level
                .channels
                .iter()
                .map(|c| {
                    serde_json::to_value(c)
                        .unwrap()
                        .as_str()
                        .unwrap()
                        .to_string()
                })
                .filter(|c| c != "webhook")
                .collect();
            assert_eq!(channels, wanted, "[{b}] {preset}: level {i} channels");
            assert_eq!(messages.len(), expected_parts(i).len() * wanted.len());

            let repeat = app.pass(&monitor).await;
            assert_eq!(repeat.levels_fired, 0, "[{b}] {preset}: level {i} again");
            assert_eq!(app.level_messages(&alarm, i).await.len(), messages.len());
        }

        let top = app.level_messages(&alarm, 3).await;
        // The pack goes on every channel but SMS (see the messages tests).
        for n in top.iter().filter(|n| n.channel != "sms") {
            assert!(
                n.body.contains("INFORMATION PACK")
                    && n.body
                        .contains("Drive past the property to check if the vehicle is there")
                    && n.body.contains("Car registration: AB12CDE")
                    && n.body.contains("12 Westoe Road, South Shields"),
                "[{b}] {preset}: the top level carries the pack and checklist:\n{}",
                n.body
            );
            assert!(n.body.to_lowercase().contains("drive past the property"));
        }
        for i in 0..3 {
            let lower = app.level_messages(&alarm, i).await;
            assert!(lower.iter().all(|n| !n.body.contains("INFORMATION PACK")));
        }
        let alarm = app.db.alarm(alarm.id).await.unwrap();
        assert_eq!(
            alarm.next_level_at,
            Some(app.now() + minutes(5)),
            "[{b}] {preset}: the ladder is climbed; its top rung repeats in five minutes"
        );

        app.advance(minutes(60));
        let after = app.pass(&monitor).await;
        assert_eq!(after.levels_fired, 1, "[{b}] {preset}: one repeat");
        assert_eq!(app.alarms_of(&visit).await.len(), 1);
    }
}
