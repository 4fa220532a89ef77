//! The demo's history, so the after-the-visit screens have something to show: at every school a
//! completed visit to the Brown family with its outcome and follow-up actions; at St Joseph's a
//! Home Visit Slip nobody answered (its deadline passed, the DSL was alarmed and has it in hand);
//! at REAch2 an abusive incident that blocked the household; at HSP a safeguarding concern.
//!
//! The history lives in its own household (the Browns), visited by the DSL and the deputy head, so
//! the Smith and Khan households, the class teacher and the family liaison officer start clean.
//! Nothing is left in the outbox and no deadline is left to fire: this is the past.

mod visits;

use anyhow::{Context, Result};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::{HouseholdId, PupilId, SchoolId, VisitId};
use store::{
    Db, IncidentDraft, NewAlarm, NewHousehold, NewIncident, NewPupil, NewSafeguardingConcern,
    NewSlip,
};
use visits::{People, outcome, past_visit, people};

/// Adds the history to the demo trust's schools. `schools` are (preset, school, e-mail domain).
pub async fn create(db: &Db, schools: &[(&str, SchoolId, &str)], now: DateTime<Utc>) -> Result<()> {
    for (n, (preset, school, domain)) in schools.iter().enumerate() {
        let p = people(db, domain).await?;
        let (household, pupil) = brown_family(db, *school, n, now).await?;
        let day = now - Duration::days(7 + n as i64);
        let visit = past_visit(db, *school, household, pupil, &p, day, false).await?;
        outcome(db, visit, &p, day).await?;
        match *preset {
            "st-josephs" => unanswered_slip(db, *school, household, pupil, &p, now).await?,
            "reach2" => incident(db, *school, household, pupil, visit, &p, day).await?,
            "hsp" => concern(db, *school, pupil, visit, &p, day).await?,
            _ => {}
        }
    }
    Ok(())
}

async fn brown_family(
    db: &Db,
    school: SchoolId,
    n: usize,
    now: DateTime<Utc>,
) -> Result<(HouseholdId, PupilId)> {
    let mut tx = db.begin().await?;
    let address = format!("{} Ocean Road, South Shields", 40 + n);
    let household = tx
        .create_household(
            &NewHousehold {
                school,
                family_name: "Brown",
                address: &address,
                postcode: "NE33 2HZ",
                landline: None,
                language_notes: None,
                pets: None,
            },
            now,
        )
        .await?;
    let pupil = tx
        .create_pupil(&NewPupil {
            school,
            household,
            name: "Leo Brown",
            date_of_birth: NaiveDate::from_ymd_opt(2019, 3, 8).context("date")?,
            height_cm: Some(118),
            year_group: Some("Year 2"),
        })
        .await?;
    tx.commit().await?;
    Ok((household, pupil))
}

/// St Joseph's: nobody home yesterday; the slip's two hours passed with no word; the DSL was
/// alarmed and is dealing with it (acknowledged, so the ladder has stopped).
async fn unanswered_slip(
    db: &Db,
    school: SchoolId,
    household: HouseholdId,
    pupil: PupilId,
    p: &People,
    now: DateTime<Utc>,
) -> Result<()> {
    let day = now - Duration::days(1);
    let visit = past_visit(db, school, household, pupil, p, day, true).await?;
    let left_at = day
        .date_naive()
        .and_hms_opt(10, 25, 0)
        .context("time")?
        .and_utc();
    let policy = db.current_policy(school).await?;
    let respond_by = left_at + Duration::hours(i64::from(policy.settings.slip.response_hours));
    let deadline = respond_by
        .with_timezone(&policy.settings.tz())
        .format("%H:%M on %A %-d %B %Y")
        .to_string();
    let message = policy
        .settings
        .slip
        .wording
        .replace("{child}", "Leo Brown")
        .replace("{deadline}", &deadline);
    let mut tx = db.begin().await?;
    tx.create_slip(
        &NewSlip {
            visit,
            school,
            pupil,
            left_at,
            respond_by,
            message: &message,
            left_by: p.senior,
        },
        left_at,
    )
    .await?;
    tx.add_visit_event(
        visit,
        "slip_left",
        Some(p.senior),
        left_at,
        &serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    // The monitor fired the deadline at the time on the slip: claim it, raise the alarm, and
    // record the DSL's acknowledgement, as the monitor and the DSL would have done.
    let row = db
        .deadlines_of(visit)
        .await?
        .into_iter()
        .find(|d| d.kind == store::SLIP_DEADLINE)
        .context("the slip's deadline")?;
    let mut tx = db.begin().await?;
    tx.claim_deadline(row.id, row.due_at).await?;
    let key = format!(
        "deadline:{}:{}:{}",
        visit,
        row.kind,
        row.due_at.timestamp_millis()
    );
    let alarm = tx
        .raise_alarm(&NewAlarm {
            school,
            visit: Some(visit),
            kind: domain::monitor::AlarmKind::SlipDeadlinePassed,
            dedupe_key: &key,
            raised_at: respond_by,
            raised_by: None,
            detail: serde_json::json!({ "deadline": row.kind, "was_due_at": row.due_at }),
            next_level: 1,
            next_level_at: None,
        })
        .await?
        .context("the demo alarm")?;
    tx.record_level_fired(alarm, 0, respond_by).await?;
    tx.acknowledge_alarm(
        alarm,
        p.dsl,
        "Ringing the emergency contacts now; police welfare check at 16:00 if nobody answers.",
        respond_by + Duration::minutes(10),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// REAch2: verbal abuse on the doorstep, shared with the head the same afternoon; the household
/// is blocked until a senior leader reviews it.
async fn incident(
    db: &Db,
    school: SchoolId,
    household: HouseholdId,
    pupil: PupilId,
    visit: VisitId,
    p: &People,
    day: DateTime<Utc>,
) -> Result<()> {
    let at = day
        .date_naive()
        .and_hms_opt(10, 50, 0)
        .context("time")?
        .and_utc();
    let mut tx = db.begin().await?;
    let id = tx
        .create_incident(
            &NewIncident {
                school,
                household,
                pupil: Some(pupil),
                visit: Some(visit),
                draft: IncidentDraft {
                    kind: "verbal_abuse",
                    occurred_at: at,
                    location: Some("Front door"),
                    account: "As we were leaving, Leo's uncle came to the door and shouted abuse at us, swearing and telling us not to come back. He did not come out of the house. We walked back to the car and rang the office.",
                    people_involved: Some("Leo's uncle (not named)"),
                    injuries: None,
                    police_called: false,
                },
                author: p.senior,
                due_at: at.date_naive().and_hms_opt(17, 0, 0).context("time")?.and_utc(),
                household_blocked: true,
                risk_review_requested: true,
            },
            at + Duration::hours(2),
        )
        .await?;
    tx.submit_incident(id, at + Duration::hours(3)).await?;
    tx.block_household(household, &format!("Verbal abuse on {} (incident report {id}): no new appointment until a senior leader has reviewed the case.", at.format("%d/%m/%Y")), at).await?;
    tx.add_caution(
        household,
        "Verbal abuse towards staff from Leo's uncle",
        &format!("incident report {id}"),
        p.senior,
        at,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// HSP: a concern from the visit, waiting for the DSL.
async fn concern(
    db: &Db,
    school: SchoolId,
    pupil: PupilId,
    visit: VisitId,
    p: &People,
    day: DateTime<Utc>,
) -> Result<()> {
    let at = day
        .date_naive()
        .and_hms_opt(10, 40, 0)
        .context("time")?
        .and_utc();
    let mut tx = db.begin().await?;
    tx.raise_safeguarding_concern(
        &NewSafeguardingConcern {
            school,
            pupil,
            visit: Some(visit),
            alarm: None,
            source: "visit",
            concern: "There was very little food in the kitchen and Leo said he had not had breakfast for two days.",
            observed_at: at,
            raised_by: p.senior,
        },
        at + Duration::hours(3),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
