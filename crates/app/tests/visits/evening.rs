//! HSP: "no one should make an evening home visit on their own when there is no one at school to
//! provide backup or to report back to", judged on the whole visit: 17:30 to 00:15 is an evening.

use crate::helpers::{backends, minutes};
use crate::reason_defaults::plan;
use app::Refusal;
use app::visits;

#[tokio::test]
async fn a_lone_visit_from_half_past_five_to_a_quarter_past_midnight_needs_backup_at_school() {
    for backend in backends() {
        let t = crate::helpers::TestApp::start(backend, "hsp").await;
        let app = t.app();
        let teacher = t.staff(t.people.teacher).await;
        // Today 10:00 (GMT): leave school at 17:30, arrive 17:45, leave the house 00:15, back 00:30.
        let mut input = plan(&t, "attendance_concern");
        input.visitors.truncate(1);
        input.buddy_staff_id = None;
        input.planned_leave_school = t.now() + minutes(7 * 60 + 30);
        input.planned_arrive = t.now() + minutes(7 * 60 + 45);
        input.planned_leave_property = Some(t.now() + minutes(14 * 60 + 15));
        input.planned_return = Some(t.now() + minutes(14 * 60 + 30));
        let made = visits::create(&app, &teacher, input.clone()).await.unwrap();
        match visits::request(&app, &teacher, made.visit.id, Default::default()).await {
            Err(Refusal::Unmet(unmet)) => assert!(
                unmet.iter().any(|u| u.rule == "staffing.evening"),
                "[{}] {unmet:?}",
                t.backend
            ),
            other => panic!(
                "[{}] a lone late visit went ahead: {:?}",
                t.backend,
                other.map(|d| d.visit.status)
            ),
        }

        // With the buddy at school to back up and report back to, it may be asked for.
        input.backup_staff_id = Some(t.people.buddy.0);
        let made = visits::create(&app, &teacher, input).await.unwrap();
        let asked = visits::request(&app, &teacher, made.visit.id, Default::default())
            .await
            .unwrap();
        assert_eq!(asked.visit.status, "requested", "[{}]", t.backend);
    }
}
