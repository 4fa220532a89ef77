//! G2 in the governors' report: how many of each school's staff have confirmed reading the
//! current version of its policy, and the same summed across the trust. Counts only: the
//! governors' version names nobody (the head sees who has not read it on the policy page).

use super::policy_acknowledgements;
use crate::{App, Result};
use domain::SchoolId;
use serde::Serialize;

/// Staff who have confirmed reading the current policy version, of the staff asked to (the
/// school's active staff, not governors or trust administrators).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StaffRead {
    pub acknowledged: i64,
    pub staff: i64,
}

impl StaffRead {
    /// Those still to confirm.
    pub fn not_yet(self) -> i64 {
        self.staff - self.acknowledged
    }

    /// The policy table's cell, e.g. "31 of 34 staff have read it (3 not yet)".
    pub fn sentence(self) -> String {
        format!(
            "{} of {} staff have read it ({} not yet)",
            self.acknowledged,
            self.staff,
            self.not_yet()
        )
    }

    pub(super) fn add(&mut self, other: StaffRead) {
        self.acknowledged += other.acknowledged;
        self.staff += other.staff;
    }
}

/// The counts for `school`'s current policy version, read through
/// [`policy_acknowledgements`]. Errors: as the store (the school and its policy exist here).
pub(super) async fn staff_read(app: &App, school: SchoolId) -> Result<StaffRead> {
    let status = policy_acknowledgements(app.db(), school).await?;
    Ok(StaffRead {
        acknowledged: status.acknowledged as i64,
        staff: status.staff as i64,
    })
}
