//! The school the render timings are taken on: the Harton preset with 500 visits out, 50 waiting
//! for authorisation and 20 alarms, and a signed-in session (second factor done) per person.

use super::OUT;
use crate::create_school_on_preset;
use chrono::{Duration, NaiveDate, Utc};
use domain::visit::{VisitState, VisitStep, apply};
use domain::{Role, RoleSet, SchoolId, StaffId, TrustId};
use sha2::{Digest, Sha256};
use store::{Db, NewHousehold, NewPupil, NewStaff, NewVisit, Tx, VisitorOnPlan};

async fn person(
    tx: &mut Tx,
    trust: TrustId,
    school: SchoolId,
    n: usize,
    roles: &[Role],
) -> StaffId {
    let email = format!("p{n}@timing.test");
    tx.create_staff(
        &NewStaff {
            trust,
            school: Some(school),
            name: &format!("Person {n}"),
            email: &email,
            mobile: Some("07700900123"),
            job_title: Some("Teacher"),
            password_hash: "not used: sessions are made directly",
            roles: &RoleSet::new(roles.to_vec()),
        },
        Utc::now(),
    )
    .await
    .expect("staff")
}

/// A signed-in session that has just typed its authenticator code (the step-up before
/// safeguarding pages), so every page renders rather than asking for the code.
async fn session(db: &Db, staff: StaffId, token: &str) -> String {
    let now = Utc::now();
    let hash = hex::encode(Sha256::digest(token.as_bytes()));
    db.create_session(&hash, staff, now, now + Duration::hours(1))
        .await
        .expect("session");
    db.set_session_second_factor(&hash, now)
        .await
        .expect("stepping the session up");
    format!("doorstep_session={token}")
}

pub(super) struct Seeded {
    pub(super) teacher: String,
    pub(super) head: String,
    pub(super) office: String,
    pub(super) out_visit: i64,
    pub(super) draft_visit: i64,
    pub(super) requested_visit: i64,
    pub(super) household: i64,
    pub(super) pupil: i64,
    pub(super) teacher_id: i64,
    pub(super) office_id: i64,
}

/// A school on the Harton preset with 500 visits signed out (each to its own household, two
/// staff and a buddy each), 50 waiting for authorisation and 20 alarms raised.
pub(super) async fn seed(db: &Db) -> Seeded {
    let now = Utc::now();
    let mut tx = db.begin().await.expect("tx");
    let trust = tx.create_trust("Timing Trust").await.expect("trust");
    let school =
        create_school_on_preset(&mut tx, trust, "Timing Academy", None, "harton", None, now)
            .await
            .expect("school");
    let head = person(&mut tx, trust, school, 0, &[Role::Headteacher]).await;
    let office = person(&mut tx, trust, school, 1, &[Role::Office]).await;
    let buddy = person(&mut tx, trust, school, 2, &[Role::Dsl]).await;
    let mut visitors = Vec::new();
    for n in 0..60 {
        visitors.push(person(&mut tx, trust, school, 10 + n, &[Role::VisitingStaff]).await);
    }
    tx.commit().await.expect("commit");
    let policy = db.current_policy(school).await.expect("policy");
    let mut ids = Vec::new();
    let (mut household, mut pupil) = (0, 0);
    for i in 0..OUT + 51 {
        let mut tx = db.begin().await.expect("tx");
        let h = tx
            .create_household(
                &NewHousehold {
                    school,
                    family_name: &format!("Family{i}"),
                    address: &format!("{i} Long Road, South Shields"),
                    postcode: "NE33 3PX",
                    landline: None,
                    language_notes: None,
                    pets: None,
                },
                now,
            )
            .await
            .expect("household");
        let p = tx
            .create_pupil(&NewPupil {
                school,
                household: h,
                name: &format!("Pupil {i}"),
                date_of_birth: NaiveDate::from_ymd_opt(2016, 1, 1).expect("date"),
                height_cm: Some(130),
                year_group: Some("Year 5"),
            })
            .await
            .expect("pupil");
        (household, pupil) = (h.0, p.0);
        let pair = [visitors[i % 60], visitors[(i + 1) % 60]];
        let on: Vec<VisitorOnPlan> = pair
            .iter()
            .map(|s| VisitorOnPlan {
                staff: *s,
                role_on_visit: "class teacher".into(),
                is_driver: false,
            })
            .collect();
        let leave = now - Duration::minutes(20);
        let id = tx
            .create_visit(
                &NewVisit {
                    school,
                    pupil: p,
                    household: h,
                    policy_version: policy.id,
                    reason_category: "attendance_concern",
                    purpose: "Attendance",
                    parents_could_come_in: Some(false),
                    parents_come_in_note: None,
                    appointment: "agreed",
                    agenda: None,
                    unannounced_reason: None,
                    expect_to_see: None,
                    planned_leave_school: leave,
                    planned_arrive: leave + Duration::minutes(15),
                    planned_leave_property: leave + Duration::minutes(60),
                    planned_return: leave + Duration::minutes(75),
                    returns_to: "school",
                    first_visit: true,
                    joint_agency: None,
                    transport: None,
                    buddy: Some(buddy),
                    backup: None,
                    code_word: Some("bluebell"),
                    vehicle: None,
                    visitors: &on,
                    rescheduled_from: None,
                },
                pair[0],
                now,
            )
            .await
            .expect("visit");
        tx.commit().await.expect("commit");
        ids.push(id);
        let visit = db.visit(id).await.expect("visit");
        let mut state = VisitState::Draft;
        let steps: &[VisitStep] = match i {
            i if i < OUT => &[
                VisitStep::Request { by: pair[0] },
                VisitStep::Authorise { by: head },
                VisitStep::SignOut,
            ],
            i if i < OUT + 50 => &[VisitStep::Request { by: pair[0] }],
            _ => &[],
        };
        let mut revision = visit.revision;
        let mut tx = db.begin().await.expect("tx");
        if i < OUT {
            // As the authorise use case records it: what makes the visitors involved (A9).
            tx.add_decision(id, head, "authorised", None, now)
                .await
                .expect("decision");
        }
        for step in steps {
            let next = apply(&state, step.clone(), now).expect("step");
            revision = tx
                .set_visit_state(id, revision, &next, now)
                .await
                .expect("state");
            app::after_step(
                &mut tx,
                db,
                &visit,
                None,
                &next,
                &policy.settings,
                None,
                now,
            )
            .await
            .expect("watch");
            state = next;
        }
        tx.commit().await.expect("commit");
        if i < 20 {
            let visit = db.visit(id).await.expect("visit");
            app::raise(
                db,
                &visit,
                &app::AlarmRequest {
                    kind: domain::monitor::AlarmKind::MissedCheckIn,
                    raised_by: None,
                    detail: serde_json::json!({}),
                },
                now + Duration::milliseconds(i as i64),
            )
            .await
            .expect("alarm");
        }
    }
    let teacher = visitors[0];
    Seeded {
        teacher: session(db, teacher, "teacher-token").await,
        head: session(db, head, "head-token").await,
        office: session(db, office, "office-token").await,
        out_visit: ids[0].0,
        requested_visit: ids[OUT].0,
        draft_visit: ids[OUT + 50].0,
        household,
        pupil,
        teacher_id: teacher.0,
        office_id: office.0,
    }
}
