//! The DSL's safeguarding page in one use case: the school's concerns and, for those who may see
//! them, the break-glass openings, both looks written to the audit trail in one transaction.

use super::concerns::{ConcernQuery, concerns_of_school};
use super::involvement::break_glass_of_school;
use crate::{App, Refusal, Result};
use domain::PupilId;
use std::collections::HashMap;
use store::{BreakGlass, SafeguardingConcern, Staff};

/// What the DSL's page shows.
pub struct SafeguardingOverview {
    /// The school's concerns, newest first (as [`super::list_concerns`]).
    pub concerns: Vec<SafeguardingConcern>,
    /// Who opened a child's records outside their involvement, when the person may see that
    /// ([`super::break_glass_list`]); `None` for anyone else.
    pub break_glass: Option<Vec<BreakGlass>>,
    /// The name of each child concerned, by pupil id (the roll's name only).
    pub pupil_names: HashMap<i64, String>,
}

/// The concerns of `school_id` (the person's own when `None`) and its break-glass openings,
/// read side by side; both looks are audited together ("safeguarding_concern.list_read",
/// "break_glass.list_read"), one commit rather than two. Errors as [`super::list_concerns`].
pub async fn safeguarding_overview(
    app: &App,
    me: &Staff,
    school_id: Option<i64>,
) -> Result<SafeguardingOverview> {
    let q = ConcernQuery {
        school_id,
        open: None,
    };
    let (concerns, glass) = tokio::try_join!(concerns_of_school(app, me, &q), async {
        match break_glass_of_school(app, me, school_id).await {
            Ok(found) => Ok(Some(found)),
            Err(Refusal::Forbidden(_)) => Ok(None),
            Err(e) => Err(e),
        }
    })?;
    let (concerns, concerns_read) = concerns;
    let (break_glass, glass_read) = glass.unzip();
    let mut children: Vec<PupilId> = concerns.iter().map(|c| c.pupil_id).collect();
    children.sort_by_key(|p| p.0);
    children.dedup();
    // The children's names are read while the looks are committed: the page waits for both.
    let (names, ()) = tokio::try_join!(crate::school::pupil_names(app, me, &children), async {
        let mut tx = app.db().begin().await?;
        tx.append_audit(&concerns_read).await?;
        if let Some(read) = &glass_read {
            tx.append_audit(read).await?;
        }
        Ok(tx.commit().await?)
    })?;
    Ok(SafeguardingOverview {
        concerns,
        break_glass,
        pupil_names: children.iter().map(|p| p.0).zip(names).collect(),
    })
}
