//! A3: a pupil's chronology — every visit, outcome, action, slip, safeguarding concern and
//! incident in time order, filterable by kind and date — for the screen and for print; and A9:
//! who has read the child's records, for the DSL and the head. Each read is audited.

use crate::access::{readable_pupil, reading_pupil, require_any};
use crate::audit::entry;
use crate::permissions::{RECORD_OVERSEERS, reads_every_child};
use crate::school::school_tz;
use crate::words::{short_date, short_datetime};
use crate::{App, Refusal, Result};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use domain::PupilId;
use domain::safeguarding::ChronologyFilter;
use domain::visit::VisitState;
use serde::{Deserialize, Serialize};
use store::{Household, Pupil, RecordRead, School, Staff, VisitRowFilter};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct ChronologyQuery {
    /// Comma-separated kinds to keep: visit, outcome, action, slip, concern, incident.
    pub kind: Option<String>,
    /// First day to include (the school's local date), e.g. 2026-09-01.
    pub from: Option<NaiveDate>,
    /// Last day to include.
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChronologyEntry {
    pub at: DateTime<Utc>,
    /// visit, outcome, action, slip, concern or incident
    pub kind: &'static str,
    pub title: String,
    pub detail: String,
    pub visit_id: Option<i64>,
    /// The id of the record in its own kind (visit, action, slip, concern, incident).
    pub record_id: i64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Chronology {
    pub pupil_id: i64,
    pub pupil_name: String,
    pub entries: Vec<ChronologyEntry>,
}

/// What a printed chronology shows; the server lays it out as a PDF.
pub struct ChronologyPrint {
    pub school: School,
    pub pupil: Pupil,
    pub household: Household,
    /// The filter in words ("everything", "concern from 01/09/2026").
    pub filter: String,
    pub entries: Vec<ChronologyEntry>,
    /// The school's time zone, for the times printed.
    pub tz: Tz,
    pub printed_at: DateTime<Utc>,
}

fn filter(q: &ChronologyQuery, tz: Tz) -> Result<ChronologyFilter> {
    ChronologyFilter::parse(q.kind.as_deref(), q.from, q.to, tz)
        .map_err(|e| Refusal::bad_request(e.field, e.reason))
}

/// The pupil's chronology, oldest first (at most 2,000 visits), for the staff involved with the
/// child, the DSL and the head (A9); the read is audited against the pupil with the filter in
/// words. Errors: `NotFound("pupil")` for anyone else; `BadRequest` naming `kind` or `to`.
pub async fn chronology(
    app: &App,
    me: &Staff,
    pupil: PupilId,
    q: &ChronologyQuery,
) -> Result<Chronology> {
    let (pupil, school) = reading_pupil(app, me, pupil, "chronology.read").await?;
    let tz = school_tz(app, school.id).await?;
    let f = filter(q, tz)?;
    // The look is written while the records are read: the page waits for both, and shows
    // nothing if the audit row cannot be written.
    let (entries, ()) = tokio::try_join!(
        entries(app, &pupil, &school, tz, &f),
        audit_look(app, me, "chronology.read", &pupil, &school, &f),
    )?;
    Ok(Chronology {
        pupil_id: pupil.id.0,
        pupil_name: pupil.name,
        entries,
    })
}

/// The chronology to print, with the same filters and the same access as [`chronology`]; the
/// read is audited as `chronology.pdf_read`.
pub async fn chronology_print(
    app: &App,
    me: &Staff,
    pupil: PupilId,
    q: &ChronologyQuery,
) -> Result<ChronologyPrint> {
    let (pupil, school) = reading_pupil(app, me, pupil, "chronology.pdf_read").await?;
    let tz = school_tz(app, school.id).await?;
    let f = filter(q, tz)?;
    let (entries, household, ()) = tokio::try_join!(
        entries(app, &pupil, &school, tz, &f),
        async { Ok(app.db().household(pupil.household_id).await?) },
        audit_look(app, me, "chronology.pdf_read", &pupil, &school, &f),
    )?;
    Ok(ChronologyPrint {
        school,
        pupil,
        household,
        filter: f.words,
        entries,
        tz,
        printed_at: app.now(),
    })
}

async fn audit_look(
    app: &App,
    me: &Staff,
    action: &str,
    pupil: &Pupil,
    school: &School,
    f: &ChronologyFilter,
) -> Result<()> {
    let e = entry(
        app,
        me,
        action,
        "pupil",
        pupil.id.0,
        Some(school.id),
        serde_json::json!({ "showing": f.words }),
    );
    Ok(app.db().append_audit(&e).await?)
}

/// A9: who has read this child's records, and what, newest first (at most 1,000) — for the DSL,
/// the safeguarding team and the head. The look is itself in the audit trail (as
/// `audit_trail.pupil_viewed`, which the list leaves out). Errors: `NotFound("pupil")`;
/// `Forbidden` for other staff involved with the child.
pub async fn record_reads(app: &App, me: &Staff, pupil: PupilId) -> Result<Vec<RecordRead>> {
    let (pupil, school) = readable_pupil(app, me, pupil).await?;
    if !reads_every_child(me) {
        require_any(me, &RECORD_OVERSEERS, "see who read a child's records")?;
    }
    let reads = app.db().reads_of_pupil(pupil.id, 1000).await?;
    let e = entry(
        app,
        me,
        "audit_trail.pupil_viewed",
        "pupil",
        pupil.id.0,
        Some(school.id),
        serde_json::json!({ "count": reads.len() }),
    );
    app.db().append_audit(&e).await?;
    Ok(reads)
}

async fn entries(
    app: &App,
    pupil: &Pupil,
    school: &School,
    tz: Tz,
    f: &ChronologyFilter,
) -> Result<Vec<ChronologyEntry>> {
    let db = app.db();
    let mut out = Vec::new();
    let mut push = |at, kind, title: String, detail: String, visit_id, record_id| {
        out.push(ChronologyEntry {
            at,
            kind,
            title,
            detail,
            visit_id,
            record_id,
        });
    };
    let visits = VisitRowFilter {
        trust: Some(school.trust_id),
        pupil: Some(pupil.id),
        limit: 2000,
        ..VisitRowFilter::default()
    };
    // Six independent reads side by side: each is a round trip to the store.
    let (rows, outcomes, actions, slips, concerns, incidents) = tokio::try_join!(
        db.visit_rows(&visits),
        db.outcomes_of_pupil(pupil.id),
        db.actions_of_pupil(pupil.id),
        db.slips_of_pupil(pupil.id),
        db.safeguarding_concerns_of_pupil(pupil.id),
        db.incidents_of_pupil(pupil.id),
    )?;
    // A draft was never asked for: it is a plan on someone's desk, not part of the child's
    // history (tester's C12). Requested, declined and cancelled visits stay: someone decided.
    for v in rows
        .iter()
        .filter(|v| v.status != VisitState::Draft.status())
    {
        let at = v
            .arrived_at
            .or(v.nobody_home_at)
            .unwrap_or(v.planned_arrive);
        let staff: Vec<&str> = v.staff.iter().map(|(n, _)| n.as_str()).collect();
        push(
            at,
            "visit",
            format!("Home visit ({})", v.status.as_str().replace('_', " ")),
            format!(
                "{}: {} Staff: {}.",
                v.reason_category.replace('_', " "),
                v.purpose,
                staff.join(", ")
            ),
            Some(v.id),
            v.id,
        );
    }
    for o in outcomes {
        let mut detail = o.outcome.clone();
        if let Some(a) = &o.action_required {
            detail.push_str(&format!("\nAction required: {a}"));
        }
        push(
            o.recorded_at,
            "outcome",
            format!("Outcome of visit {}", o.visit_id),
            detail,
            Some(o.visit_id.0),
            o.visit_id.0,
        );
    }
    for a in actions {
        let status = match a.done_at {
            Some(at) => format!(" Done {}.", short_datetime(at, tz)),
            None => " Not done yet.".to_string(),
        };
        push(
            a.created_at,
            "action",
            format!("Action for {}, due {}", a.owner_name, short_date(a.due_on)),
            format!("{}{status}", a.description),
            a.visit_id,
            a.id,
        );
    }
    for s in slips {
        push(
            s.left_at,
            "slip",
            format!(
                "Home Visit Slip left: respond by {}",
                short_datetime(s.respond_by, tz)
            ),
            s.message.clone(),
            Some(s.visit_id.0),
            s.id,
        );
        if let Some(at) = s.responded_at {
            push(
                at,
                "slip",
                "The family responded to the slip".into(),
                format!(
                    "{} {}",
                    s.response_from.unwrap_or_default(),
                    s.response_note.unwrap_or_default()
                )
                .trim()
                .to_string(),
                Some(s.visit_id.0),
                s.id,
            );
        }
    }
    for c in concerns {
        let mut detail = c.concern.clone();
        if let Some(note) = &c.dsl_note {
            detail.push_str(&format!("\nDSL: {note}"));
        }
        push(
            c.observed_at,
            "concern",
            format!(
                "Safeguarding concern ({}) raised by {}",
                c.source.replace('_', " "),
                c.raised_by_name
            ),
            detail,
            c.visit_id,
            c.id,
        );
    }
    for i in incidents {
        push(
            i.occurred_at,
            "incident",
            format!("Incident: {}", i.kind.as_str().replace('_', " ")),
            i.account.clone(),
            i.visit_id,
            i.id,
        );
    }
    out.retain(|e| f.keeps(e.kind, e.at));
    out.sort_by_key(|e| (e.at, ChronologyFilter::rank(e.kind), e.record_id));
    Ok(out)
}
