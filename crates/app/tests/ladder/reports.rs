//! G5: the governors' report of a term of visits, alarms with known times to acknowledge, slips,
//! incidents, blocks and overdue actions — every figure, the CSV tables and the PDF's text
//! (`pdftotext`), with no child named anywhere; who may read it; every read audited.

use crate::helpers::{TestApp, backends, minutes};
use app::AlarmRequest;
use app::reports::{governors_report, parse_range};
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use domain::monitor::AlarmKind;
use domain::visit::{VisitState, VisitStep};
use domain::{Role, RoleSet, StaffId};
use store::{
    IncidentDraft, NewAction, NewIncident, NewSlip, NewStaff, NewVisit, Visit, VisitorOnPlan,
};

/// A visit for `visitors` planned to leave school at `at`, for `reason`, left in `state`.
async fn planned(
    app: &TestApp,
    visitors: &[StaffId],
    reason: &str,
    at: chrono::DateTime<Utc>,
    state: Option<VisitState>,
) -> Visit {
    let plan: Vec<VisitorOnPlan> = visitors
        .iter()
        .map(|s| VisitorOnPlan {
            staff: *s,
            role_on_visit: "Class teacher".into(),
            is_driver: false,
        })
        .collect();
    let mut tx = app.db.begin().await.unwrap();
    let id = tx
        .create_visit(
            &NewVisit {
                school: app.school,
                pupil: app.pupil,
                household: app.household,
                policy_version: app.policy.id,
                reason_category: reason,
                purpose: "Ava Smith has not been seen for a week",
                parents_could_come_in: Some(false),
                parents_come_in_note: None,
                appointment: "arranged",
                agenda: None,
                unannounced_reason: None,
                expect_to_see: Some("Jo Smith and Ava"),
                planned_leave_school: at,
                planned_arrive: at + minutes(10),
                planned_leave_property: at + minutes(60),
                planned_return: at + minutes(90),
                returns_to: "school",
                first_visit: false,
                joint_agency: None,
                transport: None,
                buddy: Some(app.people.buddy),
                backup: None,
                code_word: Some("pineapple"),
                vehicle: None,
                visitors: &plan,
                rescheduled_from: None,
            },
            app.people.teacher,
            app.now(),
        )
        .await
        .unwrap();
    if let Some(state) = state {
        tx.set_visit_state(id, 1, &state, app.now()).await.unwrap();
    }
    tx.commit().await.unwrap();
    app.db.visit(id).await.unwrap()
}

async fn alarm(app: &TestApp, visit: &Visit, kind: AlarmKind, ack: Option<(StaffId, i64)>) {
    let req = AlarmRequest {
        kind,
        raised_by: Some(app.people.teacher),
        detail: serde_json::json!({}),
    };
    let id = app::raise(&app.db, visit, &req, app.now()).await.unwrap();
    if let Some((by, after)) = ack {
        app.advance(minutes(after));
        let by = app.staff(by).await;
        app::acknowledge(&app.db, id, &by, "on it", app.now())
            .await
            .unwrap();
    }
    app.advance(minutes(1));
}

async fn slip(app: &TestApp, visit: &Visit, respond_in: Duration, answer_after: Option<i64>) {
    let mut tx = app.db.begin().await.unwrap();
    let now = app.now();
    tx.create_slip(
        &NewSlip {
            visit: visit.id,
            school: app.school,
            pupil: visit.pupil_id,
            left_at: now,
            respond_by: now + respond_in,
            message: "Sorry we missed you, Ava Smith's family",
            left_by: app.people.teacher,
        },
        now,
    )
    .await
    .unwrap();
    if let Some(after) = answer_after {
        let s = tx.slip_of_visit(visit.id).await.unwrap().unwrap();
        tx.record_slip_response(
            &s,
            "Jo Smith rang",
            None,
            now + minutes(after),
            app.people.office,
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

/// Builds the term: 6 visits in it and one in August that must not count.
async fn build_term(app: &TestApp) {
    let p = app.people;
    let now = app.now();
    let a = planned(
        app,
        &[p.teacher, p.liaison],
        "attendance_concern",
        now,
        None,
    )
    .await;
    let authorised = Some(VisitState::Authorised {
        authorised_at: now,
        authorised_by: p.head,
    });
    let a = app.db.visit(a.id).await.unwrap();
    let mut tx = app.db.begin().await.unwrap();
    tx.set_visit_state(a.id, a.revision, authorised.as_ref().unwrap(), now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let a = app.db.visit(a.id).await.unwrap();
    let a = app.step(&a, VisitStep::SignOut).await;
    let a = app.bring_back(&a).await;
    let b = planned(
        app,
        &[p.teacher, p.liaison],
        "attendance_concern",
        now,
        authorised.clone(),
    )
    .await;
    let b = app.step(&b, VisitStep::SignOut).await;
    let c = planned(
        app,
        &[p.teacher],
        "first_day_absence",
        now,
        authorised.clone(),
    )
    .await;
    let c = app.step(&c, VisitStep::SignOut).await;
    let c = app.step(&c, VisitStep::Arrive).await;
    let c = app.step(&c, VisitStep::NobodyHome).await;
    let mut nobody_home = Vec::new();
    for _ in 0..2 {
        let v = planned(
            app,
            &[p.liaison, p.buddy],
            "attendance_concern",
            now,
            authorised.clone(),
        )
        .await;
        let v = app.step(&v, VisitStep::SignOut).await;
        let v = app.step(&v, VisitStep::Arrive).await;
        nobody_home.push(app.step(&v, VisitStep::NobodyHome).await);
    }
    let requested = Some(VisitState::Requested {
        requested_at: now,
        requested_by: p.teacher,
    });
    let d = planned(
        app,
        &[p.teacher, p.liaison],
        "refusing_school",
        now,
        requested,
    )
    .await;
    let head = app.staff(p.head).await;
    let comment = app::visits::CommentInput {
        // An adult with another surname and an address: no list of pupils' names catches them.
        comment: "Ava Smith is staying with Mr Okafor at 3 Marsden Lane this week"
            .parse()
            .unwrap(),
    };
    app::visits::decline(&app.app(), &head, d.id, comment)
        .await
        .unwrap();
    let august = Utc.with_ymd_and_hms(2026, 8, 20, 9, 0, 0).unwrap();
    let e = planned(
        app,
        &[p.teacher],
        "refusing_school",
        august,
        authorised.clone(),
    )
    .await;

    // Alarms: panic acknowledged after 4 (DSL), 10 (head) and 2 (office) minutes; a duress
    // alarm nobody acknowledged.
    alarm(app, &a, AlarmKind::Panic, Some((p.dsl, 4))).await;
    alarm(app, &b, AlarmKind::Panic, Some((p.head, 10))).await;
    alarm(app, &c, AlarmKind::Panic, Some((p.office, 2))).await;
    alarm(app, &c, AlarmKind::Duress, None).await;
    let _ = e;

    // Slips: answered in time, deadline passed unanswered, deadline still to come.
    slip(app, &c, Duration::hours(24), Some(30)).await;
    slip(app, &nobody_home[0], Duration::hours(1), None).await;
    slip(app, &nobody_home[1], Duration::hours(48), None).await;

    // Incidents: one aggressive (the household blocked), one trip; one in August.
    let mut tx = app.db.begin().await.unwrap();
    for (kind, at, blocked) in [
        ("aggression", app.now(), true),
        ("trip", app.now(), false),
        ("trip", august, false),
    ] {
        tx.create_incident(
            &NewIncident {
                school: app.school,
                household: a.household_id,
                pupil: Some(a.pupil_id),
                visit: None,
                draft: IncidentDraft {
                    kind,
                    occurred_at: at,
                    location: Some("12 Westoe Road"),
                    account: "Ava Smith's father shouted",
                    people_involved: None,
                    injuries: None,
                    police_called: false,
                },
                author: p.teacher,
                due_at: at + Duration::hours(8),
                household_blocked: blocked,
                risk_review_requested: true,
            },
            app.now(),
        )
        .await
        .unwrap();
    }
    tx.block_household(a.household_id, "aggression", app.now())
        .await
        .unwrap();
    // Actions: one overdue, one not yet due, one done late (not overdue now).
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    for (due, done) in [(day(20), false), (day(30), false), (day(1), true)] {
        let id = tx
            .add_action(
                &NewAction {
                    school: app.school,
                    pupil: a.pupil_id,
                    visit: Some(a.id),
                    description: "Call Ava Smith's mother",
                    owner: p.teacher,
                    due_on: due,
                },
                p.dsl,
                app.now(),
            )
            .await
            .unwrap();
        if done {
            tx.complete_action(id, p.teacher, Some("done"), app.now())
                .await
                .unwrap();
        }
    }
    tx.commit().await.unwrap();
    // Past the one-hour slip's deadline, before the 48-hour one's.
    app.advance(Duration::hours(2));
}

mod checks;
use checks::{NEVER, check_csv, check_figures, check_pdf, counts};

#[tokio::test]
async fn governors_report_counts_a_term_and_names_no_child() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        build_term(&app).await;
        // G2: two staff confirm reading the policy (the office twice: counted once).
        for who in [app.people.teacher, app.people.office, app.people.office] {
            let who = app.staff(who).await;
            app::school_admin::acknowledge_policy(&app.app(), &who, app.school, app.now())
                .await
                .unwrap();
        }
        let head = app.staff(app.people.head).await;
        let range = parse_range(Some("this"), None, None, app.now().date_naive()).unwrap();
        let report = governors_report(&app.app(), &head, None, range.clone())
            .await
            .unwrap();
        check_figures(&report, app.backend);
        check_csv(&report);
        check_pdf(&report);
        let json = serde_json::to_string(&report).unwrap();
        for never in NEVER {
            assert!(!json.contains(never), "[{}] {json}", app.backend);
        }
        let trail = app
            .db
            .audit_trail(head.trust_id, Some(app.school), Some(("report", 0)), 5)
            .await
            .unwrap();
        assert_eq!(trail.len(), 1, "[{}] {trail:#?}", app.backend);
        assert_eq!(trail[0].action, "report.read");
        assert_eq!(trail[0].actor_staff_id, Some(head.id.0));

        // Last term (summer) holds only the August visit and incident.
        let last = parse_range(Some("last"), None, None, app.now().date_naive()).unwrap();
        let summer = governors_report(&app.app(), &head, None, last)
            .await
            .unwrap();
        assert_eq!((summer.visits, summer.alarms.len()), (1, 0));
        assert_eq!(counts(&summer.incidents_by_kind), [("trip", 1)]);

        // The chair of governors reads it; a visiting teacher may not.
        let mut tx = app.db.begin().await.unwrap();
        let chair = tx
            .create_staff(
                &NewStaff {
                    trust: head.trust_id,
                    school: Some(app.school),
                    name: "Carol Chair",
                    email: "chair@school.test",
                    mobile: None,
                    job_title: None,
                    password_hash: "not-a-real-hash",
                    roles: &RoleSet::new(vec![Role::ChairOfGovernors]),
                },
                app.now(),
            )
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let chair = app.staff(chair).await;
        let by_chair = governors_report(&app.app(), &chair, None, range.clone())
            .await
            .unwrap();
        assert_eq!(by_chair.visits, 6);
        let teacher = app.staff(app.people.teacher).await;
        let refused = governors_report(&app.app(), &teacher, None, range)
            .await
            .unwrap_err();
        assert!(
            matches!(refused, app::Refusal::Forbidden(_)),
            "[{}] {refused:?}",
            app.backend
        );
    }
}
