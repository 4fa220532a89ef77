//! The roles a member of staff can hold. A person may hold several (a headteacher is often the DSL).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Teachers, family liaison, nursery teachers: the people who go out.
    VisitingStaff,
    /// Keeps the sign-out log and watches who is out.
    Office,
    SeniorLeader,
    /// Designated safeguarding lead.
    Dsl,
    /// A deputy designated safeguarding lead: reads and decides what the DSL does.
    DeputyDsl,
    /// A member of the safeguarding team other than the DSL (St Joseph's, Harton).
    SafeguardingTeam,
    Headteacher,
    /// HSP: attendance visits are made by the attendance lead plus one.
    AttendanceLead,
    /// The education welfare officer: goes on attendance visits when a policy says "accompanied
    /// by the EWO" (`reasons.<key>.led_by = ["ewo"]`) and can be told at a rung (`notify`).
    Ewo,
    /// Sees and administers every school of the trust.
    TrustAdmin,
    /// The chair of the school's governing body: reads allegations about the headteacher (A10),
    /// which the head must not see. Nothing else.
    ChairOfGovernors,
}

impl Role {
    pub const ALL: [Role; 11] = [
        Role::VisitingStaff,
        Role::Office,
        Role::SeniorLeader,
        Role::Dsl,
        Role::DeputyDsl,
        Role::SafeguardingTeam,
        Role::Headteacher,
        Role::AttendanceLead,
        Role::Ewo,
        Role::TrustAdmin,
        Role::ChairOfGovernors,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::VisitingStaff => "visiting_staff",
            Role::Office => "office",
            Role::SeniorLeader => "senior_leader",
            Role::Dsl => "dsl",
            Role::DeputyDsl => "deputy_dsl",
            Role::SafeguardingTeam => "safeguarding_team",
            Role::Headteacher => "headteacher",
            Role::AttendanceLead => "attendance_lead",
            Role::Ewo => "ewo",
            Role::TrustAdmin => "trust_admin",
            Role::ChairOfGovernors => "chair_of_governors",
        }
    }

    /// How a headteacher would say it.
    pub fn title(self) -> &'static str {
        match self {
            Role::VisitingStaff => "visiting staff",
            Role::Office => "office staff",
            Role::SeniorLeader => "a senior leader",
            Role::Dsl => "the designated safeguarding lead",
            Role::DeputyDsl => "a deputy designated safeguarding lead",
            Role::SafeguardingTeam => "the safeguarding team",
            Role::Headteacher => "the headteacher",
            Role::AttendanceLead => "the attendance lead",
            Role::Ewo => "the education welfare officer (EWO)",
            Role::TrustAdmin => "a trust administrator",
            Role::ChairOfGovernors => "the chair of governors",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                let known: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
                format!("unknown role '{s}'; known roles: {}", known.join(", "))
            })
    }
}

/// The roles one person holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct RoleSet(Vec<Role>);

impl RoleSet {
    pub fn new(mut roles: Vec<Role>) -> Self {
        roles.sort();
        roles.dedup();
        RoleSet(roles)
    }
    pub fn has(&self, role: Role) -> bool {
        self.0.contains(&role)
    }
    pub fn any_of(&self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.has(*r))
    }
    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Leaders who see every visit of their school (A9: the DSL and the head; senior leaders
    /// authorise and run escalations, so they see the school's visits too).
    pub fn sees_whole_school(&self) -> bool {
        self.any_of(&[
            Role::Headteacher,
            Role::Dsl,
            Role::DeputyDsl,
            Role::SafeguardingTeam,
            Role::SeniorLeader,
            Role::Office,
        ])
    }
}

impl FromIterator<Role> for RoleSet {
    fn from_iter<T: IntoIterator<Item = Role>>(iter: T) -> Self {
        RoleSet::new(iter.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!(
            "janitor"
                .parse::<Role>()
                .unwrap_err()
                .contains("headteacher")
        );
    }
}
