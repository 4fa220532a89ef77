//! Safeguarding records, as use cases: concerns about a child for the DSL (A4), incident reports
//! shared with the head by the end of the working day (A5; P10 and A8 for abusive incidents),
//! records for the head only (A10), a pupil's chronology and who read it (A3, A9), and the audit
//! trail. The JSON handlers and the web pages both call these.
//!
//! Every read asks [`crate::access`] (one decision per record class) and is audited; every change
//! is one transaction holding its writes, its messages (through [`crate::outbox`]) and its audit
//! row. No HTTP and no SQL here; the pure rules (due times, filters) are in
//! `domain::safeguarding`.

mod audit_trail;
mod chronology;
mod concerns;
mod head_only;
mod incidents;
mod involvement;
mod overview;
mod reminders;
mod report;

pub use audit_trail::{AuditQuery, audit_trail};
pub use chronology::{
    Chronology, ChronologyEntry, ChronologyPrint, ChronologyQuery, chronology, chronology_print,
    record_reads,
};
pub use concerns::{
    AcknowledgeInput, ConcernInput, ConcernQuery, Raised, acknowledge_concern, concern,
    list_concerns, raise_concern,
};
pub use head_only::{
    CloseInput, HeadOnlyQuery, Receipt, RecordInput, close_head_only, head_only_record,
    head_only_records, record_head_only,
};
pub use incidents::{
    IncidentQuery, IncidentView, incident, incident_families, incident_family, list_incidents,
    record_incident, submit_incident, update_incident,
};
pub use involvement::{
    BreakGlassInput, GrantInput, break_glass, break_glass_list, break_glass_offer,
    grant_involvement, involvement_grants, revoke_involvement,
};
pub use overview::{SafeguardingOverview, safeguarding_overview};
pub use reminders::remind_overdue_incidents;
pub use report::{NewIncidentInput, ReportInput, ReportPlace, incident_households, report_place};
