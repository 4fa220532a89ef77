//! Households (P3): adults, address, contacts, pets, language and culture notes, caution flags
//! with their source, and the block-until-reviewed flag (P10).

use crate::access::{self, require_any, school_in_scope};
use crate::{App, Refusal, Result, audit};
use chrono::{DateTime, Utc};
use domain::inputs::{self, PhoneNumber, Postcode};
use domain::policy::PolicySettings;
use domain::text::{Line, MultiLine};
use domain::{FieldError, HouseholdId, Role};
use serde::{Deserialize, Serialize};
use serde_json::json;
use store::{
    CautionFlag, Household, HouseholdMember, NewHousehold, NewMember, Pupil, RiskAssessment, Staff,
    Tx,
};

/// Who may block a household after aggression until it is reviewed (P10).
pub const HOUSEHOLD_BLOCKERS: [Role; 5] = [
    Role::SeniorLeader,
    Role::Dsl,
    Role::DeputyDsl,
    Role::Headteacher,
    Role::SafeguardingTeam,
];

/// The most people recorded in one household at once.
const MAX_MEMBERS: usize = 30;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    pub name: Line<200>,
    /// e.g. "mother", "stepfather", "grandmother", "lodger".
    pub relationship: Line<100>,
    pub parental_responsibility: bool,
    pub lives_at_address: bool,
    pub phone: Option<String>,
    pub email: Option<String>,
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub notes: Option<MultiLine<2000>>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CautionInput {
    pub description: MultiLine<2000>,
    /// Where the advice came from: "social care", "police", "previous visit"...
    pub source: Line<200>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewHouseholdInput {
    pub school_id: Option<i64>,
    pub family_name: Line<200>,
    pub address: MultiLine<500>,
    pub postcode: String,
    pub landline: Option<String>,
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub language_notes: Option<MultiLine<2000>>,
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub pets: Option<Line<500>>,
    #[serde(default)]
    pub members: Vec<MemberInput>,
    #[serde(default)]
    pub cautions: Vec<CautionInput>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonInput {
    pub reason: MultiLine<2000>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    pub note: MultiLine<2000>,
}

/// A household with everything a visitor should know before going.
#[derive(Serialize, utoipa::ToSchema)]
pub struct HouseholdDetail {
    pub household: Household,
    pub members: Vec<HouseholdMember>,
    pub caution_flags: Vec<CautionFlag>,
    pub pupils: Vec<Pupil>,
    pub latest_risk_assessment: Option<RiskAssessment>,
}

pub(super) fn opt_phone(field: &str, value: Option<&str>) -> Result<Option<String>, FieldError> {
    match value {
        Some(v) if !v.trim().is_empty() => Ok(Some(PhoneNumber::parse(field, v)?.to_string())),
        _ => Ok(None),
    }
}

async fn insert_member(
    tx: &mut Tx,
    household: HouseholdId,
    m: &MemberInput,
    field: &str,
) -> Result<()> {
    let name = m.name.to_string();
    let relationship = m.relationship.to_string();
    let phone = opt_phone(&format!("{field}.phone"), m.phone.as_deref())?;
    let email = match m.email.as_deref() {
        Some(e) if !e.trim().is_empty() => Some(inputs::email(&format!("{field}.email"), e)?),
        _ => None,
    };
    let notes = m.notes.as_deref().map(str::to_string);
    tx.add_member(
        household,
        &NewMember {
            name: &name,
            relationship: &relationship,
            parental_responsibility: m.parental_responsibility,
            lives_at_address: m.lives_at_address,
            phone: phone.as_deref(),
            email: email.as_deref(),
            notes: notes.as_deref(),
        },
    )
    .await?;
    Ok(())
}

/// Records a household with its adults and any caution flags, all or nothing (P3), audited as
/// `household.create`. Errors: `Invalid` naming the field (`members[2].phone`…).
pub async fn create_household(
    app: &App,
    me: &Staff,
    input: &NewHouseholdInput,
    now: DateTime<Utc>,
) -> Result<Household> {
    let school = school_in_scope(app, me, input.school_id).await?;
    let family_name = input.family_name.to_string();
    let address = input.address.to_string();
    let postcode = Postcode::parse("postcode", &input.postcode)?;
    let landline = opt_phone("landline", input.landline.as_deref())?;
    let language_notes = input.language_notes.as_deref().map(str::to_string);
    let pets = input.pets.as_deref().map(str::to_string);
    if input.members.len() > MAX_MEMBERS {
        return Err(FieldError::new("members", "at most 30 people per household").into());
    }
    let mut tx = app.db().begin().await?;
    let id = tx
        .create_household(
            &NewHousehold {
                school,
                family_name: &family_name,
                address: &address,
                postcode: postcode.as_str(),
                landline: landline.as_deref(),
                language_notes: language_notes.as_deref(),
                pets: pets.as_deref(),
            },
            now,
        )
        .await?;
    for (i, m) in input.members.iter().enumerate() {
        insert_member(&mut tx, id, m, &format!("members[{i}]")).await?;
    }
    for c in &input.cautions {
        let description = c.description.to_string();
        let source = c.source.to_string();
        tx.add_caution(id, &description, &source, me.id, now)
            .await?;
    }
    let e = audit::entry(
        app,
        me,
        "household.create",
        "household",
        id.0,
        Some(school),
        json!({}),
    );
    tx.append_audit(&e).await?;
    let household = tx.household(id).await?;
    tx.commit().await?;
    Ok(household)
}

/// The household with its people, caution flags, pupils and latest risk assessment, if this
/// person may see it ([`access::visible_household`]). Every read is audited (`household.read`).
pub async fn household(app: &App, me: &Staff, id: HouseholdId) -> Result<HouseholdDetail> {
    let household = access::visible_household(app, me, id).await?;
    audit::audit_read(
        app,
        me,
        "household.read",
        "household",
        id.0,
        household.school_id,
    )
    .await?;
    let db = app.db();
    Ok(HouseholdDetail {
        members: db.household_members(household.id).await?,
        caution_flags: db.caution_flags(household.id).await?,
        pupils: db.pupils_of_household(household.id).await?,
        latest_risk_assessment: db.latest_risk_assessment(household.id).await?,
        household,
    })
}

/// Adds a person to the household (field names start `member.`), audited as
/// `household.member.add`. Answers the household's people.
pub async fn add_member(
    app: &App,
    me: &Staff,
    id: HouseholdId,
    input: &MemberInput,
) -> Result<Vec<HouseholdMember>> {
    let household = access::visible_household(app, me, id).await?;
    let mut tx = app.db().begin().await?;
    insert_member(&mut tx, household.id, input, "member").await?;
    let e = audit::entry(
        app,
        me,
        "household.member.add",
        "household",
        id.0,
        Some(household.school_id),
        json!({}),
    );
    tx.append_audit(&e).await?;
    tx.commit().await?;
    Ok(app.db().household_members(household.id).await?)
}

/// P3, P10: advice from any source that suggests caution; authorisers acknowledge each one.
/// Audited as `household.caution.add`. Answers the household's caution flags.
pub async fn add_caution(
    app: &App,
    me: &Staff,
    id: HouseholdId,
    input: &CautionInput,
    now: DateTime<Utc>,
) -> Result<Vec<CautionFlag>> {
    let household = access::visible_household(app, me, id).await?;
    let description = input.description.to_string();
    let source = input.source.to_string();
    let mut tx = app.db().begin().await?;
    let flag = tx
        .add_caution(household.id, &description, &source, me.id, now)
        .await?;
    let detail = json!({ "flag": flag.0, "source": source });
    let e = audit::entry(
        app,
        me,
        "household.caution.add",
        "household",
        id.0,
        Some(household.school_id),
        detail,
    );
    tx.append_audit(&e).await?;
    tx.commit().await?;
    Ok(app.db().caution_flags(household.id).await?)
}

/// Whether this person may block a household (P10).
pub fn may_block(me: &Staff) -> bool {
    me.roles.any_of(&HOUSEHOLD_BLOCKERS)
}

/// Whether this person may review a blocked household under the school's policy (P10).
pub fn may_review(me: &Staff, policy: &PolicySettings) -> bool {
    me.roles.any_of(&policy.household.review_roles)
}

/// P10: no new appointments with this household until a senior leader reviews the case.
/// Errors: `Forbidden` unless one of [`HOUSEHOLD_BLOCKERS`]; `Invalid("reason")`.
pub async fn block_household(
    app: &App,
    me: &Staff,
    id: HouseholdId,
    input: &ReasonInput,
    now: DateTime<Utc>,
) -> Result<Household> {
    let household = access::visible_household(app, me, id).await?;
    require_any(me, &HOUSEHOLD_BLOCKERS, "block a household")?;
    let reason = input.reason.to_string();
    let mut tx = app.db().begin().await?;
    tx.block_household(household.id, &reason, now).await?;
    let e = audit::entry(
        app,
        me,
        "household.block",
        "household",
        id.0,
        Some(household.school_id),
        json!({ "reason": reason }),
    );
    tx.append_audit(&e).await?;
    let household = tx.household(household.id).await?;
    tx.commit().await?;
    Ok(household)
}

/// P10: a senior leader (the roles the policy names) reviews a blocked household; new
/// appointments may be made again. Errors: `Forbidden`; `Conflict("blocked")` when it is not
/// blocked (decided inside the transaction, so two reviews cannot both pass).
pub async fn review_household(
    app: &App,
    me: &Staff,
    id: HouseholdId,
    input: &ReviewInput,
    now: DateTime<Utc>,
) -> Result<Household> {
    // A planner of a visit there learns only that they may not review it (#10: not the record).
    access::household_for_planning(app, me, id).await?;
    let visible = app.db().household(id).await?;
    let mut tx = app.db().begin().await?;
    let policy = tx.current_policy(visible.school_id).await?;
    require_any(
        me,
        &policy.settings.household.review_roles,
        "review a blocked household",
    )?;
    let household = tx.household(visible.id).await?;
    if !household.blocked {
        return Err(Refusal::conflict(
            "blocked",
            "this household is not blocked",
        ));
    }
    let note = input.note.to_string();
    tx.review_household(household.id, me.id, &note, now).await?;
    let e = audit::entry(
        app,
        me,
        "household.review",
        "household",
        id.0,
        Some(household.school_id),
        json!({ "note": note }),
    );
    tx.append_audit(&e).await?;
    let household = tx.household(household.id).await?;
    tx.commit().await?;
    Ok(household)
}
