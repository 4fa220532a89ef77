//! Schools and their policies (G1): start from a preset, change settings, see every version.
//! A new policy is a new version; visits already judged keep theirs.

use super::policy_approval::{DraftView, Drafting, draft_change, policy_draft};
use crate::access::{can_see_school, require_any, visible_school as school};
use crate::permissions::SCHOOL_ADMINS;
use crate::{App, Refusal, Result, audit};
use chrono::{DateTime, Months, NaiveDate, Utc};
use domain::policy::changes::refusal_words;
use domain::policy::{PolicySettings, presets};
use domain::text::{Line, MultiLine};
use domain::{FieldError, Role, SchoolId, StaffId, TrustId, inputs};
use serde::{Deserialize, Serialize};
use serde_json::json;
use store::{PolicyVersion, School, Staff, Tx};

/// One of the shipped presets, one per real policy.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Preset {
    pub name: &'static str,
    pub written_for: &'static str,
    pub settings: PolicySettings,
}

/// The shipped presets' names and who each was written for, as (name, written for), without
/// reading their settings (each is TOML merged onto the base and checked): the policy page's list.
pub fn preset_choices() -> impl Iterator<Item = (&'static str, &'static str)> {
    presets::PRESETS
        .iter()
        .map(|(name, written_for, _)| (*name, *written_for))
}

/// The five shipped presets with their settings.
pub fn presets() -> Result<Vec<Preset>> {
    let mut out = Vec::new();
    for (name, written_for, _) in presets::PRESETS {
        out.push(Preset {
            name,
            written_for,
            settings: presets::preset(name)?,
        });
    }
    Ok(out)
}

/// Stores a policy version for a school: the preset's settings, or the school's own. Its review
/// falls due `settings.review_every_months` after `approved_on`.
/// Errors: `Invalid("review_every_months")` when that date is out of range.
#[allow(clippy::too_many_arguments)]
pub async fn adopt_policy(
    tx: &mut Tx,
    school: SchoolId,
    preset: &str,
    settings: &PolicySettings,
    approved_on: NaiveDate,
    by: Option<StaffId>,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<PolicyVersion> {
    let review_due = approved_on
        .checked_add_months(Months::new(settings.review_every_months))
        .ok_or_else(|| Refusal::invalid("review_every_months", "is too far in the future"))?;
    Ok(tx
        .add_policy_version(
            school,
            preset,
            settings,
            approved_on,
            review_due,
            by,
            note,
            now,
        )
        .await?)
}

/// Creates a school that starts on a preset policy (the `doorstep` CLI and [`create_school`]).
/// Errors: `Invalid("preset")` for an unknown preset.
pub async fn create_school_on_preset(
    tx: &mut Tx,
    trust: TrustId,
    name: &str,
    phone: Option<&str>,
    preset: &str,
    by: Option<StaffId>,
    now: DateTime<Utc>,
) -> Result<SchoolId> {
    let settings = presets::preset(preset)?;
    let school = tx.create_school(trust, name, phone, preset, now).await?;
    adopt_policy(
        tx,
        school,
        preset,
        &settings,
        now.date_naive(),
        by,
        Some("adopted from preset"),
        now,
    )
    .await?;
    Ok(school)
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSchoolInput {
    pub name: Line<200>,
    pub phone: Option<String>,
    pub preset: String,
}

/// The schools this person works in (all of the trust for a trust administrator).
pub async fn schools(app: &App, me: &Staff) -> Result<Vec<School>> {
    let all = app.db().schools_of_trust(me.trust_id).await?;
    Ok(all
        .into_iter()
        .filter(|s| can_see_school(me, s.id, s.trust_id))
        .collect())
}

/// Adds a school to the trust on one of the presets, audited as `school.create`.
/// Errors: `Forbidden` unless a trust administrator; `Invalid` naming `name`, `phone`, `preset`.
pub async fn create_school(
    app: &App,
    me: &Staff,
    input: &NewSchoolInput,
    now: DateTime<Utc>,
) -> Result<School> {
    require_any(me, &[Role::TrustAdmin], "add a school")?;
    let name = input.name.to_string();
    let phone = match input.phone.as_deref() {
        Some(p) if !p.trim().is_empty() => {
            Some(inputs::PhoneNumber::parse("phone", p)?.to_string())
        }
        _ => None,
    };
    presets::preset(&input.preset)?;
    let mut tx = app.db().begin().await?;
    let id = create_school_on_preset(
        &mut tx,
        me.trust_id,
        &name,
        phone.as_deref(),
        &input.preset,
        Some(me.id),
        now,
    )
    .await?;
    let detail = json!({ "name": name, "preset": input.preset });
    let e = audit::entry(app, me, "school.create", "school", id.0, Some(id), detail);
    tx.append_audit(&e).await?;
    tx.commit().await?;
    Ok(app.db().school(id).await?)
}

/// The policy the school runs now. Errors: `NotFound("school")`.
pub async fn current_policy(app: &App, me: &Staff, id: SchoolId) -> Result<PolicyVersion> {
    let school = school(app, me, id).await?;
    Ok(app.db().current_policy(school.id).await?)
}

/// Every version of the school's policy, newest first. Errors: `NotFound("school")`.
pub async fn policy_versions(app: &App, me: &Staff, id: SchoolId) -> Result<Vec<PolicyVersion>> {
    let school = school(app, me, id).await?;
    Ok(app.db().policy_versions(school.id).await?)
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyChangeInput {
    /// Start again from a preset (its settings are used unless `settings` is also given).
    pub preset: Option<String>,
    pub settings: Option<PolicySettings>,
    pub change_note: MultiLine<1000>,
}

/// How the web page changes a policy: one of its three forms.
pub enum PolicyChange {
    /// Start again from a preset.
    Preset(String),
    /// New check-in minutes on the current settings: interval, grace, remind, extend.
    CheckIns {
        interval_minutes: u32,
        grace_minutes: u32,
        remind_before_minutes: u32,
        extend_minutes: u32,
    },
    /// Every setting, as edited.
    Settings(Box<PolicySettings>),
}

/// Proposes a change to the school's policy (G1) from the JSON API's input: a draft, in force
/// only once the body the policy names approves it ([`super::approve_policy`]); audited as
/// `policy.draft`. Errors: `NotFound("school")`; `Forbidden` unless the head or a trust
/// administrator; `Invalid` naming `change_note`, `settings` or `settings.<field>` (also a
/// setting the trust sets, for a school on its trust's policy), `preset`.
pub async fn change_policy(
    app: &App,
    me: &Staff,
    id: SchoolId,
    input: &PolicyChangeInput,
    now: DateTime<Utc>,
) -> Result<DraftView> {
    let change = match (&input.settings, &input.preset) {
        (Some(settings), preset) => Change::Settings(Box::new(settings.clone()), preset.clone()),
        (None, Some(preset)) => Change::Preset(preset.clone()),
        (None, None) => Change::Missing,
    };
    write_policy(app, me, id, &input.change_note, change, now).await
}

impl PolicyChange {
    /// [`change_policy`] from one of the page's forms: a draft. The check-in minutes
    /// are laid on the settings current inside the change's transaction.
    pub async fn apply(
        self,
        app: &App,
        me: &Staff,
        id: SchoolId,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<DraftView> {
        let change = match self {
            PolicyChange::Preset(p) => Change::Preset(p),
            PolicyChange::Settings(s) => Change::Settings(s, None),
            PolicyChange::CheckIns {
                interval_minutes,
                grace_minutes,
                remind_before_minutes,
                extend_minutes,
            } => Change::CheckIns([
                interval_minutes,
                grace_minutes,
                remind_before_minutes,
                extend_minutes,
            ]),
        };
        write_policy(app, me, id, note, change, now).await
    }
}

enum Change {
    /// New settings, under the preset named (default: the current one).
    Settings(Box<PolicySettings>, Option<String>),
    Preset(String),
    /// Interval, grace, remind-before and extend minutes.
    CheckIns([u32; 4]),
    Missing,
}

async fn write_policy(
    app: &App,
    me: &Staff,
    id: SchoolId,
    change_note: &str,
    change: Change,
    now: DateTime<Utc>,
) -> Result<DraftView> {
    let school = school(app, me, id).await?;
    require_any(me, &SCHOOL_ADMINS, "change the school's policy")?;
    let note = inputs::text("change_note", change_note, 1000)?;
    let mut tx = app.db().begin().await?;
    let current = tx.current_policy(school.id).await?;
    // A problem is said as the policy form says it, its setting's label first.
    let checked = |settings: PolicySettings| -> Result<PolicySettings> {
        settings.check().map_err(|e| {
            FieldError::new(
                format!("settings.{}", e.field),
                refusal_words(&e.field, &e.reason),
            )
        })?;
        Ok(settings)
    };
    let (preset_name, settings) = match change {
        Change::Settings(settings, preset) => (
            preset.unwrap_or_else(|| current.preset.clone()),
            checked(*settings)?,
        ),
        Change::Preset(preset) => {
            let settings = presets::preset(&preset)?;
            (preset, settings)
        }
        Change::CheckIns([interval, grace, remind, extend]) => {
            let mut s = current.settings.0.clone();
            s.check_in.interval_minutes = interval;
            s.check_in.grace_minutes = grace;
            s.check_in.remind_before_minutes = remind;
            s.check_in.extend_minutes = extend;
            (current.preset.clone(), checked(s)?)
        }
        Change::Missing => {
            return Err(
                FieldError::new("settings", "give new settings or a preset to start from").into(),
            );
        }
    };
    let draft = draft_change(
        app,
        &mut tx,
        me,
        &current,
        Drafting {
            preset: preset_name,
            settings,
            note: &note,
        },
        now,
    )
    .await?;
    let detail = json!({ "draft": draft.id, "base_version": current.version, "note": note });
    let e = audit::entry(
        app,
        me,
        "policy.draft",
        "school",
        school.id.0,
        Some(school.id),
        detail,
    );
    tx.append_audit(&e).await?;
    tx.commit().await?;
    policy_draft(app, me, draft.id).await
}
