//! The rows that hang off each visit of the report benchmark (visitors, decisions, alarms,
//! slips, incidents, actions), gathered per chunk for multi-row inserts.

use super::{ALARM_KINDS, INCIDENT_KINDS};
use crate::bench::sql::{V, exec, insert_sql};
use anyhow::Result;
use chrono::{DateTime, Duration, Utc};
use domain::{SchoolId, StaffId};
use store::Db;

/// The rows that hang off one chunk of visits, as bound values.
#[derive(Default)]
pub(super) struct Rows {
    pub(super) staff: Vec<V>,
    pub(super) staff_n: usize,
    pub(super) decisions: Vec<V>,
    pub(super) alarms: Vec<V>,
    pub(super) slips: Vec<V>,
    pub(super) incidents: Vec<V>,
    pub(super) actions: Vec<V>,
}

impl Rows {
    pub(super) fn visit(
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

    pub(super) async fn write(&self, db: &Db, tx: &mut store::Tx, school: SchoolId) -> Result<()> {
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
