//! The policy check beside a visit's plan: every rule still unmet for its next step, in the
//! policy's words. The plan page shows it (live, as the draft autosaves) and the visit's page.

use super::super::page::{Ctx, WebError};
use app::visits;
use askama::Template;
use domain::policy::Unmet;
use store::Visit;

/// The policy check beside the plan: every unmet rule, in the policy's words.
#[derive(Template)]
#[template(path = "policy_panel.html")]
pub struct PolicyPanel {
    pub stage: String,
    pub unmet: Vec<Unmet>,
    pub revision: String,
    pub note: String,
}

/// The policy check of a stored visit at its next stage, with `note` above it.
pub async fn policy_panel(ctx: &Ctx, visit: &Visit, note: &str) -> Result<PolicyPanel, WebError> {
    let check = visits::policy_check(&ctx.state, &ctx.me, visit.id, None).await?;
    Ok(PolicyPanel {
        stage: match check.stage.as_str() {
            "authorise" => "before it is authorised",
            "sign_out" => "before anyone leaves",
            _ => "before it is requested",
        }
        .to_string(),
        // Whether the person looking may authorise is not the plan's problem.
        unmet: check
            .unmet
            .into_iter()
            .filter(|u| u.requirement != "P9")
            .collect(),
        revision: visit.revision.to_string(),
        note: note.to_string(),
    })
}
