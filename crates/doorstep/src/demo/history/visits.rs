//! The demo's past visits: the staff who made them, a completed visit (or one where nobody was
//! home) and its recorded outcome with follow-up actions.

use anyhow::{Context, Result};
use chrono::{DateTime, Duration, Utc};
use domain::visit::VisitState;
use domain::{HouseholdId, PupilId, SchoolId, StaffId, VisitId};
use store::{Db, NewAction, NewOutcome, NewVisit, VisitorOnPlan};

pub(super) struct People {
    pub(super) head: StaffId,
    pub(super) dsl: StaffId,
    pub(super) senior: StaffId,
    pub(super) office: StaffId,
}

pub(super) async fn people(db: &Db, domain: &str) -> Result<People> {
    let id = |local: &'static str| async move {
        let email = format!("{local}@{domain}");
        db.staff_login(&email)
            .await?
            .map(|(id, _)| id)
            .with_context(|| format!("demo staff {email}"))
    };
    Ok(People {
        head: id("head").await?,
        dsl: id("dsl").await?,
        senior: id("senior").await?,
        office: id("office").await?,
    })
}

/// A visit made on `day`: authorised, out at 10:00, back by 11:20, record completed. With
/// `nobody_home`, nobody answered the door at 10:20.
pub(super) async fn past_visit(
    db: &Db,
    school: SchoolId,
    household: HouseholdId,
    pupil: PupilId,
    p: &People,
    day: DateTime<Utc>,
    nobody_home: bool,
) -> Result<VisitId> {
    let policy = db.current_policy(school).await?;
    let reason = policy
        .settings
        .reason_categories
        .first()
        .map(|c| c.key.clone())
        .context("a reason")?;
    let at = |h: u32, m: u32| -> Result<DateTime<Utc>> {
        Ok(day
            .date_naive()
            .and_hms_opt(h, m, 0)
            .context("time")?
            .and_utc())
    };
    let visitors = [
        VisitorOnPlan {
            staff: p.dsl,
            role_on_visit: "designated safeguarding lead".into(),
            is_driver: false,
        },
        VisitorOnPlan {
            staff: p.senior,
            role_on_visit: "deputy headteacher".into(),
            is_driver: false,
        },
    ];
    let mut tx = db.begin().await?;
    let visit = tx
        .create_visit(
            &NewVisit {
                school,
                pupil,
                household,
                policy_version: policy.id,
                reason_category: &reason,
                purpose: "Leo has been absent for three days without contact; check he is safe and well.",
                parents_could_come_in: Some(false),
                parents_come_in_note: Some("No answer on the phone."),
                appointment: "unannounced",
                agenda: None,
                unannounced_reason: Some("Safe-and-well check: no contact for three days."),
                expect_to_see: Some("Leo's mother"),
                planned_leave_school: at(10, 0)?,
                planned_arrive: at(10, 20)?,
                planned_leave_property: at(11, 0)?,
                planned_return: at(11, 20)?,
                returns_to: "school",
                first_visit: true,
                joint_agency: None,
                transport: None,
                buddy: Some(p.office),
                backup: None,
                code_word: Some("heron"),
                vehicle: None,
                visitors: &visitors,
                rescheduled_from: None,
            },
            p.senior,
            at(8, 30)?,
        )
        .await?;
    tx.add_decision(
        visit,
        p.head,
        "authorised",
        Some("Go together; ring the office on leaving."),
        at(9, 0)?,
    )
    .await?;
    let mut steps = vec![
        ("requested", at(8, 40)?),
        ("authorised", at(9, 0)?),
        ("signed_out", at(10, 0)?),
    ];
    steps.push(if nobody_home {
        ("nobody_home", at(10, 20)?)
    } else {
        ("arrived", at(10, 20)?)
    });
    steps.extend([
        ("left_property", at(11, 0)?),
        ("returned", at(11, 20)?),
        ("record_completed", at(14, 0)?),
    ]);
    for (step, when) in &steps {
        tx.add_visit_event(visit, step, Some(p.senior), *when, &serde_json::json!({}))
            .await?;
    }
    let done = VisitState::RecordCompleted {
        completed_at: at(14, 0)?,
    };
    tx.set_visit_state(visit, 1, &done, at(14, 0)?).await?;
    tx.commit().await?;
    Ok(visit)
}

pub(super) async fn outcome(db: &Db, id: VisitId, p: &People, day: DateTime<Utc>) -> Result<()> {
    let visit = db.visit(id).await?;
    let at = day + Duration::hours(4);
    let mut tx = db.begin().await?;
    tx.put_outcome(
        &visit,
        &NewOutcome {
            outcome: "Spoke to Leo's mother on the doorstep. Leo has tonsillitis and has seen the GP; the family's phone was cut off. Leo was seen and looked well.",
            action_required: Some("New contact number on the system; attendance lead to check Leo is back on Monday."),
            people_seen: Some("Leo's mother, Leo"),
        },
        None,
        p.senior,
        at,
    )
    .await?;
    let actions = [
        (
            "Add the mother's new mobile number to the contacts",
            p.office,
            0,
            true,
        ),
        (
            "Check Leo is back in school and phone mum if not",
            p.senior,
            10,
            false,
        ),
    ];
    for (description, owner, days, done) in actions {
        let action = tx
            .add_action(
                &NewAction {
                    school: visit.school_id,
                    pupil: visit.pupil_id,
                    visit: Some(visit.id),
                    description,
                    owner,
                    due_on: (day + Duration::days(days)).date_naive(),
                },
                p.senior,
                at,
            )
            .await?;
        if done {
            tx.complete_action(action, owner, Some("Done."), at + Duration::hours(1))
                .await?;
        }
    }
    tx.add_visit_event(
        visit.id,
        "outcome_recorded",
        Some(p.senior),
        at,
        &serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
