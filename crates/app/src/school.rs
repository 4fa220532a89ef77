//! Facts about a school that many use cases need: its time zone, its staff by role.

use crate::{App, Result};
use chrono_tz::Tz;
use domain::{Role, SchoolId, StaffId};
use store::{School, Staff};

/// The school's time zone, from its current policy.
pub async fn school_tz(app: &App, school: SchoolId) -> Result<Tz> {
    Ok(app.db().current_policy(school).await?.settings.tz())
}

/// Active staff of a school holding any of `roles`, leaving out `except`.
pub async fn staff_with(
    app: &App,
    school: &School,
    roles: &[Role],
    except: Option<StaffId>,
) -> Result<Vec<Staff>> {
    Ok(app
        .db()
        .staff_list(school.trust_id, Some(school.id))
        .await?
        .into_iter()
        .filter(|s| s.active && s.roles.any_of(roles) && Some(s.id) != except)
        .collect())
}
