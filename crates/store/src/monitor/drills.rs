//! Practice alarms (drills, #11 item 9): an ordinary alarm row with `drill` set, so the monitor
//! climbs its ladder with the same code as a real alarm. Only marking one and listing a school's.

use super::*;

impl Tx {
    /// Marks an alarm raised in this transaction as a drill, before the monitor can see it.
    pub async fn mark_alarm_drill(&mut self, alarm: i64) -> Result<()> {
        const Q: &str = "update alarms set drill = $1 where id = $2";
        with_tx!(self, x => sqlx::query(Q).bind(true).bind(alarm).execute(x).await.map(|_| ()))?;
        Ok(())
    }
}

impl Db {
    /// The school's drills raised from `from` (inclusive) to `to` (exclusive, UTC), newest first.
    pub async fn drills_of_school(
        &self,
        school: SchoolId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Alarm>> {
        let q = sql(format!(
            "select {ALARM_COLUMNS} from alarms where school_id = $1 and drill = $2 \
             and raised_at >= $3 and raised_at < $4 order by raised_at desc, id desc"
        ));
        Ok(
            with_pool!(self, p => sqlx::query_as(q).bind(school.0).bind(true).bind(from).bind(to).fetch_all(p).await)?,
        )
    }
}
