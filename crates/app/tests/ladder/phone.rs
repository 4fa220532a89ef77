//! What the visitor's phone shows of the visit's alarms (#11 item 4), through the use cases the
//! Today page and its JSON status route call: who is dealing with a panic, nothing at all for a
//! duress alarm, a missed check-in in red with the ladder's instruction and the buddy's mobile,
//! and the panic button's pocket-tap guard.

use crate::helpers::{TestApp, backends, minutes};
use app::Channels;
use app::out_on_visit::{self, AlarmInput, CheckInInput};
use domain::monitor::AlarmKind;
use store::Visit;

async fn audited(app: &TestApp, visit: &Visit) -> Vec<String> {
    let trust = app.db.school(app.school).await.unwrap().trust_id;
    let rows = app
        .db
        .audit_trail(trust, Some(app.school), Some(("visit", visit.id.0)), 100)
        .await
        .unwrap();
    rows.into_iter().rev().map(|r| r.action).collect()
}

#[tokio::test]
async fn after_a_panic_the_phone_shows_who_is_dealing_with_it() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let b = app.backend;
        let visit = app.out_on_a_visit().await;
        let (ctx, teacher) = (app.app(), app.staff(app.people.teacher).await);
        let sent_at = app.now();
        let raised = out_on_visit::raise_alarm(
            &ctx,
            &teacher,
            visit.id,
            AlarmKind::Panic,
            &AlarmInput::default(),
            sent_at,
        )
        .await
        .unwrap();
        let before = out_on_visit::phone_status(&ctx, &teacher, visit.id, app.now())
            .await
            .unwrap();
        let help = before.help.expect("the panic is shown");
        assert_eq!(help.alarm_id, raised.alarm_id, "[{b}]");
        assert_eq!(help.sent_at, sent_at, "[{b}]");
        assert_eq!(help.taken_by, None, "[{b}] nobody has taken charge yet");

        app.advance(minutes(1));
        let office = app.staff(app.people.office).await;
        app::board::acknowledge(&ctx, &office, raised.alarm_id, "Ringing Tom", app.now())
            .await
            .unwrap();
        let after = out_on_visit::phone_status(&ctx, &teacher, visit.id, app.now())
            .await
            .unwrap();
        let help = after.help.expect("still shown until resolved");
        assert_eq!(help.taken_by.as_deref(), Some("Olive Office"), "[{b}]");
        assert_eq!(help.taken_at, Some(app.now()), "[{b}]");
        assert_eq!(after.missed, None, "[{b}]");
    }
}

#[tokio::test]
async fn a_duress_alarm_shows_nothing_on_the_phone() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let b = app.backend;
        let visit = app.out_on_a_visit().await;
        let (ctx, teacher) = (app.app(), app.staff(app.people.teacher).await);
        out_on_visit::set_duress_pin(&ctx, &teacher, "9911", app.now())
            .await
            .unwrap();
        let calm = out_on_visit::phone_status(&ctx, &teacher, visit.id, app.now())
            .await
            .unwrap();
        let input = CheckInInput {
            pin: Some("9911".into()),
            ..CheckInInput::default()
        };
        let answer = out_on_visit::check_in(&ctx, &teacher, visit.id, &input, app.now())
            .await
            .unwrap();
        assert!(answer.duress_alarm.is_some(), "[{b}] the PIN raised duress");
        // The buddy hears the code word too: still nothing on the visitor's phone.
        let buddy = app.staff(app.people.buddy).await;
        out_on_visit::raise_alarm(
            &ctx,
            &buddy,
            visit.id,
            AlarmKind::Duress,
            &AlarmInput::default(),
            app.now(),
        )
        .await
        .unwrap();
        let monitor = app.monitor(Channels::default());
        app.pass(&monitor).await;
        let after = out_on_visit::phone_status(&ctx, &teacher, visit.id, app.now())
            .await
            .unwrap();
        assert_eq!(after, calm, "[{b}] the phone looks as before");
        assert_eq!((after.help, after.missed), (None, None), "[{b}]");
    }
}

#[tokio::test]
async fn a_missed_check_in_shows_the_rungs_instruction_and_the_buddys_mobile() {
    for backend in backends() {
        let app = TestApp::start(backend, "reach2").await;
        let b = app.backend;
        let visit = app.out_on_a_visit().await;
        let (ctx, teacher) = (app.app(), app.staff(app.people.teacher).await);
        let check_in = &app.policy.settings.check_in;
        let late = i64::from(check_in.interval_minutes + check_in.grace_minutes) + 1;
        app.advance(minutes(late));
        let monitor = app.monitor(Channels::default());
        app.pass(&monitor).await;
        let status = out_on_visit::phone_status(&ctx, &teacher, visit.id, app.now())
            .await
            .unwrap();
        let missed = status.missed.expect("the card is red");
        assert_eq!(missed.kind, "missed_check_in", "[{b}]");
        assert!(
            missed.instruction.contains("Phone your buddy now"),
            "[{b}] REAch2's first rung: {missed:?}"
        );
        let buddy = app.staff(app.people.buddy).await;
        assert_eq!(missed.buddy_mobile, buddy.mobile, "[{b}]");
        assert_eq!(missed.buddy_name, Some(buddy.name), "[{b}]");

        // "I'm OK" answers the alarm and the card is ordinary again.
        out_on_visit::check_in(
            &ctx,
            &teacher,
            visit.id,
            &CheckInInput::default(),
            app.now(),
        )
        .await
        .unwrap();
        let status = out_on_visit::phone_status(&ctx, &teacher, visit.id, app.now())
            .await
            .unwrap();
        assert_eq!(status.missed, None, "[{b}]");
    }
}

#[tokio::test]
async fn a_pocket_tap_taken_back_raises_no_alarm_and_both_taps_are_recorded() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let b = app.backend;
        let visit = app.out_on_a_visit().await;
        let (ctx, teacher) = (app.app(), app.staff(app.people.teacher).await);
        out_on_visit::panic_pressed(&ctx, &teacher, visit.id, app.now())
            .await
            .unwrap();
        out_on_visit::panic_cancelled(&ctx, &teacher, visit.id, app.now())
            .await
            .unwrap();
        let monitor = app.monitor(Channels::default());
        app.pass(&monitor).await;
        assert!(app.alarms_of(&visit).await.is_empty(), "[{b}] no alarm");
        let trail = audited(&app, &visit).await;
        let taps: Vec<&str> = trail
            .iter()
            .map(String::as_str)
            .filter(|a| a.starts_with("visit.panic"))
            .collect();
        assert_eq!(
            taps,
            ["visit.panic_pressed", "visit.panic_cancelled"],
            "[{b}]"
        );
    }
}
