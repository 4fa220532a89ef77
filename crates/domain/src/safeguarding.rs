//! The pure rules of the safeguarding records: incident reports (A5: their kinds, which block the
//! household, when they are due with the head, where a report stands), safeguarding concerns
//! (A4) and records for the head (A10), and the pupil's chronology filter (A3).
//!
//! No database and no clock: time is passed in. Who may read these records is decided in the
//! use-case layer (`app::access`), not here.

mod chronology;
mod concern;
mod incident;

pub use chronology::{CHRONOLOGY_KINDS, ChronologyFilter};
pub use concern::{ConcernSource, HeadOnlyKind, not_in_future};
pub use incident::{IncidentKind, ReportStatus, RiskReview, check_occurred_at, report_due};
