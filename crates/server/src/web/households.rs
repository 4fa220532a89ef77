//! Households and pupils (P3, P10): who lives there, how to reach them, pets, language notes,
//! caution flags and their source, the block after aggression and its review; the pupil page.
//! Each form calls the same [`app::school_admin`] use case as the JSON API.

mod new;
mod pupil;

use crate::web::PageQuery;
use new::{create, new_page};

use super::form::{FormData, Posted};
use super::page::{Choice, Chrome, Ctx, Errors, WebError, render, render_with, see_other};
use super::risk::{RiskSummary, summary};
use super::time::Local;
use crate::AppState;
use app::Refusal;
use app::school_admin::{
    self as uc, CautionInput, MemberInput, NewHouseholdInput, NewPupilInput, ReasonInput,
    ReviewInput,
};
use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::NaiveDate;
use domain::HouseholdId;
use serde::Deserialize;
use store::VisitSummary;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/households", get(list))
        .route("/households/new", get(new_page).post(create))
        .route("/households/{id}", get(detail))
        .route("/households/{id}/{action}", post(act))
        .route("/pupils/{id}", get(pupil::page))
}

#[derive(Template)]
#[template(path = "households.html")]
struct ListPage {
    chrome: Chrome,
    schools: Vec<Choice>,
    households: Vec<HouseholdLine>,
}

/// A line of the households page: the address only for those who read it.
struct HouseholdLine {
    id: i64,
    family_name: String,
    address: String,
    blocked: bool,
}

#[derive(Deserialize)]
struct SchoolQuery {
    school_id: Option<i64>,
}

/// The households this person may see: the use case decides.
async fn list(ctx: Ctx, PageQuery(q): PageQuery<SchoolQuery>) -> Result<Response, WebError> {
    let school = ctx.school(q.school_id).await?;
    let households = uc::households(&ctx.state, &ctx.me, Some(school.0)).await?;
    Ok(render(&ListPage {
        chrome: ctx.chrome("households"),
        schools: ctx.school_choices(school).await?,
        households: households
            .iter()
            .map(|h| HouseholdLine {
                id: h.id(),
                family_name: h.family_name().to_string(),
                address: h
                    .address()
                    .map(|(a, p)| format!("{a}, {p}"))
                    .unwrap_or_default(),
                blocked: h.blocked(),
            })
            .collect(),
    }))
}

fn opt(f: &FormData, name: &str) -> Option<String> {
    f.opt(name).map(str::to_string)
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

impl VisitRow {
    fn of(v: VisitSummary, local: &Local) -> Self {
        VisitRow {
            id: v.id.0,
            pupil: v.pupil_name,
            when: local.day_time(v.planned_leave_school),
            status: v.status.label(),
        }
    }
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

async fn build(ctx: &Ctx, id: i64, errors: Errors) -> Result<DetailPage, WebError> {
    let d = uc::household(&ctx.state, &ctx.me, HouseholdId(id)).await?;
    let h = &d.household;
    let policy = uc::current_policy(&ctx.state, &ctx.me, h.school_id).await?;
    let local = Local::of(&policy.settings);
    let mut facts = vec![(
        "Address".to_string(),
        format!("{}, {}", h.address, h.postcode),
    )];
    if let Some(l) = &h.landline {
        facts.push(("Landline".into(), l.to_string()));
    }
    if let Some(p) = &h.pets {
        facts.push(("Pets".into(), p.clone()));
    }
    if let Some(l) = &h.language_notes {
        facts.push(("Language and culture".into(), l.clone()));
    }
    let members = d
        .members
        .into_iter()
        .map(|m| Member {
            name: m.name,
            relationship: m.relationship,
            parental: m.parental_responsibility,
            lives_here: m.lives_at_address,
            phone: crate::web::shown(m.phone.as_ref()),
            notes: m.notes.unwrap_or_default(),
        })
        .collect();
    let cautions = d
        .caution_flags
        .into_iter()
        .map(|c| CautionView {
            text: c.description,
            source: format!("{}, {}", c.source, local.day(c.raised_at)),
        })
        .collect();
    let pupils = d.pupils.into_iter().map(|p| (p.id.0, p.name)).collect();
    let visits = uc::household_visits(&ctx.state, &ctx.me, h)
        .await?
        .into_iter()
        .map(|v| VisitRow::of(v, &local))
        .collect();
    let reviewed = match (&h.review_note, h.reviewed_at) {
        (Some(note), Some(at)) => format!("Reviewed {}: {note}", local.day(at)),
        _ => String::new(),
    };
    let return_to = format!("/households/{id}");
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
        risk: summary(ctx, h.id, &policy.settings, false, &return_to).await?,
        visits,
        may_block: !h.blocked && uc::may_block(&ctx.me),
        may_review: h.blocked && uc::may_review(&ctx.me, &policy.settings),
    })
}

async fn detail(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, WebError> {
    Ok(render(&build(&ctx, id, Errors::none()).await?))
}

/// The household's forms: add a person, a caution flag or a pupil; block; review.
async fn act(
    ctx: Ctx,
    Path((id, action)): Path<(i64, String)>,
    f: Posted,
) -> Result<Response, WebError> {
    let f = match f {
        Ok(f) => f,
        Err(r) => {
            let (errors, _) = r.on_page()?;
            let page = build(&ctx, id, errors).await?;
            return Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    let (app, me, now) = (&ctx.state, &ctx.me, ctx.state.now());
    let household = HouseholdId(id);
    let done: app::Result<()> = async {
        match action.as_str() {
            "members" => {
                let input = MemberInput {
                    name: f.text("member.name")?,
                    relationship: f.text("member.relationship")?,
                    parental_responsibility: f.checked("member.parental_responsibility"),
                    lives_at_address: f.checked("member.lives_at_address"),
                    phone: opt(&f, "member.phone"),
                    email: opt(&f, "member.email"),
                    notes: f.opt_text("member.notes")?,
                };
                uc::add_member(app, me, household, &input).await.map(drop)
            }
            "cautions" => {
                let input = CautionInput {
                    description: f.text("description")?,
                    source: f.text("source")?,
                };
                uc::add_caution(app, me, household, &input, now)
                    .await
                    .map(drop)
            }
            "pupils" => match NaiveDate::parse_from_str(f.get("date_of_birth"), "%Y-%m-%d") {
                Ok(date_of_birth) => {
                    let input = NewPupilInput {
                        household_id: id,
                        name: f.text("name")?,
                        date_of_birth,
                        height_cm: f.get("height_cm").parse::<i64>().ok(),
                        year_group: f.opt_text("year_group")?,
                    };
                    uc::create_pupil(app, me, &input, now).await.map(drop)
                }
                Err(_) => Err(Refusal::bad_request(
                    "date_of_birth",
                    "Enter the date of birth",
                )),
            },
            "block" => {
                let input = ReasonInput {
                    reason: f.text("reason")?,
                };
                uc::block_household(app, me, household, &input, now)
                    .await
                    .map(drop)
            }
            "review" => {
                let input = ReviewInput {
                    note: f.text("note")?,
                };
                uc::review_household(app, me, household, &input, now)
                    .await
                    .map(drop)
            }
            _ => Err(Refusal::not_found("page")),
        }
    }
    .await;
    match done {
        Ok(()) => Ok(see_other(&format!("/households/{id}"))),
        Err(e) if e.is_fixable() => {
            let page = build(&ctx, id, Errors::from_refusal(e, &[], "")).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}
