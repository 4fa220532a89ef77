//! Typed ids, so a pupil's id can never be passed where a household's is expected.

use serde::{Deserialize, Serialize};

/// Declares an integer surrogate-key newtype. A plain declarative macro: it only writes the
/// same derive list and conversions for each id, it hides no control flow.
macro_rules! typed_id {
    ($($name:ident),* $(,)?) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl From<i64> for $name {
            fn from(id: i64) -> Self {
                $name(id)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

typed_id!(
    TrustId,
    SchoolId,
    StaffId,
    PupilId,
    HouseholdId,
    HouseholdMemberId,
    CautionFlagId,
    VehicleId,
    VisitId,
    RiskAssessmentId,
    PolicyVersionId,
    SafetyConcernId,
);
