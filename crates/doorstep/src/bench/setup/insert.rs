//! Inserting the benchmark's signed-out visits in bulk: each visit with its visitor, its watch
//! and the deadlines the policy gives it, one multi-row statement per table per chunk.

use super::Parts;
use crate::bench::sql::{V, exec, insert_returning, insert_sql};
use anyhow::{Context, Result};
use chrono::{DateTime, Duration, Utc};
use domain::monitor::{self, Timeline};
use domain::policy::CheckInRule;
use domain::visit::VisitState;
use domain::{PolicyVersionId, SchoolId, StaffId};
use store::Db;

pub(super) struct Plan {
    pub(super) school: SchoolId,
    pub(super) policy: PolicyVersionId,
    pub(super) buddy: StaffId,
    pub(super) reason: String,
    pub(super) rule: CheckInRule,
    pub(super) base: DateTime<Utc>,
}

/// Milliseconds are what the clock keeps (see `app::Clock::now`).
pub fn ms(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

struct Times {
    signed_out: DateTime<Utc>,
    last_contact: DateTime<Utc>,
    leave_property: DateTime<Utc>,
    back: DateTime<Utc>,
}

/// Ordinary visits left school in the last 10 minutes, so nothing of theirs falls due for 15
/// minutes (their reminders) while the benchmark runs. The sample and outage visits have been
/// out 50 minutes and checked in 10 minutes ago; their deadlines are moved when their part comes.
fn times(plan: &Plan, parts: &Parts, i: usize) -> Times {
    let (signed_out, last_contact) = if parts.long_out(i) {
        let out = plan.base - Duration::minutes(50);
        (ms(out), ms(plan.base - Duration::minutes(10)))
    } else {
        let out = ms(plan.base - Duration::seconds((i % 600) as i64));
        (out, out)
    };
    Times {
        signed_out,
        last_contact,
        leave_property: signed_out + Duration::minutes(90),
        back: signed_out + Duration::minutes(110),
    }
}

pub fn timeline(
    leave_property: DateTime<Utc>,
    back: DateTime<Utc>,
    last_contact: DateTime<Utc>,
) -> Timeline {
    Timeline {
        // Arrival (where required) falls due with leaving: well after the benchmark's run.
        planned_arrive: leave_property,
        planned_leave_property: leave_property,
        planned_return: back,
        last_contact,
        extended_until: None,
        arrived: false,
        left_property: false,
    }
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

/// Visits `range`, signed out: the visit (as planned, requested, authorised and signed out:
/// revision 4), its visitor, its watch and its deadlines, in one transaction.
#[allow(clippy::too_many_arguments)]
pub(super) async fn insert_visits(
    db: &Db,
    plan: &Plan,
    parts: &Parts,
    range: std::ops::Range<usize>,
    visitors: &[(StaffId, String)],
    households: &[(i64, i64)],
    ids: &mut [i64],
) -> Result<()> {
    let mut vals = Vec::with_capacity(range.len() * VISIT_COLUMNS.len());
    for i in range.clone() {
        let t = times(plan, parts, i);
        let (household, pupil) = households[i % households.len()];
        let visitor = visitors[i % visitors.len()].0;
        let state = VisitState::SignedOut {
            signed_out_at: t.signed_out,
        };
        let planned_at = t.signed_out - Duration::hours(2);
        vals.extend([
            V::I(plan.school.0),
            V::I(pupil),
            V::I(household),
            V::I(plan.policy.0),
            V::S(plan.reason.clone()),
            V::S(format!("Benchmark visit #{i}")),
            V::B(false),
            V::S("agreed".into()),
            V::OS(Some("Attendance and wellbeing".into())),
            V::OS(Some("Parent".into())),
            V::T(t.signed_out),
            V::T(t.signed_out + Duration::minutes(15)),
            V::T(t.leave_property),
            V::T(t.back),
            V::S("school".into()),
            V::B(false),
            V::OI(Some(plan.buddy.0)),
            V::OS(Some("heron".into())),
            V::S(state.status().as_str().into()),
            V::J(serde_json::to_value(&state)?),
            V::I(visitor.0),
            V::T(planned_at),
            V::T(t.signed_out),
            V::I(4),
        ]);
    }
    let mut tx = db.begin().await?;
    let sql = insert_sql(
        db.backend(),
        "visits",
        &VISIT_COLUMNS,
        range.len(),
        "returning id, purpose",
    );
    for (id, purpose) in insert_returning(&mut tx, sql, &vals).await? {
        let i: usize = purpose
            .strip_prefix("Benchmark visit #")
            .and_then(|n| n.parse().ok())
            .context("a benchmark visit's purpose")?;
        ids[i] = id;
    }

    let mut staff = Vec::with_capacity(range.len() * 4);
    let mut watches = Vec::with_capacity(range.len() * 7);
    let mut deadlines = Vec::with_capacity(range.len() * 16);
    let mut deadline_rows = 0;
    for i in range.clone() {
        let t = times(plan, parts, i);
        let id = ids[i];
        staff.extend([
            V::I(id),
            V::I(visitors[i % visitors.len()].0.0),
            V::S("family liaison officer".into()),
            V::B(false),
        ]);
        watches.extend([
            V::I(id),
            V::I(plan.school.0),
            V::T(t.signed_out),
            V::T(t.last_contact),
            V::B(false),
            V::B(false),
            V::OI(Some(plan.buddy.0)),
        ]);
        for d in monitor::deadlines(
            &plan.rule,
            &timeline(t.leave_property, t.back, t.last_contact),
        ) {
            deadline_rows += 1;
            deadlines.extend([
                V::I(id),
                V::I(plan.school.0),
                V::S(d.kind.as_str().into()),
                V::T(d.due_at),
                V::T(d.fires_at),
                V::OT(d.remind_at),
                V::B(false),
                V::S("pending".into()),
            ]);
        }
    }
    let sql = insert_sql(
        db.backend(),
        "visit_staff",
        &["visit_id", "staff_id", "role_on_visit", "is_driver"],
        range.len(),
        "",
    );
    exec(&mut tx, sql, &staff).await?;
    let sql = insert_sql(
        db.backend(),
        "watches",
        &[
            "visit_id",
            "school_id",
            "signed_out_at",
            "last_contact_at",
            "arrived",
            "left_property",
            "buddy_staff_id",
        ],
        range.len(),
        "",
    );
    exec(&mut tx, sql, &watches).await?;
    let sql = insert_sql(
        db.backend(),
        "deadlines",
        &[
            "visit_id",
            "school_id",
            "kind",
            "due_at",
            "fires_at",
            "remind_at",
            "reminded",
            "state",
        ],
        deadline_rows,
        "",
    );
    exec(&mut tx, sql, &deadlines).await?;
    tx.commit().await?;
    Ok(())
}
