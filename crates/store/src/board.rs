//! The office board in three reads, however many staff are out: the watches with their visit,
//! household and buddy; the staff on those visits; their deadlines.

use crate::db::{Db, Result, with_pool};
use crate::monitor::DeadlineRow;
use chrono::{DateTime, Utc};
use domain::SchoolId;
use std::collections::HashMap;

/// One visit the monitor is watching, with what the board shows about it.
#[derive(Debug, Clone)]
pub struct OutNowRow {
    pub visit_id: i64,
    pub status: String,
    pub family_name: String,
    pub address: String,
    pub postcode: String,
    /// The buddy's name, when the visit has one.
    pub buddy_name: Option<String>,
    pub buddy_left_at: Option<DateTime<Utc>>,
    pub signed_out_at: DateTime<Utc>,
    pub last_contact_at: DateTime<Utc>,
    pub planned_return: DateTime<Utc>,
    /// The visiting staff, the driver first.
    pub staff: Vec<String>,
    pub deadlines: Vec<DeadlineRow>,
}

#[derive(sqlx::FromRow)]
struct WatchRow {
    visit_id: i64,
    status: String,
    family_name: String,
    address: String,
    postcode: String,
    buddy_name: Option<String>,
    buddy_left_at: Option<DateTime<Utc>>,
    signed_out_at: DateTime<Utc>,
    last_contact_at: DateTime<Utc>,
    planned_return: DateTime<Utc>,
}

impl Db {
    /// Everyone out now for a school, in the order they left.
    pub async fn out_now(&self, school: SchoolId) -> Result<Vec<OutNowRow>> {
        const WATCHES: &str = "select w.visit_id, v.status, h.family_name, h.address, h.postcode, b.name as buddy_name, \
            w.buddy_left_at, w.signed_out_at, w.last_contact_at, v.planned_return \
            from watches w join visits v on v.id = w.visit_id join households h on h.id = v.household_id \
            left join staff b on b.id = w.buddy_staff_id where w.school_id = $1 order by w.signed_out_at, w.visit_id";
        const STAFF: &str = "select vs.visit_id, s.name from visit_staff vs join staff s on s.id = vs.staff_id \
            join watches w on w.visit_id = vs.visit_id where w.school_id = $1 order by vs.visit_id, vs.is_driver desc, s.name";
        const DEADLINES: &str = "select d.id, d.visit_id, d.school_id, d.kind, d.due_at, d.fires_at, d.remind_at, d.reminded, d.state \
            from deadlines d join watches w on w.visit_id = d.visit_id where w.school_id = $1 order by d.fires_at, d.id";
        let watches: Vec<WatchRow> =
            with_pool!(self, p => sqlx::query_as(WATCHES).bind(school.0).fetch_all(p).await)?;
        let staff: Vec<(i64, String)> =
            with_pool!(self, p => sqlx::query_as(STAFF).bind(school.0).fetch_all(p).await)?;
        let deadlines: Vec<DeadlineRow> =
            with_pool!(self, p => sqlx::query_as(DEADLINES).bind(school.0).fetch_all(p).await)?;
        let mut names: HashMap<i64, Vec<String>> = HashMap::new();
        for (visit, name) in staff {
            names.entry(visit).or_default().push(name);
        }
        let mut due: HashMap<i64, Vec<DeadlineRow>> = HashMap::new();
        for d in deadlines {
            due.entry(d.visit_id).or_default().push(d);
        }
        Ok(watches
            .into_iter()
            .map(|w| OutNowRow {
                staff: names.remove(&w.visit_id).unwrap_or_default(),
                deadlines: due.remove(&w.visit_id).unwrap_or_default(),
                visit_id: w.visit_id,
                status: w.status,
                family_name: w.family_name,
                address: w.address,
                postcode: w.postcode,
                buddy_name: w.buddy_name,
                buddy_left_at: w.buddy_left_at,
                signed_out_at: w.signed_out_at,
                last_contact_at: w.last_contact_at,
                planned_return: w.planned_return,
            })
            .collect())
    }
}
