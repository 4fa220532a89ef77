//! A test app: the seeded school on a fresh database (SQLite, and PostgreSQL when installed), a
//! moved clock, and helpers in the school's words: plan a visit, sign out, move the clock, run a
//! monitor pass, and ask who was told what at each ladder level.

use crate::school::seed;
pub use crate::school::{Backend, People, backends};
use app::{Channels, Clock, Monitor, MonitorSettings, PassSummary};
use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::visit::{VisitState, VisitStep, apply};
use domain::{SchoolId, StaffId, VehicleId};
use std::collections::BTreeSet;
use store::{Alarm, Db, NewVisit, Notification, PolicyVersion, Secrets, Visit, VisitorOnPlan};
use tempfile::TempDir;

/// Monday 23 November 2026, 10:00 — GMT, so the school's clock reads the same as UTC.
pub fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap()
}

pub fn minutes(m: i64) -> Duration {
    Duration::minutes(m)
}

pub struct TestApp {
    pub backend: &'static str,
    pub db: Db,
    pub clock: Clock,
    pub school: SchoolId,
    pub policy: PolicyVersion,
    pub people: People,
    pub household: domain::HouseholdId,
    pub pupil: domain::PupilId,
    vehicle: VehicleId,
    _dir: Option<TempDir>,
}

impl TestApp {
    /// A school on `preset` with its staff, a household and a pupil, at [`start`].
    pub async fn start(backend: Backend, preset_name: &str) -> TestApp {
        let now = start();
        let db = Db::connect(&backend.url, Secrets::for_tests())
            .await
            .unwrap();
        let seeded = seed(&db, preset_name, now).await;
        TestApp {
            backend: backend.name,
            db,
            clock: Clock::manual(now),
            school: seeded.id,
            policy: seeded.policy,
            people: seeded.people,
            household: seeded.household,
            pupil: seeded.pupil,
            vehicle: seeded.vehicle,
            _dir: backend.dir,
        }
    }
    /// The use cases' context on this database and clock (no group commit, no monitor).
    pub fn app(&self) -> app::App {
        app::App::new(self.db.clone(), self.clock.clone())
    }

    /// The seeded pupil, for plans made through the use cases.
    #[allow(dead_code)]
    pub fn pupil(&self) -> domain::PupilId {
        self.pupil
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    pub fn set(&self, to: DateTime<Utc>) {
        self.clock.set(to);
    }

    /// A monitor instance on this database with these channels.
    pub fn monitor(&self, channels: Channels) -> Monitor {
        self.monitor_named("test", channels)
    }

    pub fn monitor_named(&self, instance: &str, channels: Channels) -> Monitor {
        Monitor::new(
            self.db.clone(),
            self.clock.clone(),
            channels,
            MonitorSettings::new(instance),
        )
    }

    /// One monitor pass at the clock's time.
    pub async fn pass(&self, monitor: &Monitor) -> PassSummary {
        monitor
            .run_once(self.now())
            .await
            .unwrap_or_else(|e| panic!("[{}] monitor pass failed: {e}", self.backend))
    }

    /// An authorised visit for the teacher and the liaison officer with the buddy at school,
    /// leaving now: expected to leave the property and be back these many minutes from now.
    pub async fn authorised_visit(&self, leave_property_in: i64, back_in: i64) -> Visit {
        self.authorised_visit_to(self.household, self.vehicle, leave_property_in, back_in)
            .await
    }

    /// [`TestApp::authorised_visit`] to another household, in another car.
    pub async fn authorised_visit_to(
        &self,
        household: domain::HouseholdId,
        vehicle: VehicleId,
        leave_property_in: i64,
        back_in: i64,
    ) -> Visit {
        let now = self.now();
        let visitors = [
            VisitorOnPlan {
                staff: self.people.teacher,
                role_on_visit: "Class teacher".into(),
                is_driver: true,
            },
            VisitorOnPlan {
                staff: self.people.liaison,
                role_on_visit: "Family liaison".into(),
                is_driver: false,
            },
        ];
        let mut tx = self.db.begin().await.unwrap();
        let id = tx
            .create_visit(
                &NewVisit {
                    school: self.school,
                    pupil: self.pupil,
                    household,
                    policy_version: self.policy.id,
                    reason_category: "attendance_concern",
                    purpose: "Safe and well check after three days' absence",
                    parents_could_come_in: Some(false),
                    parents_come_in_note: None,
                    appointment: "arranged",
                    agenda: None,
                    unannounced_reason: None,
                    expect_to_see: Some("Jo Smith and Ava"),
                    planned_leave_school: now,
                    planned_arrive: now + minutes(10),
                    planned_leave_property: now + minutes(leave_property_in),
                    planned_return: now + minutes(back_in),
                    returns_to: "school",
                    first_visit: false,
                    joint_agency: None,
                    transport: None,
                    buddy: Some(self.people.buddy),
                    backup: None,
                    code_word: Some("pineapple"),
                    vehicle: Some(vehicle),
                    visitors: &visitors,
                    rescheduled_from: None,
                },
                self.people.teacher,
                now,
            )
            .await
            .unwrap();
        let authorised = VisitState::Authorised {
            authorised_at: now,
            authorised_by: self.people.head,
        };
        tx.set_visit_state(id, 1, &authorised, now).await.unwrap();
        tx.commit().await.unwrap();
        self.db.visit(id).await.unwrap()
    }

    /// An authorised visit (leaving the property in 4 hours, back in 4½), signed out now and
    /// arrived at the house at once, so no "no word of arrival" alarm comes where the policy
    /// requires the tap: the check-ins are what is watched from here.
    pub async fn out_on_a_visit(&self) -> Visit {
        let visit = self.authorised_visit(240, 270).await;
        let visit = self.step(&visit, VisitStep::SignOut).await;
        self.step(&visit, VisitStep::Arrive).await
    }

    /// Moves the visit one step as the server does: the state machine, then the monitor's watch
    /// and deadlines, in one transaction.
    pub async fn step(&self, visit: &Visit, step: VisitStep) -> Visit {
        let now = self.now();
        let visit = self.db.visit(visit.id).await.unwrap();
        let watch = self.db.watch(visit.id).await.unwrap();
        let next = apply(&visit.state.0, step, now).unwrap();
        let mut tx = self.db.begin().await.unwrap();
        tx.set_visit_state(visit.id, visit.revision, &next, now)
            .await
            .unwrap();
        app::after_step(
            &mut tx,
            &self.db,
            &visit,
            watch,
            &next,
            &self.policy.settings,
            Some(self.people.teacher),
            now,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        self.db.visit(visit.id).await.unwrap()
    }

    /// Arrived, left and back at school, all now: the visit is no longer watched.
    pub async fn bring_back(&self, visit: &Visit) -> Visit {
        let visit = self.db.visit(visit.id).await.unwrap();
        let visit = match visit.state.0 {
            VisitState::SignedOut { .. } => self.step(&visit, VisitStep::Arrive).await,
            _ => visit,
        };
        let left = VisitStep::LeaveProperty {
            early_for_safety: false,
        };
        let visit = self.step(&visit, left).await;
        self.step(&visit, VisitStep::Return { at_home: false })
            .await
    }

    pub async fn staff(&self, id: StaffId) -> store::Staff {
        self.db.staff(id).await.unwrap()
    }

    /// The part a member of staff plays, as the assertions name them.
    pub fn part(&self, staff: i64) -> &'static str {
        let p = self.people;
        [
            (p.head, "head"),
            (p.dsl, "dsl"),
            (p.senior, "senior"),
            (p.office, "office"),
            (p.teacher, "teacher"),
            (p.liaison, "liaison"),
            (p.buddy, "buddy"),
        ]
        .into_iter()
        .find(|(id, _)| id.0 == staff)
        .map_or("someone else", |(_, part)| part)
    }

    pub async fn alarms_of(&self, visit: &Visit) -> Vec<Alarm> {
        self.db.alarms_of_visit(visit.id).await.unwrap()
    }

    pub async fn the_alarm_of(&self, visit: &Visit) -> Alarm {
        let alarms = self.alarms_of(visit).await;
        assert_eq!(alarms.len(), 1, "[{}] {alarms:#?}", self.backend);
        alarms.into_iter().next().unwrap()
    }

    pub async fn levels_fired(&self, alarm: &Alarm) -> Vec<i64> {
        let levels = self.db.alarm_levels_fired(alarm.id).await.unwrap();
        levels.into_iter().map(|(level, _)| level).collect()
    }

    pub async fn notifications(&self, alarm: &Alarm) -> Vec<Notification> {
        self.db.notifications_of_alarm(alarm.id).await.unwrap()
    }

    /// The messages one ladder level queued.
    pub async fn level_messages(&self, alarm: &Alarm, level: usize) -> Vec<Notification> {
        let prefix = format!("alarm:{}:level:{level}:", alarm.id);
        let all = self.notifications(alarm).await;
        all.into_iter()
            .filter(|n| n.idempotency_key.starts_with(&prefix))
            .collect()
    }

    /// Who a ladder level told, by part.
    pub async fn told_at_level(&self, alarm: &Alarm, level: usize) -> BTreeSet<&'static str> {
        let messages = self.level_messages(alarm, level).await;
        messages
            .iter()
            .filter_map(|n| n.staff_id)
            .map(|s| self.part(s))
            .collect()
    }
}

/// (part, channel) pairs, for comparing who was told on which channel.
pub fn reached(app: &TestApp, messages: &[Notification]) -> BTreeSet<(&'static str, String)> {
    messages
        .iter()
        .filter_map(|n| n.staff_id.map(|s| (app.part(s), n.channel.to_string())))
        .collect()
}

pub fn parts<const N: usize>(parts: [&'static str; N]) -> BTreeSet<&'static str> {
    parts.into_iter().collect()
}
