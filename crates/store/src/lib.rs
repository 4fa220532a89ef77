//! Doorstep's storage: one [`Db`] over SQLite or PostgreSQL, and every SQL statement.
//!
//! Each query is written once in the portable subset (`$N` placeholders, `RETURNING`,
//! `ON CONFLICT`, times bound from Rust) and run on whichever pool the URL chose. Reads go
//! through [`Db`]; writes go through a [`Tx`] so a use case commits all of its rows, and its
//! audit entry, or none of them.

mod accounts;
mod audit;
mod board;
mod board_feed;
mod db;
mod demo_outbox;
pub mod health;
mod households;
mod imports;
mod inbound_sms;
mod line_managers;
mod monitor;
mod policy_governance;
mod records;
mod reports;
mod risk;
mod schools;
mod second_factor;
mod secrets;
mod sessions;
mod sign_in;
mod staff;
mod stored;
mod trust_sso;
mod visits;

pub use accounts::{RoleGrant, SessionSummary};
pub use audit::{AuditEntry, AuditFilter, AuditRow};
pub use board::OutNowRow;
pub use board_feed::BoardChange;
pub use db::{Backend, Db, StoreError, Tx};
pub use demo_outbox::KeptMessage;
pub use health::WriteStatus;
pub use households::{
    CautionFlag, Household, HouseholdMember, NewHousehold, NewMember, NewPupil, Pupil,
};
pub use imports::{
    ContactFromMis, ImportedContact, ImportedHousehold, ImportedPupil, PupilFromMis,
};
pub use inbound_sms::NewInboundSms;
pub use monitor::channels::{NOT_CONFIGURED, UNREACHABLE};
pub use monitor::practice::PracticeVisit;
pub use monitor::{
    Alarm, CheckIn, DeadlineRow, Delivery, MonitorPass, NewAlarm, NewCheckIn, NewDeadline,
    NewNotification, Notification, VisitDeadlines, Watch,
};
pub use policy_governance::{ApprovedVersion, NewPolicyDraft, PolicyDraft};
pub use records::{
    BreakGlass, CalendarLink, FollowUpAction, HeadOnlyRecord, Incident, IncidentDraft,
    InvolvementGrant, NewAction, NewCalendarLink, NewGrant, NewHeadOnlyRecord, NewIncident,
    NewOutcome, NewSafeguardingConcern, NewSlip, RecordRead, SLIP_DEADLINE, SafeguardingConcern,
    Slip, VisitOutcome, VisitRow, VisitRowFilter, in_app_address,
};
pub use reports::{ReportAlarm, ReportFacts, ReportIncident, ReportSlip, ReportVisit};
pub use risk::{NewRiskAssessment, RiskAssessment};
pub use schools::{PolicyVersion, School, Trust};
pub use second_factor::{RecoveryCode, SecondFactor};
pub use secrets::{KEY_BYTES, KeyError, SEALED_PREFIX, Secrets, WrongKey};
pub use sessions::Session;
pub use sign_in::SignInFailures;
pub use staff::{NewStaff, NewVehicle, Staff, Vehicle};
pub use trust_sso::TrustSso;
pub use visits::{
    Decision, NewVisit, SafetyConcern, Visit, VisitEvent, VisitFilter, VisitStaff, VisitSummary,
    VisitorOnPlan,
};
