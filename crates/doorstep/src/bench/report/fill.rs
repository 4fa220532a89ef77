//! The report benchmark's trust: N schools (the Harton preset each), a few staff and households
//! per school, and a year of visits with their visitors and decisions, alarms with
//! acknowledgement times, Home Visit Slips, incidents and follow-up actions — written with
//! multi-row inserts, a school per transaction.

use super::super::sql::{V, insert_returning, insert_sql};
use anyhow::{Context, Result};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::visit::VisitState;
use domain::{Role, RoleSet, SchoolId, StaffId};
use store::{Db, NewHousehold, NewPupil, NewStaff};

/// Rows per insert statement (the visit insert binds 24 values a row).
mod rows;
use rows::Rows;

const CHUNK: usize = 1000;
const HOUSEHOLDS: usize = 40;
const ALARM_KINDS: [&str; 5] = [
    "missed_check_in",
    "overdue_return",
    "overdue_leaving",
    "panic",
    "slip_deadline_passed",
];
const INCIDENT_KINDS: [&str; 4] = ["trip", "verbal_abuse", "threat", "aggression"];

/// What was written, for the benchmark's table.
#[derive(Default)]
pub struct Filled {
    pub schools: Vec<SchoolId>,
    /// A trust administrator: reads one school's report or the trust's.
    pub reader: Option<StaffId>,
    pub visits: usize,
    pub alarms: usize,
    pub slips: usize,
    pub incidents: usize,
    pub actions: usize,
}

/// Fills the trust; `year_start` is the first day of the year of visits, `now` its end.
pub async fn trust(db: &Db, schools: usize, visits: usize, now: DateTime<Utc>) -> Result<Filled> {
    let mut out = Filled::default();
    let mut tx = db.begin().await?;
    let trust = tx.create_trust("Bench Trust").await?;
    for k in 0..schools {
        let name = format!("Bench School {}", k + 1);
        let school = app::school_admin::create_school_on_preset(
            &mut tx, trust, &name, None, "harton", None, now,
        )
        .await
        .map_err(|r| anyhow::anyhow!("{r:?}"))?;
        out.schools.push(school);
    }
    // Nobody signs in: a placeholder instead of an Argon2 hash keeps the set-up quick.
    let reader = tx
        .create_staff(
            &NewStaff {
                trust,
                school: out.schools.first().copied(),
                name: "Bench Trust Administrator",
                email: "trust-admin@bench.invalid",
                mobile: None,
                job_title: Some("Trust administrator"),
                password_hash: "not a login",
                roles: &RoleSet::new(vec![Role::TrustAdmin]),
            },
            now,
        )
        .await?;
    out.reader = Some(reader);
    tx.commit().await?;
    let start = now - Duration::days(365);
    for (k, school) in out.schools.clone().into_iter().enumerate() {
        school_year(db, trust, school, k, visits, start, &mut out).await?;
    }
    if let Db::Pg(p, _) = db {
        // As autovacuum would have long since done on a live database.
        sqlx::query("analyze").execute(p).await?;
    }
    Ok(out)
}

const VISIT_COLUMNS: [&str; 24] = [
    "school_id",
    "pupil_id",
    "household_id",
    "policy_version_id",
    "reason_category",
    "purpose",
    "parents_could_come_in",
    "appointment",
    "agenda",
    "expect_to_see",
    "planned_leave_school",
    "planned_arrive",
    "planned_leave_property",
    "planned_return",
    "returns_to",
    "first_visit",
    "buddy_staff_id",
    "code_word",
    "status",
    "state",
    "created_by",
    "created_at",
    "updated_at",
    "revision",
];

/// Visit `i`'s stage: most completed, some back, a slip left, declined or cancelled.
fn state(i: usize, leave: DateTime<Utc>, decider: StaffId) -> VisitState {
    match i % 10 {
        0..=5 => VisitState::RecordCompleted {
            completed_at: leave + Duration::hours(3),
        },
        6 => VisitState::Returned {
            returned_at: leave + Duration::hours(2),
            at_home: false,
        },
        7 => VisitState::NobodyHome {
            recorded_at: leave + Duration::minutes(20),
        },
        8 => VisitState::Declined {
            decided_at: leave - Duration::days(1),
            decided_by: decider,
            comment: "Not without a second member of staff: the family's dog".into(),
        },
        _ => VisitState::Cancelled {
            cancelled_at: leave - Duration::hours(3),
            reason: "Family rearranged".into(),
        },
    }
}

#[allow(clippy::too_many_arguments)]
async fn school_year(
    db: &Db,
    trust: domain::TrustId,
    school: SchoolId,
    k: usize,
    visits: usize,
    start: DateTime<Utc>,
    out: &mut Filled,
) -> Result<()> {
    let policy = db.current_policy(school).await?;
    let reasons: Vec<String> = policy
        .settings
        .reason_categories
        .iter()
        .map(|c| c.key.clone())
        .collect();
    let mut tx = db.begin().await?;
    let mut staff = Vec::new();
    for (n, role) in [Role::Headteacher, Role::VisitingStaff, Role::VisitingStaff]
        .into_iter()
        .enumerate()
    {
        staff.push(
            tx.create_staff(
                &NewStaff {
                    trust,
                    school: Some(school),
                    name: &format!("Bench Staff {k}-{n}"),
                    email: &format!("staff-{k}-{n}@bench.invalid"),
                    mobile: None,
                    job_title: None,
                    password_hash: "not a login",
                    roles: &RoleSet::new(vec![role]),
                },
                start,
            )
            .await?,
        );
    }
    let born = NaiveDate::from_ymd_opt(2016, 9, 1).context("date")?;
    let mut homes = Vec::new();
    for h in 0..HOUSEHOLDS {
        let household = tx
            .create_household(
                &NewHousehold {
                    school,
                    family_name: &format!("Family {k}-{h}"),
                    address: &format!("{} Bench Street", h + 1),
                    postcode: "NE33 1AA",
                    landline: None,
                    language_notes: None,
                    pets: None,
                },
                start,
            )
            .await?;
        let pupil = tx
            .create_pupil(&NewPupil {
                school,
                household,
                name: &format!("Pupil {k}-{h}"),
                date_of_birth: born,
                height_cm: None,
                year_group: Some("Year 5"),
            })
            .await?;
        homes.push((household.0, pupil.0));
    }
    let (head, visitor, second) = (staff[0], staff[1], staff[2]);
    let mut next = 0;
    while next < visits {
        let end = (next + CHUNK).min(visits);
        let leave = |i: usize| {
            // Spread over the year, in the afternoon.
            start + Duration::days((i * 365 / visits) as i64) + Duration::hours(14)
        };
        let mut vals = Vec::with_capacity((end - next) * VISIT_COLUMNS.len());
        for i in next..end {
            let (household, pupil) = homes[i % homes.len()];
            let t = leave(i);
            let st = state(i, t, head);
            vals.extend([
                V::I(school.0),
                V::I(pupil),
                V::I(household),
                V::I(policy.id.0),
                V::S(reasons[i % reasons.len()].clone()),
                V::S(format!("{i}")),
                V::B(false),
                V::S("agreed".into()),
                V::OS(None),
                V::OS(None),
                V::T(t),
                V::T(t + Duration::minutes(15)),
                V::T(t + Duration::minutes(75)),
                V::T(t + Duration::minutes(100)),
                V::S("school".into()),
                V::B(i.is_multiple_of(7)),
                V::OI(Some(head.0)),
                V::OS(None),
                V::S(st.status().as_str().into()),
                V::J(serde_json::to_value(&st)?),
                V::I(visitor.0),
                V::T(t - Duration::days(2)),
                V::T(t),
                V::I(4),
            ]);
        }
        let sql = insert_sql(
            db.backend(),
            "visits",
            &VISIT_COLUMNS,
            end - next,
            "returning id, purpose",
        );
        let ids = insert_returning(&mut tx, sql, &vals).await?;
        let mut rows: Rows = Rows::default();
        for (id, purpose) in ids {
            let i: usize = purpose.parse().context("a benchmark visit's purpose")?;
            rows.visit(
                i,
                id,
                leave(i),
                homes[i % homes.len()],
                (head, visitor, second),
                k,
            );
        }
        rows.write(db, &mut tx, school).await?;
        out.visits += end - next;
        out.alarms += rows.alarms.len() / 10;
        out.slips += rows.slips.len() / 8;
        out.incidents += rows.incidents.len() / 14;
        out.actions += rows.actions.len() / 8;
        next = end;
    }
    tx.commit().await?;
    Ok(())
}
