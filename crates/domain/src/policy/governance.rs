//! G1, G2, G3: who approves a school's policy, whether staff must confirm they have read it, and
//! the settings a trust lets its schools change. Pure rules; storing drafts, approvals and
//! acknowledgements is the store's and the use-case layer's.

use crate::roles::Role;
use serde::{Deserialize, Serialize};

/// The body a policy says approves it ("the policy will be approved by the Trust Board"; "approved
/// by the Local Governing Body"), and so the role of the person who records the approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApprovingBody {
    /// Recorded by the chair of governors.
    GoverningBody,
    /// Recorded by a trust administrator.
    TrustBoard,
}

impl ApprovingBody {
    /// The body named in a policy's `approver` setting: a trust (SEN Trust Southend "Trust
    /// Board", "REAch2 Academy Trust") or, for anything else, the school's governing body.
    pub fn named_in(approver: &str) -> ApprovingBody {
        if approver.to_lowercase().contains("trust") {
            ApprovingBody::TrustBoard
        } else {
            ApprovingBody::GoverningBody
        }
    }

    /// The role that records this body's approval in Doorstep.
    pub fn role(self) -> Role {
        match self {
            ApprovingBody::GoverningBody => Role::ChairOfGovernors,
            ApprovingBody::TrustBoard => Role::TrustAdmin,
        }
    }
}

/// G2: staff confirm they have read the current version of the policy (SEN Trust Southend:
/// "staff acknowledge the risk assessment"). Settings stored before this rule read as off.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgementRule {
    /// A visitor who has not confirmed reading the current version is refused sign-out.
    pub before_sign_out: bool,
}
