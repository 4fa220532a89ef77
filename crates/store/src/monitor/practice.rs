//! Practice visits (#11 item 9): what a drill without a real visit runs on. No pupil, no
//! household, no address; kept apart from `visits`, so no list of real visits can show one.

use super::*;

/// A practice visit: the staff the head or DSL chose as its visitors and its buddy.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct PracticeVisit {
    pub id: i64,
    pub school_id: i64,
    pub buddy_staff_id: Option<i64>,
    pub created_by: i64,
    pub started_at: DateTime<Utc>,
    /// When the drill on it ended; `None` while it runs.
    pub ended_at: Option<DateTime<Utc>>,
    /// The practice visitors (staff ids).
    #[sqlx(skip)]
    pub visitor_ids: Vec<i64>,
}

const COLUMNS: &str = "id, school_id, buddy_staff_id, created_by, started_at, ended_at";

impl Tx {
    /// Creates a practice visit with its visitors; returns its id.
    pub async fn create_practice_visit(
        &mut self,
        school: SchoolId,
        visitors: &[StaffId],
        buddy: Option<StaffId>,
        created_by: StaffId,
        at: DateTime<Utc>,
    ) -> Result<i64> {
        const Q: &str = "insert into practice_visits (school_id, buddy_staff_id, created_by, started_at) \
            values ($1, $2, $3, $4) returning id";
        let id: i64 = with_tx!(self, x => sqlx::query_scalar(Q)
            .bind(school.0)
            .bind(buddy.map(|b| b.0))
            .bind(created_by.0)
            .bind(at)
            .fetch_one(x)
            .await)?;
        const S: &str =
            "insert into practice_visit_staff (practice_visit_id, staff_id) values ($1, $2)";
        for v in visitors {
            with_tx!(self, x => sqlx::query(S).bind(id).bind(v.0).execute(x).await.map(|_| ()))?;
        }
        Ok(id)
    }

    /// Names the practice visit a drill raised in this transaction runs on.
    pub async fn set_alarm_practice_visit(&mut self, alarm: i64, practice: i64) -> Result<()> {
        const Q: &str = "update alarms set practice_visit_id = $1 where id = $2";
        with_tx!(self, x => sqlx::query(Q).bind(practice).bind(alarm).execute(x).await.map(|_| ()))?;
        Ok(())
    }

    /// Ends a practice visit (its drill has ended); a second end keeps the first time.
    pub async fn end_practice_visit(&mut self, id: i64, at: DateTime<Utc>) -> Result<()> {
        const Q: &str =
            "update practice_visits set ended_at = $1 where id = $2 and ended_at is null";
        with_tx!(self, x => sqlx::query(Q).bind(at).bind(id).execute(x).await.map(|_| ()))?;
        Ok(())
    }
}

impl Db {
    /// The practice visit with its visitors. Errors: `NotFound("practice_visit")`.
    pub async fn practice_visit(&self, id: i64) -> Result<PracticeVisit> {
        let q = sql(format!(
            "select {COLUMNS} from practice_visits where id = $1"
        ));
        let found: Option<PracticeVisit> =
            with_pool!(self, p => sqlx::query_as(q).bind(id).fetch_optional(p).await)?;
        let mut visit = found.ok_or(StoreError::NotFound {
            what: "practice visit",
            id,
        })?;
        const S: &str = "select staff_id from practice_visit_staff where practice_visit_id = $1 \
            order by staff_id";
        visit.visitor_ids =
            with_pool!(self, p => sqlx::query_scalar(S).bind(id).fetch_all(p).await)?;
        Ok(visit)
    }
}
