//! [`RecordClass::Roll`](super::RecordClass::Roll) and
//! [`RecordClass::HouseholdRegister`](super::RecordClass::HouseholdRegister): the lists of a
//! school's pupils and households, and how much of each entry a person reads. Every route that
//! lists pupils (`/api/pupils`, the plan form's choice of pupil) or households (`/api/households`,
//! `/households`, the incident form) asks here.

use super::school_in_scope;
use crate::permissions::{HOUSEHOLD_KEEPERS, ROLL_KEEPERS, ROLL_NAME_READERS};
use crate::{App, Refusal, Result};
use domain::SchoolId;
use serde::Serialize;
use store::{Household, Pupil, Staff};

/// How much of each entry of a list a person reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Everything the list holds (a pupil's date of birth and household, a household's address).
    Full,
    /// A pupil's name and year group; a household's family name and whether it is blocked.
    NamesOnly,
}

/// [`RecordClass::Roll`](super::RecordClass::Roll): the school whose pupils the person may
/// list (`named`, or their own) and how much of each. The office, the attendance lead, the
/// safeguarding leads (the DSL, a deputy DSL, the safeguarding team, the head) and a trust
/// administrator ([`ROLL_KEEPERS`]) read the whole entry; staff who plan and go on visits
/// ([`ROLL_NAME_READERS`]) read names and year groups only. Errors as
/// [`school_in_scope`](super::school_in_scope); `Forbidden` for anyone else (the chair of
/// governors has no need to know individual children).
pub async fn roll(app: &App, staff: &Staff, named: Option<i64>) -> Result<(SchoolId, Detail)> {
    let school = school_in_scope(app, staff, named).await?;
    if staff.roles.any_of(&ROLL_KEEPERS) {
        Ok((school, Detail::Full))
    } else if staff.roles.any_of(&ROLL_NAME_READERS) {
        Ok((school, Detail::NamesOnly))
    } else {
        Err(Refusal::forbidden(
            "only the school's staff who work with its pupils may list them",
        ))
    }
}

/// [`RecordClass::HouseholdRegister`](super::RecordClass::HouseholdRegister): the school whose
/// households the person may list (`named`, or their own) and how much of each. Those who keep
/// the households — the office, the DSL, a deputy DSL and the head ([`HOUSEHOLD_KEEPERS`]) —
/// read addresses; other staff who plan and go on visits ([`ROLL_NAME_READERS`]) read family
/// names only (the address of a visit's household is in the planner's view,
/// [`super::household_for_planning`]). Which households are listed is
/// [`crate::school_admin::households`]'s. Errors as
/// [`school_in_scope`](super::school_in_scope); `Forbidden` for anyone else.
pub async fn household_register(
    app: &App,
    staff: &Staff,
    named: Option<i64>,
) -> Result<(SchoolId, Detail)> {
    let school = school_in_scope(app, staff, named).await?;
    if staff.roles.any_of(&HOUSEHOLD_KEEPERS) {
        Ok((school, Detail::Full))
    } else if staff.roles.any_of(&ROLL_NAME_READERS) || staff.roles.any_of(&ROLL_KEEPERS) {
        Ok((school, Detail::NamesOnly))
    } else {
        Err(Refusal::forbidden(
            "only the school's staff who work with its families may list them",
        ))
    }
}

/// A pupil as listed to those who read names only (and the household to plan for).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
// Closed in the API description, so a whole entry is never read as this one too (oneOf).
#[serde(deny_unknown_fields)]
pub struct PupilName {
    pub id: i64,
    pub school_id: i64,
    pub name: String,
    pub year_group: Option<String>,
    /// Which household to plan for: a number only; what a planner reads of the household is
    /// [`super::household_for_planning`]'s, asked and audited there.
    pub household_id: i64,
}

/// A pupil of the roll as the person reads it ([`roll`]): the whole entry or name and year
/// group only.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum RollPupil {
    Full(Pupil),
    NamesOnly(PupilName),
}

impl RollPupil {
    /// `p` as `detail` allows.
    pub fn of(p: Pupil, detail: Detail) -> RollPupil {
        match detail {
            Detail::Full => RollPupil::Full(p),
            Detail::NamesOnly => RollPupil::NamesOnly(PupilName {
                id: p.id.0,
                school_id: p.school_id.0,
                household_id: p.household_id.0,
                name: p.name,
                year_group: p.year_group,
            }),
        }
    }
}

/// A household as listed to those who read names only.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
// Closed in the API description, so a whole entry is never read as this one too (oneOf).
#[serde(deny_unknown_fields)]
pub struct HouseholdName {
    pub id: i64,
    pub school_id: i64,
    pub family_name: String,
    pub blocked: bool,
}

/// A household of the register as the person reads it ([`household_register`]).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum RegisterHousehold {
    Full(Box<Household>),
    NamesOnly(HouseholdName),
}

impl RegisterHousehold {
    /// `h` as `detail` allows.
    pub fn of(h: Household, detail: Detail) -> RegisterHousehold {
        match detail {
            Detail::Full => RegisterHousehold::Full(Box::new(h)),
            Detail::NamesOnly => RegisterHousehold::NamesOnly(HouseholdName {
                id: h.id.0,
                school_id: h.school_id.0,
                family_name: h.family_name,
                blocked: h.blocked,
            }),
        }
    }

    pub fn id(&self) -> i64 {
        match self {
            RegisterHousehold::Full(h) => h.id.0,
            RegisterHousehold::NamesOnly(h) => h.id,
        }
    }

    pub fn family_name(&self) -> &str {
        match self {
            RegisterHousehold::Full(h) => &h.family_name,
            RegisterHousehold::NamesOnly(h) => &h.family_name,
        }
    }

    pub fn blocked(&self) -> bool {
        match self {
            RegisterHousehold::Full(h) => h.blocked,
            RegisterHousehold::NamesOnly(h) => h.blocked,
        }
    }

    /// The address and postcode, for those who read them.
    pub fn address(&self) -> Option<(&str, &str)> {
        match self {
            RegisterHousehold::Full(h) => Some((&h.address, h.postcode.as_str())),
            RegisterHousehold::NamesOnly(_) => None,
        }
    }
}
