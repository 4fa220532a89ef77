//! G3: a school adopts its trust's policy ("one policy adopted by all schools", SEN Trust
//! Southend), as a draft the trust board approves. The school keeps its own values of the
//! settings the trust lets it change and takes the trust's for the rest; once approved it joins
//! the trust's policy, so each later trust change reaches it with the others at once.

use super::policy_approval::{DraftView, view};
use crate::access::require_any;
use crate::access::visible_school as school;
use crate::permissions::SCHOOL_ADMINS;
use crate::{App, Refusal, Result, audit};
use chrono::{DateTime, Utc};
use domain::SchoolId;
use domain::policy::changes;
use serde::Deserialize;
use serde_json::json;
use store::{NewPolicyDraft, Staff};

/// Adopting the trust's policy.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdoptInput {
    /// Why, in a few words (default: "Adopt the trust's policy").
    #[serde(default)]
    pub change_note: Option<String>,
}

/// G3: drafts the school's adoption of its trust's policy: every setting the trust sets is
/// copied from a school already on the trust's policy, every setting in the trust's
/// `school_may_change` keeps the school's own value. The draft waits for the trust board (a
/// trust administrator approves); once in force the school is on the trust's policy. Audited as
/// `policy.adopt_trust`. Answers the draft with its changes in words.
/// Errors: `NotFound("school")` for a school this person does not work in; `Forbidden` unless
/// the head or a trust administrator; `Conflict("trust_policy")` when the trust has no policy of
/// its own yet, or no other school holds it to copy from; `Invalid("change_note")` over 500
/// characters; `Invalid("settings")` when the school already runs the trust's policy as it is.
pub async fn adopt_trust_policy(
    app: &App,
    me: &Staff,
    id: SchoolId,
    input: &AdoptInput,
    now: DateTime<Utc>,
) -> Result<DraftView> {
    let school = school(app, me, id).await?;
    require_any(me, &SCHOOL_ADMINS, "adopt the trust's policy")?;
    let note = domain::inputs::optional_text(
        "change_note",
        input.change_note.as_deref().unwrap_or(""),
        500,
    )?
    .unwrap_or_else(|| "Adopt the trust's policy".to_string());
    let db = app.db();
    let Some(allowed) = db.trust_policy(school.trust_id).await? else {
        return Err(Refusal::conflict(
            "trust_policy",
            "the trust has no policy of its own yet: a trust administrator names the schools on it and what each may change first",
        ));
    };
    // Every school on the trust's policy holds the trust's settings: any one is the source.
    let Some(source) = db
        .trust_policy_schools(school.trust_id)
        .await?
        .into_iter()
        .find(|s| *s != school.id)
    else {
        return Err(Refusal::conflict(
            "trust_policy",
            "no other school is on the trust's policy yet, so there are no trust settings to adopt",
        ));
    };
    let theirs = db.current_policy(source).await?;
    let mine = db.current_policy(school.id).await?;
    let settings = changes::keep_school_settings(&theirs.settings, &mine.settings, &allowed)?;
    let joined = db.trust_policy_of_school(school.id).await?.is_some();
    if joined && changes::diff(&mine.settings, &settings).is_empty() {
        return Err(Refusal::invalid(
            "settings",
            "this school already runs the trust's policy as it stands",
        ));
    }
    let mut tx = db.begin().await?;
    let draft = tx
        .add_policy_draft(&NewPolicyDraft {
            school: school.id,
            base_version: mine.version,
            preset: &theirs.preset,
            settings: &settings,
            change_note: &note,
            for_trust: true,
            adopts_trust: Some(school.trust_id),
            by: me.id,
            at: now,
        })
        .await?;
    let detail = json!({ "draft": draft.id, "trust": school.trust_id.0, "copied_from": source.0 });
    let e = audit::entry(
        app,
        me,
        "policy.adopt_trust",
        "school",
        school.id.0,
        Some(school.id),
        detail,
    );
    tx.append_audit(&e).await?;
    tx.commit().await?;
    view(db, draft).await
}

/// Whether the school's trust has a policy of its own and whether the school is on it, for the
/// policy page's "adopt the trust policy" action: `None` when the trust has none.
/// Errors: `NotFound("school")`.
pub async fn trust_policy_status(app: &App, me: &Staff, id: SchoolId) -> Result<Option<bool>> {
    let school = school(app, me, id).await?;
    if app.db().trust_policy(school.trust_id).await?.is_none() {
        return Ok(None);
    }
    Ok(Some(
        app.db().trust_policy_of_school(school.id).await?.is_some(),
    ))
}
