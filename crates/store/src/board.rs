//! The office board in one read, however many staff are out: each watched visit with its
//! household, buddy, visiting staff and what its deadlines add up to.

use crate::db::{Backend, Db, Result, with_pool};
use chrono::{DateTime, Utc};
use domain::SchoolId;
use domain::inputs::{PhoneNumber, Postcode};
use domain::recorded::Recorded;
use domain::visit::VisitStatus;

/// One visit the monitor is watching, with what the board shows about it.
#[derive(Debug, Clone, PartialEq)]
pub struct OutNowRow {
    pub visit_id: i64,
    pub status: VisitStatus,
    pub family_name: String,
    pub address: String,
    pub postcode: Recorded<Postcode>,
    /// The buddy's name, when the visit has one.
    pub buddy_name: Option<String>,
    /// The buddy's mobile number, when on record.
    pub buddy_mobile: Option<Recorded<PhoneNumber>>,
    pub buddy_left_at: Option<DateTime<Utc>>,
    pub signed_out_at: DateTime<Utc>,
    pub last_contact_at: DateTime<Utc>,
    pub planned_return: DateTime<Utc>,
    /// The visiting staff, the driver first.
    pub staff: Vec<String>,
    /// Each visitor's mobile number in the order of `staff` (`None` when none is on record).
    pub staff_mobiles: Vec<Option<Recorded<PhoneNumber>>>,
    /// The earliest deadline the visitors still owe (next check-in, arrival, leave-by or
    /// back-by, whichever is first; not a Home Visit Slip's, which the family owes).
    pub next_due: Option<DateTime<Utc>>,
    /// When the "back" deadline falls, if there is one.
    pub return_due: Option<DateTime<Utc>>,
    /// A deadline has fired, or is past its firing time.
    pub late: bool,
}

#[derive(sqlx::FromRow)]
struct Row {
    visit_id: i64,
    #[sqlx(try_from = "crate::stored::Stored<VisitStatus>")]
    status: VisitStatus,
    family_name: String,
    address: String,
    #[sqlx(try_from = "crate::stored::StoredText<Recorded<Postcode>>")]
    postcode: Recorded<Postcode>,
    buddy_name: Option<String>,
    #[sqlx(try_from = "crate::stored::StoredText<Option<Recorded<PhoneNumber>>>")]
    buddy_mobile: Option<Recorded<PhoneNumber>>,
    buddy_left_at: Option<DateTime<Utc>>,
    signed_out_at: DateTime<Utc>,
    last_contact_at: DateTime<Utc>,
    planned_return: DateTime<Utc>,
    staff: Option<String>,
    next_due: Option<DateTime<Utc>>,
    return_due: Option<DateTime<Utc>>,
    late: Option<i64>,
}

/// Separates the visitors aggregated into one column (a control character no name contains).
const SEPARATOR: char = '\u{1f}';
/// Separates a visitor's name from their mobile within [`SEPARATOR`]'s pieces.
const NAME_MOBILE: char = '\u{1e}';

fn query(backend: Backend) -> String {
    // The only difference between the dialects is the name of the ordered string aggregate.
    // Each visitor's name and mobile travel together, so one subquery per visit reads both.
    let visitors = match backend {
        Backend::Sqlite => {
            "group_concat(s.name || char(30) || coalesce(s.mobile, ''), char(31) order by vs.is_driver desc, s.name)"
        }
        Backend::Postgres => {
            "string_agg(s.name || chr(30) || coalesce(s.mobile, ''), chr(31) order by vs.is_driver desc, s.name)"
        }
    };
    // The deadlines are summed per visit before the join, so the group by runs over one
    // integer key rather than every text column of the board.
    format!(
        "select w.visit_id, v.status, h.family_name, h.address, h.postcode, b.name as buddy_name, b.mobile as buddy_mobile, \
         w.buddy_left_at, w.signed_out_at, w.last_contact_at, v.planned_return, \
         (select {visitors} from visit_staff vs join staff s on s.id = vs.staff_id where vs.visit_id = w.visit_id) as staff, \
         dl.next_due, dl.return_due, dl.late \
         from watches w join visits v on v.id = w.visit_id join households h on h.id = v.household_id \
         left join staff b on b.id = w.buddy_staff_id \
         left join (select d.visit_id, \
                min(case when d.state = 'pending' and d.kind <> 'slip_response' then d.due_at end) as next_due, \
                min(case when d.kind = 'return' then d.due_at end) as return_due, \
                sum(case when d.state = 'fired' or d.fires_at <= $2 then 1 else 0 end) as late \
              from watches wd join deadlines d on d.visit_id = wd.visit_id \
              where wd.school_id = $1 group by d.visit_id) dl on dl.visit_id = w.visit_id \
         where w.school_id = $1 \
         order by w.signed_out_at, w.visit_id"
    )
}

impl Db {
    /// Everyone out now for a school, in the order they left; `now` decides what is late.
    pub async fn out_now(&self, school: SchoolId, now: DateTime<Utc>) -> Result<Vec<OutNowRow>> {
        let q = sqlx::AssertSqlSafe(query(self.backend()));
        let rows: Vec<Row> =
            with_pool!(self, p => sqlx::query_as(q).bind(school.0).bind(now).fetch_all(p).await)?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let (staff, staff_mobiles) = visitors(r.staff.as_deref());
                OutNowRow {
                    visit_id: r.visit_id,
                    status: r.status,
                    family_name: r.family_name,
                    address: r.address,
                    postcode: r.postcode,
                    buddy_name: r.buddy_name,
                    buddy_mobile: r.buddy_mobile,
                    buddy_left_at: r.buddy_left_at,
                    signed_out_at: r.signed_out_at,
                    last_contact_at: r.last_contact_at,
                    planned_return: r.planned_return,
                    staff,
                    staff_mobiles,
                    next_due: r.next_due,
                    return_due: r.return_due,
                    late: r.late.unwrap_or(0) > 0,
                }
            })
            .collect())
    }
}

type Visitors = (Vec<String>, Vec<Option<Recorded<PhoneNumber>>>);

/// The aggregated visitors column: names, and each one's mobile in the same order (`None` when
/// none is on record).
fn visitors(column: Option<&str>) -> Visitors {
    column
        .map(|c| {
            c.split(SEPARATOR)
                .map(|v| {
                    let (name, mobile) = v.split_once(NAME_MOBILE).unwrap_or((v, ""));
                    (
                        name.to_string(),
                        Recorded::from_stored_optional(Some(mobile)),
                    )
                })
                .unzip()
        })
        .unwrap_or_default()
}
