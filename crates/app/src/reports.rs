//! G5: the report for governors and the trust board — home-visit practice of one school, or of
//! every school of the trust, over a term or a range of days. Counts only: no child is named
//! (nor an address, nor a UPN) and it quotes no free text: declined visits are counted by the
//! visit's reason category, never by the decider's words, which may name a family or a street.
//!
//! Who reads it is decided in [`crate::access::report_schools`]; every read is audited
//! (`report.read`). The JSON API, the page, the CSV tables and the PDF all show this one typed
//! value; [`GovernorsReport::tables`] is the one place its tables are laid out.

mod acknowledgement;
mod tables;
mod tally;

use crate::access::report_schools;
use crate::audit::entry;
use crate::{App, Result};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use domain::Role;
use domain::reports::ReportRange;
use serde::Serialize;
use std::collections::HashMap;
use store::Staff;
use tally::Tally;

/// G2 for the governors' report: how many staff have read the current policy, and its review date.
pub use crate::school_admin::{
    AcknowledgementStatus, acknowledgement_status_of as policy_acknowledgements,
};
pub use acknowledgement::StaffRead;
pub use domain::reports::{DEFAULT_TERMS_NOTE, parse_range};
pub use tables::{Chart, Table};

/// A label and how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Count {
    pub label: String,
    pub count: i64,
}

/// Alarms of one kind: how many, how many acknowledged, and the minutes from raising to
/// acknowledging (median and 90th percentile, nearest rank; `None` when none was acknowledged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AlarmLine {
    /// The alarm's kind in the school's words (`AlarmKind::label`), as the report prints it.
    pub kind: String,
    pub raised: i64,
    pub acknowledged: i64,
    pub median_minutes: Option<i64>,
    pub p90_minutes: Option<i64>,
}

/// D9, A6: Home Visit Slips left in the range and whether the family answered by the deadline.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SlipFigures {
    pub left: i64,
    pub answered_by_deadline: i64,
    /// The deadline passed with no answer (or the answer came after it).
    pub unanswered_by_deadline: i64,
    /// The deadline is still to come and no answer yet.
    pub waiting: i64,
}

/// One school's policy (G1) and how many of its staff have confirmed reading it (G2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PolicyLine {
    pub school: String,
    pub version: i64,
    pub approved_by: String,
    pub approved_on: NaiveDate,
    pub review_due: NaiveDate,
    /// The review date has passed.
    pub review_overdue: bool,
    /// Staff who have confirmed reading this version, of the staff asked to.
    pub staff_read: StaffRead,
    /// The same as a sentence, e.g. "31 of 34 staff have read it (3 not yet)".
    pub acknowledgement: String,
}

/// One school's headline figures, for the trust's table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SchoolLine {
    pub school: String,
    pub visits: i64,
    pub alarms: i64,
    pub incidents: i64,
    pub actions_overdue: i64,
}

/// The report (G5). Times in UTC; the range is of days, both inclusive.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GovernorsReport {
    /// The school's name, or the trust's with "all schools".
    pub title: String,
    #[schema(value_type = Object)]
    pub range: ReportRange,
    /// Set when the range is a default English term (there is no school calendar).
    pub terms_note: Option<String>,
    pub generated_at: DateTime<Utc>,
    pub visits: i64,
    pub visits_by_reason: Vec<Count>,
    pub visits_by_outcome: Vec<Count>,
    /// Of the visits staff went out on: with one member of staff, and with two or more.
    pub lone_visits: i64,
    pub paired_visits: i64,
    pub authorised: i64,
    pub declined: i64,
    /// Declined visits by the visit's reason category (the decider's words are never shown: they
    /// may name an adult or give an address).
    pub declined_reasons: Vec<Count>,
    pub alarms: Vec<AlarmLine>,
    /// Who acknowledged alarms, by role (never by name).
    pub acknowledged_by: Vec<Count>,
    pub slips: SlipFigures,
    pub incidents_by_kind: Vec<Count>,
    /// Incidents after which the household was blocked for new appointments (P10).
    pub incidents_blocking: i64,
    pub households_blocked_now: i64,
    pub households_blocked_in_range: i64,
    /// Follow-up actions (A3) not done and past their due day, as at the report's making.
    pub actions_overdue: i64,
    pub policies: Vec<PolicyLine>,
    /// G2 across every school of the report: staff who have read their school's current
    /// policy, of all the staff asked to.
    pub staff_read: StaffRead,
    pub schools: Vec<SchoolLine>,
}

/// G5: the governors' report of the school `school_id` names (or the reader's own), or, for a
/// trust administrator naming none, of every school of the trust, for the days of `range`
/// (UTC days, both inclusive) as at `app.now()`. Errors: `Forbidden` unless the reader is the
/// head, the DSL or the chair of governors of the school, or a trust administrator;
/// `Invalid("school_id")` for a school outside their scope. The read is audited (`report.read`).
#[tracing::instrument(skip_all, fields(staff.id = me.id.0))]
pub async fn governors_report(
    app: &App,
    me: &Staff,
    school_id: Option<i64>,
    range: ReportRange,
) -> Result<GovernorsReport> {
    let schools = report_schools(app, me, school_id).await?;
    let now = app.now();
    let today = now.date_naive();
    let from = Utc.from_utc_datetime(&range.from.and_time(chrono::NaiveTime::MIN));
    let to = Utc.from_utc_datetime(&range.to.and_time(chrono::NaiveTime::MIN))
        + chrono::Duration::days(1);
    let mut tally = Tally::default();
    let mut policies = Vec::new();
    let mut lines = Vec::new();
    for school in &schools {
        let facts = app.db().report_facts(school.id, from, to, today).await?;
        let policy = app.db().current_policy(school.id).await?;
        let labels: HashMap<String, String> = policy
            .settings
            .reason_categories
            .iter()
            .map(|c| (c.key.clone(), c.label.clone()))
            .collect();
        lines.push(SchoolLine {
            school: school.name.clone(),
            visits: facts.visits.len() as i64,
            alarms: facts.alarms.len() as i64,
            incidents: facts.incidents.len() as i64,
            actions_overdue: facts.actions_overdue,
        });
        let staff_read = acknowledgement::staff_read(app, school.id).await?;
        policies.push(PolicyLine {
            school: school.name.clone(),
            version: policy.version,
            approved_by: policy.approved_by.clone(),
            approved_on: policy.approved_on,
            review_due: policy.review_due,
            review_overdue: policy.review_due < today,
            staff_read,
            acknowledgement: staff_read.sentence(),
        });
        tally.add(app, &facts, &labels, now).await?;
    }
    let title = match schools.as_slice() {
        [one] if school_id.is_some() || !me.roles.has(Role::TrustAdmin) => one.name.clone(),
        _ => format!("{} — all schools", app.db().trust(me.trust_id).await?.name),
    };
    let is_term = range.label.contains(" term ");
    let report = tally.finish(title, range, is_term, now, policies, lines);
    let e = entry(
        app,
        me,
        "report.read",
        "report",
        school_id.unwrap_or(0),
        schools.first().map(|s| s.id).filter(|_| schools.len() == 1),
        serde_json::json!({ "from": report.range.from, "to": report.range.to, "schools": schools.len() }),
    );
    app.db().append_audit(&e).await?;
    Ok(report)
}

/// What a request for the report names: the school (a trust administrator may leave it out for
/// the whole trust), and `term` (`this` or `last`) or `from` and `to` dates (YYYY-MM-DD).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct ReportQuery {
    pub school_id: Option<i64>,
    pub term: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// [`governors_report`] for a request's query: the range read with today's date (UTC).
/// Errors: as [`parse_range`] (naming `term`, `from` or `to`), then as [`governors_report`].
pub async fn governors_report_for(
    app: &App,
    me: &Staff,
    q: &ReportQuery,
) -> Result<GovernorsReport> {
    let today = app.now().date_naive();
    let range = parse_range(q.term.as_deref(), q.from.as_deref(), q.to.as_deref(), today)?;
    governors_report(app, me, q.school_id, range).await
}
