//! G1, G3: a change to a school's policy is a draft until the body the policy names approves it
//! (SEN Trust Southend: "the policy will be approved by the Trust Board"), recorded by a person
//! holding that body's role, with the day it takes effect. A school on its trust's policy may
//! change only the settings the trust lets it; a trust administrator's change reaches every
//! adopting school. No SQL here; access is asked of [`crate::access`].

use crate::access::require_any;
use crate::access::visible_school as school;
use crate::permissions::SCHOOL_ADMINS;
use crate::{App, Refusal, Result, audit};
use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use domain::policy::changes::{self, SettingChange};
use domain::policy::{ApprovingBody, PolicySettings};
use domain::{FieldError, Role, SchoolId, StaffId, TrustId};
use serde::{Deserialize, Serialize};
use serde_json::json;
use store::{ApprovedVersion, Db, NewPolicyDraft, PolicyDraft, PolicyVersion, Staff, Tx};

/// A draft with what it changes, in words, and who must approve it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DraftView {
    pub draft: PolicyDraft,
    /// Each changed setting against the version it was written on ("Check-in interval: 30 → 20
    /// minutes").
    pub changes: Vec<SettingChange>,
    pub approving_body: ApprovingBody,
    /// The role that records the approval (chair of governors, trust administrator).
    pub approved_by_role: Role,
    /// The version now in force when it is not the one this draft was written on: the draft
    /// can no longer be approved, only withdrawn and written again. None while it is current
    /// (or once approved).
    pub out_of_date_since: Option<i64>,
}

/// Why a change needs a draft, and what it lays over the current settings.
pub(super) struct Drafting<'a> {
    pub preset: String,
    pub settings: PolicySettings,
    pub note: &'a str,
}

/// The body whose approval a draft waits for: the trust board for a change to the trust's
/// policy, otherwise the body the policy's `approver` names.
pub fn approving_body(draft: &PolicyDraft) -> ApprovingBody {
    if draft.for_trust {
        ApprovingBody::TrustBoard
    } else {
        ApprovingBody::named_in(&draft.settings.approver)
    }
}

pub(super) async fn view(db: &Db, draft: PolicyDraft) -> Result<DraftView> {
    let base = db
        .policy_versions(draft.school_id)
        .await?
        .into_iter()
        .find(|v| v.version == draft.base_version);
    let changes = match base {
        Some(b) => changes::diff(&b.settings, &draft.settings),
        None => Vec::new(),
    };
    let body = approving_body(&draft);
    let current = db.current_policy(draft.school_id).await?.version;
    Ok(DraftView {
        changes,
        approving_body: body,
        approved_by_role: body.role(),
        out_of_date_since: (draft.approved_by.is_none() && current != draft.base_version)
            .then_some(current),
        draft,
    })
}

/// Stores a change as a draft (the caller checked the settings and holds the transaction).
/// Errors: `Invalid("settings")` when nothing changed; `Invalid("settings.<path>")` naming a
/// setting the trust sets, for a school on its trust's policy.
pub(super) async fn draft_change(
    app: &App,
    tx: &mut Tx,
    me: &Staff,
    current: &PolicyVersion,
    d: Drafting<'_>,
    now: DateTime<Utc>,
) -> Result<PolicyDraft> {
    let changed = changes::diff(&current.settings, &d.settings);
    if changed.is_empty() && d.preset == current.preset {
        return Err(FieldError::new(
            "settings",
            format!(
                "nothing has changed from version {}: change a setting before saving",
                current.version
            ),
        )
        .into());
    }
    let trust_policy = app.db().trust_policy_of_school(current.school_id).await?;
    let for_trust = trust_policy.is_some() && me.roles.has(Role::TrustAdmin);
    if let (Some((_, allowed)), false) = (&trust_policy, for_trust) {
        // G3: a school changes only what its trust lets it, and its own calendar.
        let held = changes::school_held(allowed);
        if let Some(c) = changed.iter().find(|c| !changes::covered(&c.path, &held)) {
            let mut may: Vec<String> = allowed.iter().map(|p| changes::label(p)).collect();
            may.push("its own calendar (school days, term dates, working hours)".into());
            let may = may.join(", ");
            return Err(Refusal::invalid(
                format!("settings.{}", c.path),
                format!(
                    "{} is set by the trust for all its schools; this school may change only: {may}",
                    c.label
                ),
            ));
        }
    }
    let draft = tx
        .add_policy_draft(&NewPolicyDraft {
            school: current.school_id,
            base_version: current.version,
            preset: &d.preset,
            settings: &d.settings,
            change_note: d.note,
            for_trust,
            adopts_trust: None,
            by: me.id,
            at: now,
        })
        .await?;
    Ok(draft)
}

/// The school's drafts not yet in force, newest first, each with its changes in words.
/// Errors: `NotFound("school")`.
pub async fn policy_drafts(app: &App, me: &Staff, id: SchoolId) -> Result<Vec<DraftView>> {
    let school = school(app, me, id).await?;
    let mut out = Vec::new();
    for d in app.db().open_policy_drafts(school.id).await? {
        out.push(view(app.db(), d).await?);
    }
    Ok(out)
}

/// One draft with its changes. Errors: `NotFound("policy draft")` for one of a school this
/// person does not work in.
pub async fn policy_draft(app: &App, me: &Staff, draft: i64) -> Result<DraftView> {
    let d = app.db().policy_draft(draft).await?;
    school(app, me, d.school_id)
        .await
        .map_err(|e| e.absent_as(|| Refusal::not_found("policy draft")))?;
    view(app.db(), d).await
}

/// What changed from the version before `version` to it, in words. Errors: `NotFound("school")`,
/// `NotFound("policy version")`.
pub async fn version_changes(
    app: &App,
    me: &Staff,
    id: SchoolId,
    version: i64,
) -> Result<Vec<SettingChange>> {
    let versions = super::policy_versions(app, me, id).await?;
    let find = |n: i64| versions.iter().find(|v| v.version == n);
    let now = find(version).ok_or_else(|| Refusal::not_found("policy version"))?;
    Ok(match find(version - 1) {
        Some(before) => changes::diff(&before.settings, &now.settings),
        None => Vec::new(),
    })
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproveInput {
    /// The day the change takes effect, in the school's calendar (default: today). Not before
    /// today.
    #[schema(value_type = Option<String>, format = Date)]
    pub takes_effect_on: Option<NaiveDate>,
}

/// G1: records the approving body's approval of a draft, by a person holding its role (the
/// chair of governors for a governing body; a trust administrator for a trust board). In force
/// at once when it takes effect today; otherwise the safety monitor brings it into force on
/// that day ([`bring_policies_into_force`]). Audited as `policy.approve`.
/// Errors: `NotFound("policy draft")`; `Forbidden` without the body's role;
/// `Invalid("takes_effect_on")` before today; `Conflict("draft")` when already approved or the
/// policy has changed since the draft was written.
pub async fn approve_policy(
    app: &App,
    me: &Staff,
    draft: i64,
    input: &ApproveInput,
    now: DateTime<Utc>,
) -> Result<DraftView> {
    let d = policy_draft(app, me, draft).await?.draft;
    let body = approving_body(&d);
    let who = format!("approve a change to this policy ({})", d.settings.approver);
    require_any(me, &[body.role()], &who)?;
    let today = now.with_timezone(&d.settings.tz()).date_naive();
    let takes_effect_on = input.takes_effect_on.unwrap_or(today);
    if takes_effect_on < today {
        return Err(Refusal::invalid(
            "takes_effect_on",
            "a change cannot take effect before the day it is approved",
        ));
    }
    let mut tx = app.db().begin().await?;
    let current = tx.current_policy(d.school_id).await?;
    if current.version != d.base_version {
        return Err(Refusal::conflict(
            "draft",
            format!(
                "The policy has changed since this change was written (it is now version {}): withdraw it and write the change again",
                current.version
            ),
        ));
    }
    let name = format!("{} for {}", me.name, d.settings.approver);
    if !tx
        .approve_policy_draft(d.id, me.id, &name, today, takes_effect_on)
        .await?
    {
        return Err(Refusal::conflict(
            "draft",
            "this change is already approved",
        ));
    }
    let detail = json!({ "draft": d.id, "takes_effect_on": takes_effect_on });
    let e = audit::entry(
        app,
        me,
        "policy.approve",
        "school",
        d.school_id.0,
        Some(d.school_id),
        detail,
    );
    tx.append_audit(&e).await?;
    tx.commit().await?;
    if takes_effect_on <= today {
        bring_into_force(app.db(), d.id, now).await?;
    }
    policy_draft(app, me, draft).await
}

/// Withdraws a change not yet approved (G1): out of date, or no longer wanted. The head or a
/// trust administrator who may change the policy, or the body's approver, may withdraw it.
/// Audited as `policy.withdraw`. Errors: `NotFound("policy draft")`; `Forbidden` for anyone
/// else; `Conflict("draft")` once approved or already withdrawn.
pub async fn withdraw_policy(app: &App, me: &Staff, draft: i64, now: DateTime<Utc>) -> Result<()> {
    let d = policy_draft(app, me, draft).await?.draft;
    let mut may: Vec<Role> = SCHOOL_ADMINS.to_vec();
    may.push(approving_body(&d).role());
    require_any(me, &may, "withdraw a change to this policy")?;
    let mut tx = app.db().begin().await?;
    if !tx.withdraw_policy_draft(d.id, me.id, now).await? {
        return Err(Refusal::conflict(
            "draft",
            "This change is already approved or withdrawn",
        ));
    }
    let e = audit::entry(
        app,
        me,
        "policy.withdraw",
        "school",
        d.school_id.0,
        Some(d.school_id),
        json!({ "draft": d.id }),
    );
    tx.append_audit(&e).await?;
    tx.commit().await?;
    Ok(())
}

/// Brings every approved change whose day has come (in each school's time zone) into force: a
/// new version per school it reaches. Safe from several instances (each draft is claimed).
/// Called by the safety monitor's pass; returns how many changes came into force.
pub async fn bring_policies_into_force(db: &Db, now: DateTime<Utc>) -> Result<usize> {
    // Claimed per school's own date below; a day's margin covers every time zone.
    let by = (now + Duration::days(1)).date_naive();
    let mut n = 0;
    for d in db.drafts_coming_into_force(by).await? {
        let today = now.with_timezone(&d.settings.tz()).date_naive();
        if d.takes_effect_on.is_some_and(|on| on <= today)
            && bring_into_force(db, d.id, now).await?
        {
            n += 1;
        }
    }
    Ok(n)
}

async fn bring_into_force(db: &Db, draft: i64, now: DateTime<Utc>) -> Result<bool> {
    let d = db.policy_draft(draft).await?;
    let (Some(approver), Some(name), Some(on), Some(effect)) = (
        d.approved_by,
        d.approved_by_name.as_deref(),
        d.approved_on,
        d.takes_effect_on,
    ) else {
        return Ok(false);
    };
    // An adoption changes the adopting school only (the others already hold the trust's
    // settings); any other trust change reaches every adopting school.
    let adopts = d.adopts_trust_id.map(TrustId);
    let schools = match (
        d.for_trust,
        adopts,
        db.trust_policy_of_school(d.school_id).await?,
    ) {
        (true, None, Some((trust, allowed))) => targets(db, trust, d.school_id, allowed).await?,
        _ => vec![(d.school_id, None)],
    };
    // An adoption approved after a trust change takes the trust's settings as they are now,
    // not as they were when the school drafted it.
    let latest = match adopts {
        Some(trust) => super::trust_policy::latest_trust_settings(db, trust, d.school_id).await?,
        None => None,
    };
    let mut tx = db.begin().await?;
    if !tx.claim_draft_in_force(d.id, now).await? {
        return Ok(false);
    }
    if let Some(trust) = adopts {
        tx.join_trust_policy(d.school_id, trust).await?;
    }
    for (school, allowed) in schools {
        let mine = tx.current_policy(school).await?;
        let settings = match (&allowed, &latest) {
            (Some(allowed), _) => {
                changes::keep_school_settings(&d.settings, &mine.settings, allowed)?
            }
            (None, Some((trust, allowed))) => {
                changes::keep_school_settings(trust, &mine.settings, allowed)?
            }
            (None, None) => d.settings.0.clone(),
        };
        let review_due = on
            .checked_add_months(Months::new(settings.review_every_months))
            .ok_or_else(|| Refusal::invalid("review_every_months", "is too far in the future"))?;
        tx.add_approved_policy_version(&ApprovedVersion {
            school,
            preset: &d.preset,
            settings: &settings,
            approved_by: name,
            approver: StaffId(approver),
            approved_on: on,
            review_due,
            takes_effect_on: effect,
            changed_by: StaffId(d.drafted_by),
            change_note: &d.change_note,
            now,
        })
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// The schools a trust change reaches: the drafted one as written, the others keeping their
/// own values of what they may change and their own calendar ([`changes::SCHOOL_OWN_SETTINGS`]).
async fn targets(
    db: &Db,
    trust: TrustId,
    drafted: SchoolId,
    allowed: Vec<String>,
) -> Result<Vec<(SchoolId, Option<Vec<String>>)>> {
    Ok(db
        .trust_policy_schools(trust)
        .await?
        .into_iter()
        .map(|s| (s, (s != drafted).then(|| changes::school_held(&allowed))))
        .collect())
}

/// Whether this person may draft changes to the school's policy (the head, trust administrators).
pub fn may_draft(me: &Staff) -> bool {
    me.roles.any_of(&SCHOOL_ADMINS)
}
