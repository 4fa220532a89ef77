//! One visit's page: the plan, the policy check for its next step, the risk assessment, the
//! decisions, every event and check-in; and its actions — request authorisation, cancel, raise
//! a safety concern (P11).

mod check;
mod facts;
pub(super) mod hand_over;
mod labels;
mod refused;

use crate::web::PageQuery;
pub use check::{PolicyPanel, policy_panel};
pub use facts::{Line, facts};
use hand_over::HandOverBox;
use labels::{event_label, flash};
pub(super) use refused::{form_or_page, refused};

use super::form::{FormData, Posted};
use super::page::{Chrome, Ctx, Errors, WATCHERS, WebError, render_with, see_other};
use super::record::{Record, panel};
use super::risk::{RiskSummary, summary};
use super::time::Local;
use crate::AppState;
use app::access;
use app::audit::{self, Read};
use app::permissions::{redact_code_word, visit_read_action};
use app::visits::{self, CancelInput, ConcernInput, ResolveInput, VisitDetail};
use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use domain::visit::VisitStatus;
use domain::{SafetyConcernId, VisitId};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/visits/{id}", get(visit_page))
        .route("/visits/{id}/request", post(request))
        .route("/visits/{id}/cancel", post(cancel))
        .route("/visits/{id}/concerns", post(concern))
        .route("/visits/{id}/phoned-in", post(phoned_in))
        .route("/visits/{id}/buddy-handover", post(buddy_handover))
        .route("/concerns/{id}/resolve", post(resolve_concern))
}

pub struct Event {
    pub at: String,
    pub what: String,
    pub who: String,
    pub note: String,
}

pub struct ConcernView {
    pub id: i64,
    pub text: String,
    pub raised: String,
    pub resolution: String,
}

#[derive(Template)]
#[template(path = "visit.html")]
struct VisitPage {
    chrome: Chrome,
    flash: Option<&'static str>,
    errors: Errors,
    id: i64,
    title: String,
    status: VisitStatus,
    household_id: i64,
    pupil_id: i64,
    facts: Vec<Line>,
    check: Option<PolicyPanel>,
    risk: Option<RiskSummary>,
    risk_link: String,
    events: Vec<Event>,
    check_ins: Vec<Event>,
    concerns: Vec<ConcernView>,
    /// After the visit: `None` for anyone the API does not let read the record (A9).
    record: Option<Record>,
    /// For the office and leaders, who may not read the record (A9) but take the family's call:
    /// the form to record their response to the Home Visit Slip (A6).
    slip_call: bool,
    can_edit: bool,
    can_request: bool,
    /// A rule the policy advises is unmet: the request asks why it goes ahead.
    asks_reason: bool,
    /// The reason typed into a refused request, shown again.
    typed_reason: String,
    can_cancel: bool,
    can_resolve: bool,
    pack: bool,
    authorisers: String,
    may_authorise: bool,
    /// While staff are out, for the office and leaders: the visitors who may phone in a check-in
    /// (id, name); empty: no form.
    phoned_in: Vec<(i64, String)>,
    /// D7: left early for safety: the visitors are prompted for an incident report.
    report_incident: Option<String>,
    /// While staff are out, for the buddy and those who may stand in for them: the hand-over.
    hand_over: Option<HandOverBox>,
}

#[derive(Deserialize)]
pub(super) struct DoneQuery {
    done: Option<String>,
    saved: Option<String>,
}

async fn visit_page(
    ctx: Ctx,
    Path(id): Path<i64>,
    PageQuery(q): PageQuery<DoneQuery>,
) -> Result<Response, WebError> {
    let page = build(&ctx, id, flash(&q), Errors::none(), vec![]).await?;
    Ok(render_with(StatusCode::OK, &page))
}

/// The visit, if this person may see it, with the code word only for the people on it and the
/// buddy (P5); the look is audited as the API audits it (A9).
pub async fn seen_visit(ctx: &Ctx, id: i64) -> Result<store::Visit, WebError> {
    let (visit, read) = visit_to_show(ctx, id).await?;
    audit::audit_read(
        &ctx.state,
        &ctx.me,
        read.action,
        read.subject_type,
        read.subject_id,
        read.school,
    )
    .await?;
    Ok(visit)
}

/// The visit as this person may see it (the code word only for its people), and the read to
/// audit, for pages that show several visits and audit them together.
pub async fn visit_to_show(ctx: &Ctx, id: i64) -> Result<(store::Visit, Read), WebError> {
    let mut visit = access::visible_visit(&ctx.state, &ctx.me, VisitId(id)).await?;
    let action = visit_read_action(redact_code_word(&mut visit, &ctx.me));
    let read = Read {
        action,
        subject_type: "visit",
        subject_id: id,
        school: visit.school_id,
    };
    Ok((visit, read))
}

async fn build(
    ctx: &Ctx,
    id: i64,
    flash: Option<&'static str>,
    errors: Errors,
    typed: Vec<(String, String)>,
) -> Result<VisitPage, WebError> {
    let visit = seen_visit(ctx, id).await?;
    let involved = visit.involves(ctx.me.id);
    let policy = ctx.state.policy_version(visit.policy_version_id).await?;
    let settings = &policy.settings.0;
    let local = Local::of(settings);
    let visitor = visit.staff.iter().any(|s| s.staff_id == ctx.me.id);
    let return_to = format!("/visits/{id}");
    let (st, me) = (&ctx.state, &ctx.me); // Independent reads side by side: a round trip each.
    let ((history, names), (facts, household, pupil), risk, hand_over, found) = tokio::try_join!(
        async {
            let history = app::visits::history(st, me, visit.id).await?;
            // Only the people this visit's history names, not the whole staff directory.
            let people = (history.events.iter().map(|e| e.actor_staff_id))
                .chain(history.check_ins.iter().map(|c| c.staff_id))
                .chain(history.safety_concerns.iter().map(|c| Some(c.raised_by)))
                .chain(history.safety_concerns.iter().map(|c| c.resolved_by));
            let people: Vec<i64> = people.flatten().collect();
            let names = app::school::staff_names(st, me, &people).await?;
            Ok::<_, WebError>((history, names))
        },
        facts(ctx, &visit, settings),
        summary(ctx, visit.household_id, settings, visitor, &return_to),
        hand_over::hand_over_box(ctx, &visit),
        async { Ok(app::records::visit_record(st, me, visit.id).await) },
    )?;
    let name = |id: Option<i64>| {
        id.and_then(|i| names.get(&i).cloned())
            .unwrap_or_else(|| "—".into())
    };
    let raw_events = history.events;
    let nobody_home_seen = raw_events.iter().any(|e| e.step == "nobody_home");
    let report_incident = (visit.staff.iter().any(|s| s.staff_id == ctx.me.id)
        && app::visits::left_early(&raw_events))
    .then(|| app::visits::incident_form(&visit));
    let arrived_seen = raw_events.iter().any(|e| e.step == "arrived");
    let events = raw_events
        .into_iter()
        .map(|e| Event {
            at: local.day_time(e.at),
            what: labels::with_arrival(event_label(&e), &e.step, arrived_seen),
            who: name(e.actor_staff_id),
            note: String::new(),
        })
        .collect();
    let check_ins = history
        .check_ins
        .into_iter()
        // A covert duress check-in looks like any other to everyone but the monitor.
        .map(|c| Event {
            at: local.day_time(c.at),
            what: if c.kind == domain::monitor::CheckInKind::Extend {
                "More time".into()
            } else {
                "I'm OK".into()
            },
            who: name(c.staff_id),
            note: c.note.unwrap_or_default(),
        })
        .collect();
    let concerns = history
        .safety_concerns
        .into_iter()
        .map(|c| ConcernView {
            id: c.id.0,
            text: c.concern,
            raised: format!(
                "{}, {}",
                name(Some(c.raised_by)),
                local.day_time(c.raised_at)
            ),
            resolution: match (c.resolution, c.resolved_by) {
                (Some(r), by) => format!("Dealt with by {}: {r}", name(by)),
                _ => String::new(),
            },
        })
        .collect();
    let planning = visit.status.is_planning();
    let check = if planning {
        Some(policy_panel(ctx, &visit, "").await?)
    } else {
        None
    };
    let asks_reason = check
        .as_ref()
        .is_some_and(|c| c.unmet.iter().any(|u| u.advisory));
    let typed_reason = super::form::typed(&typed, "advisory_reason").to_string();
    let record = panel(ctx, &visit, &local, (nobody_home_seen, found), typed).await?;
    let slip_call = record.is_none()
        && nobody_home_seen
        && access::sees_school_visits(&ctx.state, &ctx.me, visit.school_id).await?;
    let authorisers: Vec<&str> = settings
        .authorisation
        .roles
        .iter()
        .map(|r| r.title())
        .collect();
    Ok(VisitPage {
        chrome: ctx.chrome("today"),
        flash,
        report_incident,
        errors,
        id,
        title: format!("{} — {} family", pupil.name, household.family_name),
        status: visit.status,
        household_id: household.id,
        pupil_id: pupil.id,
        facts,
        check,
        risk,
        risk_link: format!(
            "/households/{}/risk-assessments/new?visit_id={id}",
            household.id
        ),
        events,
        check_ins,
        concerns,
        record,
        slip_call,
        can_edit: visit.state.is_editable(),
        can_request: visit.state.is_editable(),
        asks_reason,
        typed_reason,
        can_cancel: visit.status.is_planning(),
        can_resolve: ctx.me.roles.any_of(&settings.authorisation.roles),
        pack: visit.state.is_out() && (involved || ctx.me.roles.any_of(&WATCHERS)),
        authorisers: authorisers.join(" or "),
        may_authorise: visit.status.is_requested()
            && ctx.me.roles.any_of(&settings.authorisation.roles),
        // The office, leaders and the buddy take calls; the visitors tap "I'm OK" themselves.
        phoned_in: if visit.state.is_out()
            && (ctx.me.roles.any_of(&WATCHERS) || visit.buddy_staff_id == Some(ctx.me.id.0))
        {
            visit
                .staff
                .iter()
                .map(|s| (s.staff_id.0, s.name.clone()))
                .collect()
        } else {
            vec![]
        },
        hand_over,
    })
}

/// Back to the visit's page after an action, or its page again with the refusal by its field.
async fn after<T>(
    ctx: &Ctx,
    id: i64,
    result: app::Result<T>,
    done: &str,
    fallback: &str,
    typed: Vec<(String, String)>,
) -> Result<Response, WebError> {
    match result {
        Ok(_) => Ok(see_other(&format!("/visits/{id}?done={done}"))),
        Err(refusal) if refusal.is_fixable() => {
            let errors = hand_over::anchored(Errors::from_refusal(refusal, &[], fallback), id);
            let page = build(ctx, id, None, errors, typed).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(refusal) => Err(refusal.into()),
    }
}

/// P9: asks for authorisation; a refusal lists every unmet rule.
async fn request(ctx: Ctx, Path(id): Path<i64>, f: Posted) -> Result<Response, WebError> {
    let f = match form_or_page(&ctx, id, f).await? {
        Ok(f) => f,
        Err(page) => return Ok(page),
    };
    let r: app::Result<VisitDetail> = async {
        let input = visits::RequestInput {
            advisory_reason: f.opt_text("advisory_reason")?,
        };
        visits::request(&ctx.state, &ctx.me, VisitId(id), input).await
    }
    .await;
    after(&ctx, id, r, "requested", "request", f.pairs()).await
}

async fn cancel(ctx: Ctx, Path(id): Path<i64>, f: Posted) -> Result<Response, WebError> {
    let f = match form_or_page(&ctx, id, f).await? {
        Ok(f) => f,
        Err(page) => return Ok(page),
    };
    let r = async {
        let input = CancelInput {
            reason: f.text("reason")?,
        };
        visits::cancel(&ctx.state, &ctx.me, VisitId(id), input).await
    }
    .await;
    after(&ctx, id, r, "cancelled", "reason", f.pairs()).await
}

async fn concern(ctx: Ctx, Path(id): Path<i64>, f: Posted) -> Result<Response, WebError> {
    let f = match form_or_page(&ctx, id, f).await? {
        Ok(f) => f,
        Err(page) => return Ok(page),
    };
    let r = async {
        let input = ConcernInput {
            concern: f.text("concern")?,
        };
        visits::raise_concern(&ctx.state, &ctx.me, VisitId(id), input).await
    }
    .await;
    after(&ctx, id, r, "concern", "concern", f.pairs()).await
}

/// A check-in phoned in to school, taken by the office (the same use case as the JSON route).
async fn phoned_in(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    let input = app::out_on_visit::PhonedInInput {
        caller: f.get("caller").parse().ok().map(domain::StaffId),
        note: f.opt("note").map(str::to_string),
        client_ref: f.opt("client_ref").map(str::to_string),
    };
    let now = ctx.state.now();
    let r = app::out_on_visit::phoned_in(&ctx.state, &ctx.me, VisitId(id), &input, now).await;
    after(&ctx, id, r, "phoned-in", "caller", f.pairs()).await
}

async fn resolve_concern(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    let id = SafetyConcernId(id);
    let visit = visits::visit_of_concern(&ctx.state, &ctx.me, id).await?;
    let r = async {
        let input = ResolveInput {
            resolution: f.text("resolution")?,
        };
        visits::resolve_concern(&ctx.state, &ctx.me, id, input).await
    }
    .await;
    after(&ctx, visit.0, r, "resolved", "resolution", f.pairs()).await
}

/// The buddy role handed over from the visit's page. The buddy who handed over no longer sees
/// the visit, so they go to Today; anyone who handed over for them comes back here.
async fn buddy_handover(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    match hand_over::from_form(&ctx, id, &f).await {
        Ok(done) if !done.on_behalf => Ok(see_other("/today?done=buddy-handed-over")),
        r => after(&ctx, id, r, "buddy-handed-over", "to_staff_id", f.pairs()).await,
    }
}
