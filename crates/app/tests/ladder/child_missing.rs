//! A6, the child-missing path (#13 item 1), from the example absence protocol's section 5:
//! "asking the parent or carer to contact the school by 11:00 … If nobody has contacted the
//! school by 11:00, the DSL (or a Deputy DSL) will ring 101 and report the child missing … The
//! Headteacher is told."

use crate::helpers::{TestApp, backends, minutes};
use app::Channels;
use app::records::{LeaveSlipInput, child_missing_pack, leave_slip};
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
        // Every message links to the child-missing pack behind sign-in; none names the child.
        for m in &messages {
            assert!(
                m.body
                    .contains(&format!("/visits/{}/child-missing", visit.id)),
                "[{b}] {} links to the pack: {}",
                m.channel,
                m.body
            );
            assert!(!m.body.contains("Ava"), "[{b}] no child's name: {}", m.body);
        }
        the_pack_is_about_the_child(&app, &visit, eleven).await;
    }
}

/// The child-missing pack has every item, for the DSL and the head; a teacher cannot read it;
/// each read is audited.
async fn the_pack_is_about_the_child(
    app: &TestApp,
    visit: &store::Visit,
    eleven: chrono::DateTime<Utc>,
) {
    let b = app.backend;
    let uc = app.app();
    let mut tx = app.db.begin().await.unwrap();
    tx.add_caution(
        app.household,
        "Large dog; ask for it to be secured.",
        "previous visit",
        app.people.dsl,
        app.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let teacher = app.staff(app.people.teacher).await;
    let err = child_missing_pack(&uc, &teacher, visit.id)
        .await
        .unwrap_err();
    assert!(
        matches!(err, app::Refusal::Forbidden(_)),
        "[{b}] a teacher cannot read the pack: {err:?}"
    );
    let dsl = app.staff(app.people.dsl).await;
    let pack = child_missing_pack(&uc, &dsl, visit.id).await.unwrap();
    assert_eq!(pack.child, "Ava Smith", "[{b}]");
    assert_eq!(pack.year_group.as_deref(), Some("Year 4"), "[{b}]");
    assert_eq!(pack.slip.respond_by, eleven, "[{b}]");
    assert_eq!(pack.slip.address, "12 Westoe Road, South Shields", "[{b}]");
    assert_eq!(pack.slip.left_by, teacher.name, "[{b}]");
    assert!(!pack.slip.answered, "[{b}]");
    assert!(
        pack.instruction
            .contains("Ring 101 and report the child missing"),
        "[{b}] {}",
        pack.instruction
    );
    let tried: Vec<&str> = pack
        .contacts_tried
        .iter()
        .map(|c| c.what.as_str())
        .collect();
    assert!(
        tried[0].starts_with("Knocked: nobody answered the door")
            && tried[1].starts_with("Home Visit Slip put through the door"),
        "[{b}] {tried:?}"
    );
    let phones: Vec<(&str, Option<&str>)> = pack
        .contacts
        .iter()
        .map(|c| {
            (
                c.relationship.as_str(),
                c.phone.as_ref().map(|p| p.as_str()),
            )
        })
        .collect();
    assert_eq!(
        phones,
        [("", Some("01914567890")), ("mother", Some("07700900555"))],
        "[{b}] the landline and the mother's mobile"
    );
    assert_eq!(
        pack.cautions,
        ["Large dog; ask for it to be secured."],
        "[{b}]"
    );
    let text = pack.to_string();
    for item in [
        "Last seen: Doorstep holds no record; check the register in the MIS",
        "Left at: 10:10 GMT on Mon 23 Nov 2026",
        "Family to respond by: 11:00 GMT on Mon 23 Nov 2026",
        "Jo Smith (mother): 07700900555",
    ] {
        assert!(text.contains(item), "[{b}] '{item}' in:\n{text}");
    }
    let head = app.staff(app.people.head).await;
    child_missing_pack(&uc, &head, visit.id).await.unwrap();
    let reads = app
        .db
        .audit_trail(dsl.trust_id, None, Some(("visit", visit.id.0)), 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.action == "visit.child_missing_pack.read")
        .count();
    assert_eq!(reads, 2, "[{b}] the DSL's and the head's reads are audited");
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
