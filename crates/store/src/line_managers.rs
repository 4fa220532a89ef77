//! Each member of staff's line manager, told at the rung a policy names (`line_manager`).

use crate::db::{Db, Result, Tx, with_pool, with_tx};
use domain::StaffId;

impl Tx {
    /// Records `manager` as the line manager of `staff`, replacing any before; `None` clears it.
    pub async fn set_line_manager(
        &mut self,
        staff: StaffId,
        manager: Option<StaffId>,
    ) -> Result<()> {
        const CLEAR: &str = "delete from line_managers where staff_id = $1";
        const SET: &str = "insert into line_managers (staff_id, manager_staff_id) values ($1, $2)";
        with_tx!(self, c => sqlx::query(CLEAR).bind(staff.0).execute(c).await.map(|_| ()))?;
        if let Some(m) = manager {
            with_tx!(self, c => sqlx::query(SET).bind(staff.0).bind(m.0).execute(c).await.map(|_| ()))?;
        }
        Ok(())
    }
}

impl Db {
    /// The line managers of these members of staff, each once, in no particular order.
    pub async fn line_managers_of(&self, staff: &[StaffId]) -> Result<Vec<StaffId>> {
        const Q: &str = "select manager_staff_id from line_managers where staff_id = $1";
        let mut out: Vec<StaffId> = Vec::new();
        for s in staff {
            let found: Option<i64> =
                with_pool!(self, p => sqlx::query_scalar(Q).bind(s.0).fetch_optional(p).await)?;
            if let Some(m) = found.map(StaffId)
                && !out.contains(&m)
            {
                out.push(m);
            }
        }
        Ok(out)
    }
}
