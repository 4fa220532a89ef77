//! A3: a pupil's chronology — every visit, outcome, action, slip, safeguarding concern and
//! incident in time order, filterable by kind and date — as JSON and as a PDF; and A9: who has
//! read the child's records, for the DSL and the head.

use super::{
    long_date, pdf, readable_pupil, render, school_tz, sees_all_children, short_date,
    short_datetime,
};
use crate::AppState;
use crate::access;
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::Id;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use domain::{PupilId, Role};
use serde::{Deserialize, Serialize};
use store::{Pupil, RecordRead, School, VisitRowFilter};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(chronology))
        .routes(routes!(chronology_pdf))
        .routes(routes!(reads))
}

/// What a chronology entry is about.
const KINDS: [&str; 6] = ["visit", "outcome", "action", "slip", "concern", "incident"];

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChronologyEntry {
    at: DateTime<Utc>,
    /// visit, outcome, action, slip, concern or incident
    kind: &'static str,
    title: String,
    detail: String,
    visit_id: Option<i64>,
    /// The id of the record in its own kind (visit, action, slip, concern, incident).
    record_id: i64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Chronology {
    pupil_id: i64,
    pupil_name: String,
    entries: Vec<ChronologyEntry>,
}

#[derive(Deserialize, utoipa::IntoParams)]
struct ChronologyQuery {
    /// Comma-separated kinds to keep: visit, outcome, action, slip, concern, incident.
    kind: Option<String>,
    /// First day to include (the school's local date), e.g. 2026-09-01.
    from: Option<NaiveDate>,
    /// Last day to include.
    to: Option<NaiveDate>,
}

struct Filter {
    kinds: Vec<&'static str>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    words: String,
}

fn local_midnight(d: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let naive = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&naive)
        .earliest()
        .map_or_else(|| naive.and_utc(), |t| t.with_timezone(&Utc))
}

fn filter(q: &ChronologyQuery, tz: Tz) -> Result<Filter, ApiError> {
    let mut kinds = Vec::new();
    for k in q
        .kind
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        match KINDS.iter().find(|known| **known == k) {
            Some(known) => kinds.push(*known),
            None => {
                return Err(ApiError::bad_request(
                    "kind",
                    format!("'{k}' is not one of: {}", KINDS.join(", ")),
                ));
            }
        }
    }
    if let (Some(from), Some(to)) = (q.from, q.to)
        && to < from
    {
        return Err(ApiError::bad_request("to", "must not be before from"));
    }
    let mut words = if kinds.is_empty() {
        "everything".to_string()
    } else {
        kinds.join(", ")
    };
    if let Some(from) = q.from {
        words.push_str(&format!(" from {}", short_date(from)));
    }
    if let Some(to) = q.to {
        words.push_str(&format!(" to {}", short_date(to)));
    }
    Ok(Filter {
        kinds: if kinds.is_empty() {
            KINDS.to_vec()
        } else {
            kinds
        },
        from: q.from.map(|d| local_midnight(d, tz)),
        to: q
            .to
            .and_then(|d| d.succ_opt())
            .map(|d| local_midnight(d, tz)),
        words,
    })
}

async fn entries(
    state: &AppState,
    pupil: &Pupil,
    school: &School,
    tz: Tz,
    f: &Filter,
) -> Result<Vec<ChronologyEntry>, ApiError> {
    let db = state.db();
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
    let rows = db
        .visit_rows(&VisitRowFilter {
            trust: Some(school.trust_id),
            pupil: Some(pupil.id),
            limit: 2000,
            ..VisitRowFilter::default()
        })
        .await?;
    for v in &rows {
        let at = v
            .arrived_at
            .or(v.nobody_home_at)
            .unwrap_or(v.planned_arrive);
        let staff: Vec<&str> = v.staff.iter().map(|(n, _)| n.as_str()).collect();
        push(
            at,
            "visit",
            format!("Home visit ({})", v.status.replace('_', " ")),
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
    for o in db.outcomes_of_pupil(pupil.id).await? {
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
    for a in db.actions_of_pupil(pupil.id).await? {
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
    for s in db.slips_of_pupil(pupil.id).await? {
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
    for c in db.safeguarding_concerns_of_pupil(pupil.id).await? {
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
    for i in db.incidents_of_pupil(pupil.id).await? {
        push(
            i.occurred_at,
            "incident",
            format!("Incident: {}", i.kind.replace('_', " ")),
            i.account.clone(),
            i.visit_id,
            i.id,
        );
    }
    out.retain(|e| {
        f.kinds.contains(&e.kind)
            && f.from.is_none_or(|from| e.at >= from)
            && f.to.is_none_or(|to| e.at < to)
    });
    out.sort_by_key(|e| (e.at, KINDS.iter().position(|k| *k == e.kind), e.record_id));
    Ok(out)
}

/// A3: the pupil's chronology, oldest first, for the staff involved with the child, the DSL and
/// the head (A9); each read is audited.
#[utoipa::path(get, path = "/api/pupils/{id}/chronology", tag = "after the visit", params(("id" = i64, Path), ChronologyQuery),
    responses((status = 200, body = Chronology), (status = 400), (status = 404)))]
async fn chronology(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    Query(q): Query<ChronologyQuery>,
) -> Result<Json<Chronology>, ApiError> {
    let (pupil, school) = readable_pupil(&state, &me, PupilId(id)).await?;
    let tz = school_tz(&state, school.id).await?;
    let f = filter(&q, tz)?;
    let entries = entries(&state, &pupil, &school, tz, &f).await?;
    let e = access::entry(
        &state,
        &me,
        "chronology.read",
        "pupil",
        pupil.id.0,
        Some(school.id),
        serde_json::json!({ "showing": f.words }),
    );
    state.db().append_audit(&e).await?;
    Ok(Json(Chronology {
        pupil_id: pupil.id.0,
        pupil_name: pupil.name,
        entries,
    }))
}

/// The chronology as a PDF, with the same filters.
#[utoipa::path(get, path = "/api/pupils/{id}/chronology.pdf", tag = "after the visit", params(("id" = i64, Path), ChronologyQuery),
    responses((status = 200, description = "The chronology as PDF", content_type = "application/pdf"), (status = 400), (status = 404)))]
async fn chronology_pdf(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    Query(q): Query<ChronologyQuery>,
) -> Result<Response, ApiError> {
    let (pupil, school) = readable_pupil(&state, &me, PupilId(id)).await?;
    let tz = school_tz(&state, school.id).await?;
    let f = filter(&q, tz)?;
    let list = entries(&state, &pupil, &school, tz, &f).await?;
    let household = state.db().household(pupil.household_id).await?;
    let doc = documents::Chronology {
        school: school.name.clone(),
        pupil_name: pupil.name.clone(),
        details: vec![
            documents::Field::new(
                "Date of birth",
                pupil.date_of_birth.format("%-d %B %Y").to_string(),
            ),
            documents::Field::new("Year group", pupil.year_group.clone().unwrap_or_default()),
            documents::Field::new(
                "Home address",
                format!("{}, {}", household.address, household.postcode),
            ),
        ],
        filter: f.words.clone(),
        entries: list
            .iter()
            .map(|e| documents::ChronologyLine {
                when: short_datetime(e.at, tz),
                kind: e.kind.to_string(),
                summary: format!("{}\n{}", e.title, e.detail),
            })
            .collect(),
        printed: format!(
            "Printed {} by {}",
            long_date(state.clock().now(), tz),
            me.name
        ),
    };
    let bytes = render(doc, documents::chronology).await?;
    let e = access::entry(
        &state,
        &me,
        "chronology.pdf_read",
        "pupil",
        pupil.id.0,
        Some(school.id),
        serde_json::json!({ "showing": f.words }),
    );
    state.db().append_audit(&e).await?;
    Ok(pdf(bytes, &format!("chronology-{}.pdf", pupil.id)))
}

/// A9: who has read this child's records, and what — for the DSL and the head.
#[utoipa::path(get, path = "/api/pupils/{id}/reads", tag = "after the visit", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<RecordRead>), (status = 403), (status = 404)))]
async fn reads(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<Vec<RecordRead>>, ApiError> {
    let (pupil, _) = readable_pupil(&state, &me, PupilId(id)).await?;
    if !sees_all_children(&me) {
        access::require_any(
            &me,
            &[Role::Dsl, Role::Headteacher],
            "see who read a child's records",
        )?;
    }
    Ok(Json(state.db().reads_of_pupil(pupil.id, 1000).await?))
}
