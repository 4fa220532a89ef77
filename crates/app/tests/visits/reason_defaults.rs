//! Per-reason defaults from the policy text: St Joseph's nursery visits "will last around 30
//! minutes", so a nursery visit planned with no time for leaving the house gets 30 minutes.

use crate::helpers::{TestApp, backends, minutes};
use app::Refusal;
use app::visits::{self, AppointmentInput, VisitPlanInput, VisitorInput};
use domain::visit::ReturnsTo;

pub(crate) fn plan(t: &TestApp, reason: &str) -> VisitPlanInput {
    let now = t.now();
    VisitPlanInput {
        pupil_id: t.pupil().0,
        reason_category: reason.into(),
        purpose: "Meet the family before the child starts nursery"
            .parse()
            .unwrap(),
        parents_could_come_in: Some(false),
        parents_come_in_note: None,
        appointment: AppointmentInput::Agreed { agenda: None },
        expect_to_see: None,
        planned_leave_school: now + minutes(60),
        planned_arrive: now + minutes(75),
        planned_leave_property: None,
        planned_return: None,
        returns_to: ReturnsTo::School,
        joint_agency: None,
        transport: None,
        visitors: vec![
            VisitorInput {
                staff_id: t.people.teacher.0,
                role_on_visit: "Nursery teacher".parse().unwrap(),
            },
            VisitorInput {
                staff_id: t.people.liaison.0,
                role_on_visit: "Nursery practitioner".parse().unwrap(),
            },
        ],
        buddy_staff_id: Some(t.people.buddy.0),
        backup_staff_id: None,
        code_word: None,
        vehicle_id: None,
    }
}

#[tokio::test]
async fn a_nursery_visit_planned_with_no_end_time_lasts_thirty_minutes() {
    for backend in backends() {
        let t = TestApp::start(backend, "st-josephs").await;
        let app = t.app();
        let teacher = t.staff(t.people.teacher).await;
        let input = plan(&t, "nursery_transition");
        let arrive = input.planned_arrive;
        let made = visits::create(&app, &teacher, input).await.unwrap();
        let stored = t.db.visit(made.visit.id).await.unwrap();
        assert_eq!(
            stored.planned_leave_property,
            arrive + minutes(30),
            "[{}] leaves the house 30 minutes after arriving",
            t.backend
        );
        // Back after the same 15-minute journey the other way.
        assert_eq!(
            stored.planned_return,
            arrive + minutes(45),
            "[{}]",
            t.backend
        );

        // A time typed by the staff wins over the usual length.
        let mut typed = plan(&t, "nursery_transition");
        typed.planned_leave_property = Some(arrive + minutes(50));
        let made = visits::create(&app, &teacher, typed).await.unwrap();
        let stored = t.db.visit(made.visit.id).await.unwrap();
        assert_eq!(
            stored.planned_leave_property,
            arrive + minutes(50),
            "[{}]",
            t.backend
        );
    }
}

#[tokio::test]
async fn a_visit_whose_reason_has_no_usual_length_must_say_when_it_leaves_the_house() {
    for backend in backends() {
        let t = TestApp::start(backend, "st-josephs").await;
        let teacher = t.staff(t.people.teacher).await;
        let refused = visits::create(&t.app(), &teacher, plan(&t, "attendance_concern")).await;
        match refused {
            Err(Refusal::Invalid { field, reason }) => {
                assert_eq!(field, "planned_leave_property", "[{}]", t.backend);
                assert!(
                    reason.contains("no usual length"),
                    "[{}] {reason}",
                    t.backend
                );
            }
            other => panic!(
                "[{}] expected a refusal naming the field: {:?}",
                t.backend,
                other.map(|d| d.visit.status)
            ),
        }
    }
}
