//! G3: the trust's own policy ("one policy adopted by all schools", SEN Trust Southend). A trust
//! administrator names the schools on it and the settings each may change; a school listed for
//! the first time takes the trust's settings at once (keeping its own values of what it may
//! change and its own calendar), as an adoption the trust board has approved would.

use crate::access::require_any;
use crate::{App, Refusal, Result, audit};
use chrono::{DateTime, Months, Utc};
use domain::policy::{PolicySettings, changes};
use domain::{Role, SchoolId, TrustId};
use serde::Deserialize;
use serde_json::json;
use store::{ApprovedVersion, Db, Staff};

/// A trust's policy: the schools that adopt it and the settings each may change.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrustPolicyInput {
    /// Ids of the trust's schools that adopt the trust's policy.
    pub schools: Vec<i64>,
    /// Setting paths (or sections) a school may change, e.g. `check_in.grace_minutes`.
    pub school_may_change: Vec<String>,
}

/// G3: makes the trust's policy the one the named schools adopt; every setting not in
/// `school_may_change` is then the trust's, changed only by a trust administrator and reaching
/// every adopting school once approved. The trust's settings are those of a listed school
/// already on the trust's policy, or else of the first school listed; every other school listed
/// for the first time gets a new version in force today with the trust's settings, its own
/// values of `school_may_change` and its own calendar kept, approved by this trust administrator
/// for the trust board. Audited as `policy.trust`. Answers the schools on the policy.
/// Errors: `Forbidden` unless a trust administrator; `Invalid("schools")` for a school not of
/// the trust or none; `Invalid("school_may_change")` naming an entry that is not a setting.
pub async fn set_trust_policy(
    app: &App,
    me: &Staff,
    input: &TrustPolicyInput,
    now: DateTime<Utc>,
) -> Result<Vec<SchoolId>> {
    require_any(me, &[Role::TrustAdmin], "set the trust's policy")?;
    let db = app.db();
    let ours = db.schools_of_trust(me.trust_id).await?;
    let mut schools = Vec::new();
    for id in &input.schools {
        let s = ours.iter().find(|s| s.id.0 == *id).ok_or_else(|| {
            Refusal::invalid(
                "schools",
                format!("school {id} is not one of the trust's schools"),
            )
        })?;
        schools.push(s.id);
    }
    let Some(first) = schools.first() else {
        return Err(Refusal::invalid(
            "schools",
            "name at least one school that adopts the trust's policy",
        ));
    };
    let already = db.trust_policy_schools(me.trust_id).await?;
    let source = already
        .iter()
        .copied()
        .find(|s| schools.contains(s))
        .unwrap_or(*first);
    let theirs = db.current_policy(source).await?;
    changes::check_setting_paths(&input.school_may_change, &theirs.settings)?;
    let held = changes::school_held(&input.school_may_change);
    let mut copies = Vec::new();
    for s in schools
        .iter()
        .filter(|s| **s != source && !already.contains(s))
    {
        let mine = db.current_policy(*s).await?;
        let settings = changes::keep_school_settings(&theirs.settings, &mine.settings, &held)?;
        if !changes::diff(&mine.settings, &settings).is_empty() || mine.preset != theirs.preset {
            copies.push((*s, settings));
        }
    }
    let approved_by = format!("{} for the trust board", me.name);
    let mut tx = db.begin().await?;
    tx.set_trust_policy(me.trust_id, &input.school_may_change, &schools, me.id, now)
        .await?;
    for (school, settings) in &copies {
        let today = now.with_timezone(&settings.tz()).date_naive();
        let review_due = today
            .checked_add_months(Months::new(settings.review_every_months))
            .ok_or_else(|| Refusal::invalid("review_every_months", "is too far in the future"))?;
        tx.add_approved_policy_version(&ApprovedVersion {
            school: *school,
            preset: &theirs.preset,
            settings,
            approved_by: &approved_by,
            approver: me.id,
            approved_on: today,
            review_due,
            takes_effect_on: today,
            changed_by: me.id,
            change_note: "Joined the trust's policy: the trust's settings copied in",
            now,
        })
        .await?;
    }
    let copied: Vec<i64> = copies.iter().map(|(s, _)| s.0).collect();
    let detail = json!({
        "schools": input.schools,
        "school_may_change": input.school_may_change,
        "copied_from": source.0,
        "copied_to": copied,
    });
    let e = audit::entry(
        app,
        me,
        "policy.trust",
        "trust",
        me.trust_id.0,
        None,
        detail,
    );
    tx.append_audit(&e).await?;
    tx.commit().await?;
    Ok(schools)
}

/// The trust's settings as they stand now (those of a school on its policy other than
/// `adopting`) and what each school may change, for an adoption coming into force; `None` when
/// no other school holds them.
pub(super) async fn latest_trust_settings(
    db: &Db,
    trust: TrustId,
    adopting: SchoolId,
) -> Result<Option<(PolicySettings, Vec<String>)>> {
    let Some(allowed) = db.trust_policy(trust).await? else {
        return Ok(None);
    };
    let Some(source) = db
        .trust_policy_schools(trust)
        .await?
        .into_iter()
        .find(|s| *s != adopting)
    else {
        return Ok(None);
    };
    Ok(Some((db.current_policy(source).await?.settings.0, allowed)))
}
