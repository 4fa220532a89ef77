//! Households and pupils (P3, P10): who lives there, how to reach them, pets, language notes,
//! caution flags and their source, the block after aggression and its review; the pupil page.

use super::form::FormData;
use super::page::{Choice, Chrome, Ctx, Errors, WebError, render, render_with, see_other};
use super::risk::{RiskSummary, summary};
use super::time::Local;
use super::visit::status_label;
use crate::AppState;
use crate::access::{self, sees_school_visits};
use crate::households::visible_household;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use domain::{HouseholdId, PupilId, Role};
use serde::Deserialize;
use serde_json::{Value, json};
use store::VisitFilter;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/households", get(list))
        .route("/households/new", get(new_page).post(create))
        .route("/households/{id}", get(detail))
        .route("/households/{id}/{action}", post(act))
        .route("/pupils/{id}", get(pupil_page))
}

#[derive(Deserialize)]
struct HouseholdJson {
    id: i64,
    family_name: String,
    address: String,
    postcode: String,
    blocked: bool,
}

#[derive(Template)]
#[template(path = "households.html")]
struct ListPage {
    chrome: Chrome,
    schools: Vec<Choice>,
    households: Vec<HouseholdJson>,
}

#[derive(Deserialize)]
struct SchoolQuery {
    school_id: Option<i64>,
}

/// The households this person may see: the API decides.
async fn list(ctx: Ctx, Query(q): Query<SchoolQuery>) -> Result<Response, WebError> {
    let school = ctx.school(q.school_id).await?;
    let households: Vec<HouseholdJson> = ctx
        .get(&format!("/api/households?school_id={}", school.0))
        .await?;
    Ok(render(&ListPage {
        chrome: ctx.chrome("households"),
        schools: ctx.school_choices(school).await?,
        households,
    }))
}

#[derive(Template)]
#[template(path = "household_new.html")]
struct NewPage {
    chrome: Chrome,
    school_id: i64,
    errors: Errors,
    v: Vec<(&'static str, String)>,
    parental: bool,
}

impl NewPage {
    fn value(&self, name: &str) -> &str {
        self.v
            .iter()
            .find(|(k, _)| *k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

const NEW_FIELDS: [&str; 10] = [
    "family_name",
    "address",
    "postcode",
    "landline",
    "language_notes",
    "pets",
    "members[0].name",
    "members[0].relationship",
    "members[0].phone",
    "cautions[0].description",
];

async fn new_page(ctx: Ctx, Query(q): Query<SchoolQuery>) -> Result<Response, WebError> {
    let school = ctx.school(q.school_id).await?;
    Ok(render(&NewPage {
        chrome: ctx.chrome("households"),
        school_id: school.0,
        errors: Errors::none(),
        v: vec![("cautions[0].source", String::new())],
        parental: true,
    }))
}

async fn create(ctx: Ctx, f: FormData) -> Result<Response, WebError> {
    let mut members = vec![];
    if f.opt("members[0].name").is_some() {
        members.push(json!({
            "name": f.get("members[0].name"),
            "relationship": f.get("members[0].relationship"),
            "parental_responsibility": f.checked("members[0].parental_responsibility"),
            "lives_at_address": true,
            "phone": f.text_or_null("members[0].phone"),
        }));
    }
    let mut cautions = vec![];
    if f.opt("cautions[0].description").is_some() {
        cautions.push(json!({
            "description": f.get("cautions[0].description"),
            "source": f.get("cautions[0].source"),
        }));
    }
    let body = json!({
        "school_id": f.get("school_id").parse::<i64>().ok(),
        "family_name": f.get("family_name"),
        "address": f.get("address"),
        "postcode": f.get("postcode"),
        "landline": f.text_or_null("landline"),
        "language_notes": f.text_or_null("language_notes"),
        "pets": f.text_or_null("pets"),
        "members": members,
        "cautions": cautions,
    });
    match ctx.post("/api/households", body).await {
        Ok(answer) => Ok(see_other(&format!(
            "/households/{}",
            answer.body["id"].as_i64().unwrap_or_default()
        ))),
        Err(e) if e.is_fixable() => {
            let mut v: Vec<(&'static str, String)> = NEW_FIELDS
                .iter()
                .map(|n| (*n, f.get(n).to_string()))
                .collect();
            v.push((
                "cautions[0].source",
                f.get("cautions[0].source").to_string(),
            ));
            let page = NewPage {
                chrome: ctx.chrome("households"),
                school_id: f.get("school_id").parse().unwrap_or_default(),
                errors: Errors::from_failure(&e, &[], "family_name"),
                v,
                parental: f.checked("members[0].parental_responsibility"),
            };
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

struct Member {
    name: String,
    relationship: String,
    parental: bool,
    lives_here: bool,
    phone: String,
    notes: String,
}

struct CautionView {
    text: String,
    source: String,
}

pub struct VisitRow {
    pub id: i64,
    pub pupil: String,
    pub when: String,
    pub status: &'static str,
}

#[derive(Template)]
#[template(path = "household.html")]
struct DetailPage {
    chrome: Chrome,
    errors: Errors,
    id: i64,
    family: String,
    facts: Vec<(String, String)>,
    blocked: String,
    reviewed: String,
    members: Vec<Member>,
    cautions: Vec<CautionView>,
    pupils: Vec<(i64, String)>,
    risk: Option<RiskSummary>,
    visits: Vec<VisitRow>,
    may_block: bool,
    may_review: bool,
}

async fn visits_of(
    ctx: &Ctx,
    household: &store::Household,
    local: &Local,
) -> Result<Vec<VisitRow>, WebError> {
    let sees_all = sees_school_visits(&ctx.state, &ctx.me, household.school_id).await?;
    let rows = ctx
        .state
        .db()
        .visits(&VisitFilter {
            school: Some(household.school_id),
            involving: if sees_all { None } else { Some(ctx.me.id) },
            limit: Some(500),
            ..Default::default()
        })
        .await?;
    Ok(rows
        .into_iter()
        .filter(|v| v.household_id == household.id)
        .map(|v| VisitRow {
            id: v.id.0,
            pupil: v.pupil_name,
            when: local.day_time(v.planned_leave_school),
            status: status_label(&v.status),
        })
        .collect())
}

async fn build(ctx: &Ctx, id: i64, errors: Errors) -> Result<DetailPage, WebError> {
    let db = ctx.state.db();
    let h = visible_household(&ctx.state, &ctx.me, HouseholdId(id)).await?;
    access::audit_read(
        &ctx.state,
        &ctx.me,
        "household.read",
        "household",
        id,
        h.school_id,
    )
    .await?;
    let policy = db.current_policy(h.school_id).await?;
    let local = Local::of(&policy.settings);
    let mut facts = vec![(
        "Address".to_string(),
        format!("{}, {}", h.address, h.postcode),
    )];
    if let Some(l) = &h.landline {
        facts.push(("Landline".into(), l.clone()));
    }
    if let Some(p) = &h.pets {
        facts.push(("Pets".into(), p.clone()));
    }
    if let Some(l) = &h.language_notes {
        facts.push(("Language and culture".into(), l.clone()));
    }
    let members = db
        .household_members(h.id)
        .await?
        .into_iter()
        .map(|m| Member {
            name: m.name,
            relationship: m.relationship,
            parental: m.parental_responsibility,
            lives_here: m.lives_at_address,
            phone: m.phone.unwrap_or_default(),
            notes: m.notes.unwrap_or_default(),
        })
        .collect();
    let cautions = db
        .caution_flags(h.id)
        .await?
        .into_iter()
        .map(|c| CautionView {
            text: c.description,
            source: format!("{}, {}", c.source, local.day(c.raised_at)),
        })
        .collect();
    let pupils = db
        .pupils_of_household(h.id)
        .await?
        .into_iter()
        .map(|p| (p.id.0, p.name))
        .collect();
    let visits = visits_of(ctx, &h, &local).await?;
    let reviewed = match (&h.review_note, h.reviewed_at) {
        (Some(note), Some(at)) => format!("Reviewed {}: {note}", local.day(at)),
        _ => String::new(),
    };
    Ok(DetailPage {
        chrome: ctx.chrome("households"),
        errors,
        id,
        family: h.family_name.clone(),
        facts,
        blocked: if h.blocked {
            h.blocked_reason.clone().unwrap_or_else(|| "blocked".into())
        } else {
            String::new()
        },
        reviewed,
        members,
        cautions,
        pupils,
        risk: summary(
            ctx,
            h.id,
            &policy.settings,
            false,
            &format!("/households/{id}"),
        )
        .await?,
        visits,
        may_block: !h.blocked
            && ctx.me.roles.any_of(&[
                Role::SeniorLeader,
                Role::Dsl,
                Role::Headteacher,
                Role::SafeguardingTeam,
            ]),
        may_review: h.blocked && ctx.me.roles.any_of(&policy.settings.household.review_roles),
    })
}

async fn detail(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, WebError> {
    Ok(render(&build(&ctx, id, Errors::none()).await?))
}

/// The household's forms: add a person, a caution flag or a pupil; block; review.
async fn act(
    ctx: Ctx,
    Path((id, action)): Path<(i64, String)>,
    f: FormData,
) -> Result<Response, WebError> {
    let (path, body): (String, Value) = match action.as_str() {
        "members" => (
            format!("/api/households/{id}/members"),
            json!({
                "name": f.get("member.name"),
                "relationship": f.get("member.relationship"),
                "parental_responsibility": f.checked("member.parental_responsibility"),
                "lives_at_address": f.checked("member.lives_at_address"),
                "phone": f.text_or_null("member.phone"),
                "email": f.text_or_null("member.email"),
                "notes": f.text_or_null("member.notes"),
            }),
        ),
        "cautions" => (
            format!("/api/households/{id}/cautions"),
            json!({ "description": f.get("description"), "source": f.get("source") }),
        ),
        "pupils" => (
            "/api/pupils".to_string(),
            json!({
                "household_id": id,
                "name": f.get("name"),
                "date_of_birth": f.get("date_of_birth"),
                "height_cm": f.get("height_cm").parse::<i64>().ok(),
                "year_group": f.text_or_null("year_group"),
            }),
        ),
        "block" => (
            format!("/api/households/{id}/block"),
            json!({ "reason": f.get("reason") }),
        ),
        "review" => (
            format!("/api/households/{id}/review"),
            json!({ "note": f.get("note") }),
        ),
        _ => return Err(crate::ApiError::NotFound("page".into()).into()),
    };
    match ctx.post(&path, body).await {
        Ok(_) => Ok(see_other(&format!("/households/{id}"))),
        Err(e) if e.is_fixable() => {
            let mut e = e;
            if action == "pupils" && e.field.as_deref() == Some("body") {
                e.field = Some("date_of_birth".into());
                e.reason = "Enter the date of birth".into();
            }
            let page = build(&ctx, id, Errors::from_failure(&e, &[], "")).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "pupil.html")]
struct PupilPage {
    chrome: Chrome,
    id: i64,
    name: String,
    facts: Vec<(String, String)>,
    household_id: i64,
    family: String,
    visits: Vec<VisitRow>,
    /// Only the staff involved with the child, the DSL and the head may open it (A9).
    reads_chronology: bool,
}

async fn pupil_page(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, WebError> {
    let db = ctx.state.db();
    let pupil = db.pupil(PupilId(id)).await?;
    let household = visible_household(&ctx.state, &ctx.me, pupil.household_id)
        .await
        .map_err(|_| crate::ApiError::NotFound("pupil".into()))?;
    access::audit_read(
        &ctx.state,
        &ctx.me,
        "pupil.read",
        "pupil",
        id,
        pupil.school_id,
    )
    .await?;
    let local = Local::of(&db.current_policy(pupil.school_id).await?.settings);
    let mut facts = vec![(
        "Date of birth".to_string(),
        pupil.date_of_birth.format("%-d %B %Y").to_string(),
    )];
    if let Some(y) = &pupil.year_group {
        facts.push(("Year group".into(), y.clone()));
    }
    if let Some(h) = pupil.height_cm {
        facts.push(("Height".into(), format!("{h} cm")));
    }
    let visits = visits_of(&ctx, &household, &local)
        .await?
        .into_iter()
        .filter(|v| v.pupil == pupil.name)
        .collect();
    let reads_chronology = crate::after_visit::readable_pupil(&ctx.state, &ctx.me, pupil.id)
        .await
        .is_ok();
    Ok(render(&PupilPage {
        chrome: ctx.chrome("households"),
        id,
        name: pupil.name,
        facts,
        household_id: household.id.0,
        family: household.family_name,
        visits,
        reads_chronology,
    }))
}
