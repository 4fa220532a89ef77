//! The use cases of a visit in progress and of the office board, called as the JSON API and the
//! pages call them: a step racing "returned" changes nothing, every write leaves its audit row,
//! and the information pack keeps stored values today's parsers would refuse.

use crate::helpers::{TestApp, backends, minutes};
use app::out_on_visit::{self, AlarmInput, CheckInInput, ExtendInput};
use app::{Channels, Refusal};
use domain::monitor::AlarmKind;
use domain::visit::{VisitStep, apply};
use domain::{RoleSet, StaffId};
use store::{NewHousehold, NewStaff, NewVehicle, Visit};

/// Holds "back at school" written but not committed, as a concurrent request would, runs
/// `change` meanwhile, then commits the return; `change`'s answer.
async fn racing_a_return<F, T>(app: &TestApp, visit: &Visit, change: F) -> Result<T, Refusal>
where
    F: std::future::Future<Output = Result<T, Refusal>> + Send + 'static,
    T: Send + 'static,
{
    let now = app.now();
    let current = app.db.visit(visit.id).await.unwrap();
    let watch = app.db.watch(visit.id).await.unwrap();
    let next = apply(&current.state.0, VisitStep::Return { at_home: false }, now).unwrap();
    let mut tx = app.db.begin().await.unwrap();
    tx.set_visit_state(current.id, current.revision, &next, now)
        .await
        .unwrap();
    app::after_step_in(
        &mut tx,
        &current,
        watch,
        &next,
        &app.policy.settings,
        Some(app.people.teacher),
        now,
    )
    .await
    .unwrap();
    let change = tokio::spawn(change);
    // Long enough for the change to read the visit and wait on the return's lock.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    tx.commit().await.unwrap();
    change.await.unwrap()
}

async fn nothing_is_watched_and_no_alarm_follows(app: &TestApp, visit: &Visit) {
    let b = app.backend;
    assert!(app.db.watch(visit.id).await.unwrap().is_none(), "[{b}]");
    let deadlines = app.db.deadlines_of(visit.id).await.unwrap();
    assert!(deadlines.is_empty(), "[{b}] {deadlines:#?}");
    let monitor = app.monitor(Channels::default());
    app.advance(minutes(300));
    let pass = app.pass(&monitor).await;
    assert_eq!(pass.deadlines_fired, 0, "[{b}] {pass:?}");
    assert!(app.alarms_of(visit).await.is_empty(), "[{b}]");
}

async fn out_and_left(app: &TestApp) -> Visit {
    let visit = app.authorised_visit(20, 50).await;
    let visit = app.step(&visit, VisitStep::SignOut).await;
    let visit = app.step(&visit, VisitStep::Arrive).await;
    let left = VisitStep::LeaveProperty {
        early_for_safety: false,
    };
    app.step(&visit, left).await
}

#[tokio::test]
async fn more_time_asked_while_staff_sign_back_in_brings_no_watch_back() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let visit = out_and_left(&app).await;
        let (ctx, teacher, now) = (app.app(), app.staff(app.people.teacher).await, app.now());
        let input = ExtendInput {
            minutes: Some(30),
            reason: "Traffic".into(),
            client_ref: None,
        };
        let id = visit.id;
        let extended = racing_a_return(&app, &visit, async move {
            out_on_visit::extend(&ctx, &teacher, id, &input, now).await
        })
        .await;
        assert!(
            matches!(extended, Err(Refusal::Conflict { ref field, .. }) if field == "status"),
            "[{}] {extended:?}",
            app.backend
        );
        nothing_is_watched_and_no_alarm_follows(&app, &visit).await;
    }
}

#[tokio::test]
async fn a_buddy_hand_over_while_staff_sign_back_in_brings_no_watch_back() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let visit = out_and_left(&app).await;
        let (ctx, buddy, now) = (app.app(), app.staff(app.people.buddy).await, app.now());
        let (id, cover) = (visit.id, app.people.senior);
        let handed = racing_a_return(&app, &visit, async move {
            out_on_visit::hand_over_buddy(&ctx, &buddy, id, Some(cover), now).await
        })
        .await;
        assert!(
            matches!(handed, Err(Refusal::Conflict { ref field, .. }) if field == "status"),
            "[{}] {handed:?}",
            app.backend
        );
        nothing_is_watched_and_no_alarm_follows(&app, &visit).await;
    }
}

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
async fn a_check_in_an_extension_and_a_panic_each_leave_an_audit_row() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let b = app.backend;
        let visit = app.out_on_a_visit().await;
        let teacher = app.staff(app.people.teacher).await;
        let liaison = app.staff(app.people.liaison).await;
        // One check-in alone, one through the group commit (as the server writes them).
        let alone = app.app();
        let grouped = app.app().with_group_commit();
        app.advance(minutes(5));
        let input = CheckInInput::default();
        out_on_visit::check_in(&alone, &teacher, visit.id, &input, app.now())
            .await
            .unwrap();
        app.advance(minutes(5));
        out_on_visit::check_in(&grouped, &liaison, visit.id, &input, app.now())
            .await
            .unwrap();
        let more = ExtendInput {
            minutes: None,
            reason: "Mum arrived late".into(),
            client_ref: None,
        };
        out_on_visit::extend(&alone, &teacher, visit.id, &more, app.now())
            .await
            .unwrap();
        let tap = AlarmInput {
            client_ref: Some("tap-1".into()),
            ..Default::default()
        };
        let panic = AlarmKind::Panic;
        let first = out_on_visit::raise_alarm(&alone, &teacher, visit.id, panic, &tap, app.now())
            .await
            .unwrap();
        // The phone's queue sends the same tap again: no second alarm, no second row.
        let again = out_on_visit::raise_alarm(&alone, &teacher, visit.id, panic, &tap, app.now())
            .await
            .unwrap();
        assert!(first.newly_raised && !again.newly_raised, "[{b}]");
        let actions = audited(&app, &visit).await;
        let of = |a: &str| actions.iter().filter(|x| *x == a).count();
        assert_eq!(of("visit.check_in"), 2, "[{b}] {actions:?}");
        assert_eq!(of("visit.extend"), 1, "[{b}] {actions:?}");
        assert_eq!(of("visit.panic"), 1, "[{b}] {actions:?}");
    }
}

#[tokio::test]
async fn acknowledging_and_resolving_an_alarm_are_audited() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let b = app.backend;
        let visit = app.out_on_a_visit().await;
        let (ctx, teacher) = (app.app(), app.staff(app.people.teacher).await);
        let raised = out_on_visit::raise_alarm(
            &ctx,
            &teacher,
            visit.id,
            AlarmKind::Panic,
            &AlarmInput::default(),
            app.now(),
        )
        .await
        .unwrap();
        let senior = app.staff(app.people.senior).await;
        let acked = app::board::acknowledge(&ctx, &senior, raised.alarm_id, "On it", app.now())
            .await
            .unwrap();
        assert_eq!(acked.alarm.state, "acknowledged", "[{b}]");
        app::board::resolve(&ctx, &senior, raised.alarm_id, "All safe", app.now())
            .await
            .unwrap();
        let trust = app.db.school(app.school).await.unwrap().trust_id;
        let rows = app
            .db
            .audit_trail(trust, None, Some(("alarm", raised.alarm_id)), 10)
            .await
            .unwrap();
        let actions: Vec<&str> = rows.iter().rev().map(|r| r.action.as_str()).collect();
        assert_eq!(actions, ["alarm.acknowledge", "alarm.resolve"], "[{b}]");
    }
}

#[tokio::test]
async fn the_information_pack_keeps_stored_values_that_no_longer_parse() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let b = app.backend;
        let now = app.now();
        // Typed before the parsers became strict: none of these parses today.
        let mut tx = app.db.begin().await.unwrap();
        let household = tx
            .create_household(
                &NewHousehold {
                    school: app.school,
                    family_name: "Jones",
                    address: "3 Dean Road, South Shields",
                    postcode: "NE33 HOUSE",
                    landline: Some("0191 45"),
                    language_notes: None,
                    pets: None,
                },
                now,
            )
            .await
            .unwrap();
        let vehicle = tx
            .add_vehicle(&NewVehicle {
                staff: app.people.teacher,
                registration: "AB-12-CDE (grey)",
                make_model: None,
                licence_expires: None,
                mot_expires: None,
                insurance_expires: None,
                business_insurance: true,
            })
            .await
            .unwrap();
        let trust = app.db.school(app.school).await.unwrap().trust_id;
        let roles = RoleSet::new(vec![domain::Role::Office]);
        let cover: StaffId = tx
            .create_staff(
                &NewStaff {
                    trust,
                    school: Some(app.school),
                    name: "Cover Office",
                    email: "cover@school.test",
                    mobile: Some("ext. 214"),
                    job_title: None,
                    password_hash: "not-a-real-hash",
                    roles: &roles,
                },
                now,
            )
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let visit = app.authorised_visit_to(household, vehicle, 20, 50).await;
        let visit = app.step(&visit, VisitStep::SignOut).await;
        let ctx = app.app();
        let buddy = app.staff(app.people.buddy).await;
        out_on_visit::hand_over_buddy(&ctx, &buddy, visit.id, Some(cover), now)
            .await
            .unwrap();
        let senior = app.staff(app.people.senior).await;
        let pack = app::board::information_pack(&ctx, &senior, visit.id, now)
            .await
            .unwrap();
        for shown in [
            "Postcode: NE33 HOUSE",
            "Family landline: 0191 45",
            "Car registration: AB-12-CDE (grey)",
            "Buddy at school: Cover Office (buddy), mobile ext. 214",
        ] {
            assert!(pack.contains(shown), "[{b}] missing {shown:?} in:\n{pack}");
        }
    }
}
