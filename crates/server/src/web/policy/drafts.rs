//! The proposed changes on the policy page (G1): each with its changes in words, approved by the
//! body the policy names, or withdrawn when it is out of date or no longer wanted, so drafts
//! never pile up waiting for an approval that can no longer be given.

use crate::web::form::FormData;
use crate::web::page::{Ctx, Errors, WebError, render_with, see_other};
use app::Refusal;
use app::permissions::SCHOOL_ADMINS;
use app::school_admin::{self as uc, ApproveInput, DraftView};
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use chrono::NaiveDate;

pub fn router() -> Router<crate::AppState> {
    Router::new()
        .route("/policy/drafts/{id}/approve", post(approve))
        .route("/policy/drafts/{id}/withdraw", post(withdraw))
}

/// A draft on the page: its changes in words, and whether this person may approve it.
pub struct DraftRow {
    pub id: i64,
    pub note: String,
    pub changes: Vec<String>,
    pub waiting_for: String,
    pub approved: Option<String>,
    pub may_approve: bool,
    /// The date the chair typed, kept after a refused approval.
    pub typed_date: String,
    /// Written on an earlier version: "the policy has changed since (now version 4)…".
    pub out_of_date: Option<String>,
    pub may_withdraw: bool,
}

pub fn draft_rows(ctx: &Ctx, drafts: Vec<DraftView>) -> Vec<DraftRow> {
    drafts
        .into_iter()
        .map(|d| DraftRow {
            id: d.draft.id,
            note: d.draft.change_note.clone(),
            changes: d.changes.iter().map(|c| c.words.clone()).collect(),
            waiting_for: format!(
                "{} ({})",
                d.draft.settings.approver,
                d.approved_by_role.title()
            ),
            approved: d.draft.approved_by_name.as_ref().map(|who| {
                let from = d
                    .draft
                    .takes_effect_on
                    .map(|on| on.format("%-d %B %Y").to_string());
                format!(
                    "Approved by {who}; in force from {}",
                    from.unwrap_or_default()
                )
            }),
            may_approve: d.draft.approved_by.is_none()
                && d.out_of_date_since.is_none()
                && ctx.me.roles.has(d.approved_by_role),
            may_withdraw: d.draft.approved_by.is_none()
                && (ctx.me.roles.any_of(&SCHOOL_ADMINS) || ctx.me.roles.has(d.approved_by_role)),
            out_of_date: d.out_of_date_since.map(|now| {
                format!(
                    "Out of date: the policy has changed since this change was written (it is now version {now}), so it can no longer be approved. Withdraw it and write the change again."
                )
            }),
            typed_date: String::new(),
        })
        .collect()
}

/// The chair's approval. A refusal that can be put right (a day before today, a day that is not
/// one, a draft overtaken by a later change) shows the page again with the message next to this
/// draft's date and the typed date kept (tester C5), never a dead end.
async fn approve(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    let typed = f.get("takes_effect_on").trim().to_string();
    let date_field = format!("drafts[{id}].takes_effect_on");
    let takes_effect_on = if typed.is_empty() {
        None
    } else {
        match NaiveDate::parse_from_str(&typed, "%Y-%m-%d") {
            Ok(on) => Some(on),
            Err(_) => {
                // As the API asks for it.
                let errors = Errors::one(
                    &date_field,
                    crate::extract::words::date_wanted("takes_effect_on"),
                );
                return refused(&ctx, id, typed, errors).await;
            }
        }
    };
    let input = ApproveInput { takes_effect_on };
    match uc::approve_policy(&ctx.state, &ctx.me, id, &input, ctx.state.now()).await {
        Ok(done) => {
            let school = done.draft.school_id.0;
            Ok(see_other(&format!("/policy?school_id={school}&approved=1")))
        }
        Err(e) if e.is_fixable() => {
            let errors = match &e {
                Refusal::Invalid { field, reason } if field == "takes_effect_on" => {
                    Errors::one(&date_field, format!("Takes effect on: {reason}"))
                }
                _ => Errors::from_refusal(e, &[], &format!("drafts[{id}]")),
            };
            refused(&ctx, id, typed, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The policy page again after a refused approval, the chair's date kept on its draft.
async fn refused(ctx: &Ctx, id: i64, typed: String, errors: Errors) -> Result<Response, WebError> {
    let d = uc::policy_draft(&ctx.state, &ctx.me, id).await?;
    let mut page = super::build(ctx, Some(d.draft.school_id.0), errors, None).await?;
    page.keep_typed_date(id, typed);
    Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

/// Withdraws a change not yet approved; the page again, saying so.
async fn withdraw(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, WebError> {
    let school = uc::policy_draft(&ctx.state, &ctx.me, id)
        .await?
        .draft
        .school_id
        .0;
    match uc::withdraw_policy(&ctx.state, &ctx.me, id, ctx.state.now()).await {
        Ok(()) => Ok(see_other(&format!(
            "/policy?school_id={school}&withdrawn=1"
        ))),
        Err(e) if e.is_fixable() => {
            let errors = Errors::from_refusal(e, &[], &format!("drafts[{id}]"));
            let page = super::build(&ctx, Some(school), errors, None).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}
