//! The report benchmark's trust: N schools (the Harton preset each), a few staff and households
//! per school, and a year of visits with their visitors and decisions, alarms with
//! acknowledgement times, Home Visit Slips, incidents and follow-up actions — written with
//! multi-row inserts, a school per transaction.

use super::super::sql::{V, exec, insert_returning, insert_sql};
use anyhow::{Context, Result};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::visit::VisitState;
use domain::{Role, RoleSet, SchoolId, StaffId};
use store::{Db, NewHousehold, NewPupil, NewStaff};

/// Rows per insert statement (the visit insert binds 24 values a row).
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
                V::S(st.status().into()),
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

/// The rows that hang off one chunk of visits, as bound values.
#[derive(Default)]
struct Rows {
    staff: Vec<V>,
    staff_n: usize,
    decisions: Vec<V>,
    alarms: Vec<V>,
    slips: Vec<V>,
    incidents: Vec<V>,
    actions: Vec<V>,
}

impl Rows {
    fn visit(
        &mut self,
        i: usize,
        id: i64,
        leave: DateTime<Utc>,
        (household, pupil): (i64, i64),
        (head, visitor, second): (StaffId, StaffId, StaffId),
        k: usize,
    ) {
        let out = i % 10 <= 7;
        self.staff.extend([
            V::I(id),
            V::I(visitor.0),
            V::S("visitor".into()),
            V::B(false),
        ]);
        self.staff_n += 1;
        if i.is_multiple_of(3) {
            self.staff.extend([
                V::I(id),
                V::I(second.0),
                V::S("visitor".into()),
                V::B(false),
            ]);
            self.staff_n += 1;
        }
        let decision = if i % 10 == 8 {
            "declined"
        } else {
            "authorised"
        };
        let comment = (decision == "declined")
            .then(|| "Not without a second member of staff: the family's dog".to_string());
        self.decisions.extend([
            V::I(id),
            V::I(head.0),
            V::S(decision.into()),
            V::OS(comment),
            V::T(leave - Duration::days(1)),
        ]);
        if out && i.is_multiple_of(25) {
            let raised = leave + Duration::minutes(60);
            let ack = raised + Duration::minutes((i % 13) as i64 + 1);
            self.alarms.extend([
                V::I(id),
                V::S(ALARM_KINDS[(i / 25) % ALARM_KINDS.len()].into()),
                V::S(format!("bench-{k}-{i}")),
                V::T(raised),
                V::S("resolved".into()),
                V::I(0),
                V::OI(Some(head.0)),
                V::OT(Some(ack)),
                V::OT(Some(ack + Duration::minutes(20))),
                V::B(false),
            ]);
        }
        if i % 10 == 7 {
            let left = leave + Duration::minutes(20);
            let answered = (i % 20 == 7).then(|| left + Duration::days(1));
            self.slips.extend([
                V::I(id),
                V::I(pupil),
                V::T(left),
                V::T(left + Duration::days(3)),
                V::S("Sorry we missed you".into()),
                V::I(visitor.0),
                V::OT(answered),
                V::T(left),
            ]);
        }
        if out && i % 50 == 1 {
            let at = leave + Duration::minutes(30);
            self.incidents.extend([
                V::I(household),
                V::I(id),
                V::S(INCIDENT_KINDS[(i / 50) % INCIDENT_KINDS.len()].into()),
                V::T(at),
                V::S("Raised voices at the door".into()),
                V::B(false),
                V::I(visitor.0),
                V::T(at),
                V::T(at),
                V::T(at + Duration::hours(24)),
                V::OT(Some(at + Duration::hours(2))),
                V::B(i % 100 == 1),
                V::B(false),
                V::I(0),
            ]);
        }
        if out && i % 20 == 2 {
            let due = (leave + Duration::days(14)).date_naive();
            self.actions.extend([
                V::I(pupil),
                V::I(id),
                V::S("Ring the family about attendance".into()),
                V::I(visitor.0),
                V::D(due),
                V::I(head.0),
                V::T(leave),
                V::OT((i % 40 == 2).then(|| leave + Duration::days(3))),
            ]);
        }
    }

    async fn write(&self, db: &Db, tx: &mut store::Tx, school: SchoolId) -> Result<()> {
        let b = db.backend();
        let s = V::I(school.0);
        let with_school = |vals: &[V], width: usize| -> Vec<V> {
            vals.chunks(width)
                .flat_map(|row| std::iter::once(s.clone()).chain(row.iter().cloned()))
                .collect()
        };
        let cols = ["visit_id", "staff_id", "role_on_visit", "is_driver"];
        exec(
            tx,
            insert_sql(b, "visit_staff", &cols, self.staff_n, ""),
            &self.staff,
        )
        .await?;
        let cols = [
            "visit_id",
            "decided_by",
            "decision",
            "comment",
            "decided_at",
        ];
        let n = self.decisions.len() / cols.len();
        exec(
            tx,
            insert_sql(b, "visit_decisions", &cols, n, ""),
            &self.decisions,
        )
        .await?;
        let tables: [(&str, &[&str], &Vec<V>); 4] = [
            (
                "alarms",
                &[
                    "school_id",
                    "visit_id",
                    "kind",
                    "dedupe_key",
                    "raised_at",
                    "state",
                    "next_level",
                    "acknowledged_by",
                    "acknowledged_at",
                    "resolved_at",
                    "all_channels_failed",
                ],
                &self.alarms,
            ),
            (
                "home_visit_slips",
                &[
                    "school_id",
                    "visit_id",
                    "pupil_id",
                    "left_at",
                    "respond_by",
                    "message",
                    "left_by",
                    "responded_at",
                    "created_at",
                ],
                &self.slips,
            ),
            (
                "incidents",
                &[
                    "school_id",
                    "household_id",
                    "visit_id",
                    "kind",
                    "occurred_at",
                    "account",
                    "police_called",
                    "author_staff_id",
                    "created_at",
                    "updated_at",
                    "due_at",
                    "submitted_at",
                    "household_blocked",
                    "risk_review_requested",
                    "reminders",
                ],
                &self.incidents,
            ),
            (
                "follow_up_actions",
                &[
                    "school_id",
                    "pupil_id",
                    "visit_id",
                    "description",
                    "owner_staff_id",
                    "due_on",
                    "created_by",
                    "created_at",
                    "done_at",
                ],
                &self.actions,
            ),
        ];
        for (table, cols, vals) in tables {
            let width = cols.len() - 1;
            let n = vals.len() / width;
            if n == 0 {
                continue;
            }
            let vals = with_school(vals, width);
            exec(tx, insert_sql(b, table, cols, n, ""), &vals).await?;
        }
        Ok(())
    }
}
