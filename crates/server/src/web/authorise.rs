//! The authorisation queue (P9, P10) for the roles the policy names: the request, the household's
//! caution flags (each must be acknowledged), the risk assessment with its sign-off, the policy
//! check; approve, decline or ask for changes with a comment.

use super::form::FormData;
use super::page::{Chrome, Ctx, Errors, WebError, render_with, see_other};
use super::risk::{RiskSummary, summary};
use super::time::Local;
use super::visit::{Line, facts, seen_visit};
use crate::AppState;
use crate::web::PageQuery;
use app::access::require_any;
use app::permissions::DECIDERS;
use app::visits::{self, AuthoriseInput, CommentInput};
use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use domain::VisitId;
use domain::policy::{Stage, Unmet};
use domain::visit::VisitStatus;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/authorise", get(queue))
        .route("/authorise/{id}", get(request_page).post(decide))
}

struct Waiting {
    id: i64,
    pupil: String,
    family: String,
    postcode: String,
    reason: String,
    when: String,
}

#[derive(Template)]
#[template(path = "authorise_queue.html")]
struct QueuePage {
    chrome: Chrome,
    flash: Option<&'static str>,
    waiting: Vec<Waiting>,
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn queue(ctx: Ctx, PageQuery(q): PageQuery<DoneQuery>) -> Result<Response, WebError> {
    require_any(&ctx.me, &DECIDERS, "authorise visits")?;
    let school = ctx.me.school_id;
    let query = visits::VisitQuery {
        school_id: school.map(|s| s.0),
        status: Some(domain::visit::VisitStatus::Requested),
        mine: None,
    };
    // The policy and the queue side by side; the policy's clock is the page's.
    let (policy, requested) = tokio::try_join!(
        async {
            match school {
                Some(s) => app::school::current_policy(&ctx.state, &ctx.me, s)
                    .await
                    .map(Some),
                None => Ok(None),
            }
        },
        visits::list(&ctx.state, &ctx.me, query),
    )?;
    let local = match &policy {
        Some(p) => Local::of(&p.settings),
        None => ctx.local().await?,
    };
    let waiting = requested
        .into_iter()
        .rev()
        .map(|v| Waiting {
            id: v.id.0,
            pupil: v.pupil_name,
            family: v.family_name,
            postcode: v.postcode.to_string(),
            reason: policy
                .as_ref()
                .and_then(|p| p.settings.category(&v.reason_category))
                .map_or(v.reason_category.clone(), |c| c.label.clone()),
            when: local.day_time(v.planned_leave_school),
        })
        .collect();
    let flash = match q.done.as_deref() {
        Some("authorised") => Some("Authorised. The visiting staff can sign out when they leave."),
        Some("declined") => Some("Declined; the visiting staff are told why."),
        Some("changes") => Some("Changes asked for; the plan goes back to the visiting staff."),
        _ => None,
    };
    Ok(render_with(
        StatusCode::OK,
        &QueuePage {
            chrome: ctx.chrome("authorise"),
            flash,
            waiting,
        },
    ))
}

struct Caution {
    id: i64,
    text: String,
    source: String,
    acknowledged: bool,
}

#[derive(Template)]
#[template(path = "authorise.html")]
struct RequestPage {
    chrome: Chrome,
    errors: Errors,
    id: i64,
    title: String,
    status: VisitStatus,
    facts: Vec<Line>,
    cautions: Vec<Caution>,
    blocked: String,
    risk: Option<RiskSummary>,
    unmet: Vec<Unmet>,
    /// Why staff go ahead although rules the policy advises are unmet, as they typed it.
    advisory_reason: String,
    may_decide: bool,
    comment: String,
}

async fn build(
    ctx: &Ctx,
    id: i64,
    f: Option<&FormData>,
    errors: Errors,
) -> Result<RequestPage, WebError> {
    require_any(&ctx.me, &DECIDERS, "authorise visits")?;
    let visit = seen_visit(ctx, id).await?;
    let policy = ctx.state.policy_version(visit.policy_version_id).await?;
    let settings = &policy.settings.0;
    let return_to = format!("/authorise/{id}");
    let (st, me) = (&ctx.state, &ctx.me);
    // Independent reads side by side: each is a round trip to the store.
    let ((facts, household, pupil), (flags, acknowledged), check, risk, events) = tokio::try_join!(
        facts(ctx, &visit, settings),
        async { Ok::<_, WebError>(visits::cautions(st, me, visit.id).await?) },
        async { Ok(visits::policy_check(st, me, visit.id, Some(Stage::Authorise)).await?) },
        summary(ctx, visit.household_id, settings, false, &return_to),
        async { Ok(visits::events(st, me, visit.id).await?) },
    )?;
    let ticked: Vec<&str> = f.map(|f| f.all("acknowledge_cautions")).unwrap_or_default();
    let cautions = flags
        .into_iter()
        .map(|c| Caution {
            acknowledged: acknowledged.contains(&c.id)
                || ticked.contains(&c.id.0.to_string().as_str()),
            id: c.id.0,
            text: c.description,
            source: format!("{}, {}", c.source, Local::of(settings).day(c.raised_at)),
        })
        .collect();
    Ok(RequestPage {
        chrome: ctx.chrome("authorise"),
        errors,
        id,
        title: format!("{} — {} family", pupil.name, household.family_name),
        may_decide: visit.status.is_requested()
            && ctx.me.roles.any_of(&settings.authorisation.roles),
        status: visit.status,
        facts,
        cautions,
        blocked: if household.blocked {
            // Deciders see the school's visits, so the whole household and why it is blocked.
            app::access::visible_household(&ctx.state, &ctx.me, visit.household_id)
                .await?
                .blocked_reason
                .unwrap_or_else(|| "blocked".into())
        } else {
            String::new()
        },
        risk,
        unmet: check.unmet,
        advisory_reason: visits::advisory_reason_of(&events).unwrap_or_default(),
        comment: f.map(|f| f.get("comment").to_string()).unwrap_or_default(),
    })
}

async fn request_page(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, WebError> {
    let page = build(&ctx, id, None, Errors::none()).await?;
    Ok(render_with(StatusCode::OK, &page))
}

async fn decide(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    let visit = VisitId(id);
    let comment = || -> app::Result<CommentInput> {
        Ok(CommentInput {
            comment: f.text("comment")?,
        })
    };
    let (result, done) = match f.get("decision") {
        "approve" => {
            let r = async {
                let input = AuthoriseInput {
                    comment: f.opt_text("comment")?,
                    acknowledge_cautions: f
                        .all("acknowledge_cautions")
                        .iter()
                        .filter_map(|v| v.parse().ok())
                        .collect(),
                };
                visits::authorise(&ctx.state, &ctx.me, visit, input).await
            }
            .await;
            (r, "authorised")
        }
        "decline" => match comment() {
            Ok(c) => (
                visits::decline(&ctx.state, &ctx.me, visit, c).await,
                "declined",
            ),
            Err(e) => (Err(e), "declined"),
        },
        "changes" => match comment() {
            Ok(c) => (
                visits::request_changes(&ctx.state, &ctx.me, visit, c).await,
                "changes",
            ),
            Err(e) => (Err(e), "changes"),
        },
        _ => {
            let page = build(
                &ctx,
                id,
                Some(&f),
                Errors::one("decision", "Choose approve, decline or ask for changes"),
            )
            .await?;
            return Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/authorise?done={done}"))),
        Err(e) if e.is_fixable() => {
            let mut errors = Errors::from_refusal(e, &["comment"], "decision");
            if errors.list.iter().any(|m| m.field == "comment") && done != "authorised" {
                errors.list.retain(|m| m.field == "comment");
                errors.list[0].message = "Say why, so the visiting staff know what to do".into();
            }
            let page = build(&ctx, id, Some(&f), errors).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}
