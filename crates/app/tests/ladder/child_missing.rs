//! A6, the child-missing path (#13 item 1), from the example absence protocol's section 5:
//! "asking the parent or carer to contact the school by 11:00 … If nobody has contacted the
//! school by 11:00, the DSL (or a Deputy DSL) will ring 101 and report the child missing … The
//! Headteacher is told."

use crate::helpers::{TestApp, backends, minutes};
use app::Channels;
use app::records::{LeaveSlipInput, leave_slip};
use chrono::{TimeZone, Utc};
use domain::monitor::AlarmKind;
use domain::visit::VisitStep;

#[tokio::test]
async fn a_slip_with_a_fixed_eleven_oclock_deadline_raises_the_child_missing_rung() {
    for backend in backends() {
        let app = TestApp::start(backend, "example-absence-protocol").await;
        let b = app.backend;
        let uc = app.app();
        let monitor = app.monitor(Channels::default());
        // Monday 10:00: out on the visit, and nobody is home.
        let visit = app.authorised_visit(60, 90).await;
        let visit = app.step(&visit, VisitStep::SignOut).await;
        app.advance(minutes(10));
        let teacher = app.staff(app.people.teacher).await;
        app::visits::nobody_home(&uc, &teacher, visit.id)
            .await
            .unwrap();
        let eleven = Utc.with_ymd_and_hms(2026, 11, 23, 11, 0, 0).unwrap();
        // A deadline typed by staff is not this school's way: the policy sets 11:00.
        let typed = LeaveSlipInput {
            respond_by: Some(eleven),
            ..LeaveSlipInput::default()
        };
        let err = leave_slip(&uc, &teacher, visit.id, typed)
            .await
            .unwrap_err();
        assert!(format!("{err:?}").contains("respond_by"), "[{b}] {err:?}");
        let slip = leave_slip(&uc, &teacher, visit.id, LeaveSlipInput::default())
            .await
            .unwrap();
        assert_eq!(
            slip.slip.respond_by, eleven,
            "[{b}] contact the school by 11:00"
        );
        assert!(
            slip.slip.message.contains("by 11:00"),
            "[{b}] the slip says 11:00: {}",
            slip.slip.message
        );
        let slip_alarm = |alarms: &[store::Alarm]| {
            alarms
                .iter()
                .find(|a| a.kind == AlarmKind::SlipDeadlinePassed.as_str())
                .cloned()
        };
        app.set(eleven - minutes(1));
        app.pass(&monitor).await;
        assert!(
            slip_alarm(&app.alarms_of(&visit).await).is_none(),
            "[{b}] nothing before 11:00"
        );
        app.set(eleven);
        app.pass(&monitor).await;
        let alarm = slip_alarm(&app.alarms_of(&visit).await)
            .unwrap_or_else(|| panic!("[{b}] no slip alarm at 11:00"));
        let told = app.told_at_level(&alarm, 0).await;
        assert_eq!(
            told,
            crate::helpers::parts(["dsl", "head"]),
            "[{b}] the DSL and the Headteacher are told"
        );
        let messages = app.level_messages(&alarm, 0).await;
        assert!(
            messages.iter().any(|m| m.channel == "sms"),
            "[{b}] by SMS too"
        );
        for m in messages.iter().filter(|m| m.channel == "email") {
            assert!(
                m.body.contains("Ring 101 and report the child missing"),
                "[{b}] the school's instruction: {}",
                m.body
            );
        }
    }
}

#[tokio::test]
async fn a_missed_check_in_tells_the_visitors_line_manager_at_the_rung_the_policy_names() {
    for backend in backends() {
        let app = TestApp::start(backend, "example-absence-protocol").await;
        let b = app.backend;
        let monitor = app.monitor(Channels::default());
        // The teacher's line manager is the senior leader.
        let mut tx = app.db.begin().await.unwrap();
        tx.set_line_manager(app.people.teacher, Some(app.people.senior))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let visit = app.out_on_a_visit().await;
        // 4.1 "check in with the office every 30 minutes"; no check-in comes.
        app.advance(minutes(30));
        app.pass(&monitor).await;
        let alarm = app.the_alarm_of(&visit).await;
        assert_eq!(alarm.kind, AlarmKind::MissedCheckIn.as_str(), "[{b}]");
        // 4.2 "after 15 minutes, the office will tell the member of staff's line manager and
        // the DSL."
        app.advance(minutes(15));
        app.pass(&monitor).await;
        assert_eq!(
            app.told_at_level(&alarm, 1).await,
            crate::helpers::parts(["office", "senior", "dsl"]),
            "[{b}]"
        );
    }
}
