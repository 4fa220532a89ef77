//! The trust's sign-in settings page (#12 item 1): the trust administrator sets, changes or
//! clears the trust's school-account provider (issuer, client id, client secret). The same use
//! cases as `/api/trust/sso`; the secret is never put back into the page.

use super::form::FormData;
use super::page::{Chrome, Ctx, Errors, WebError, render, render_with, see_other};
use crate::AppState;
use crate::sso_settings::check_issuer;
use crate::web::PageQuery;
use app::school_admin::{self as uc, SsoSettingsInput};
use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/trust/sign-in", get(settings_page).post(save))
        .route("/trust/sign-in/clear", post(clear))
}

#[derive(Template)]
#[template(path = "sso_settings.html")]
struct SettingsPage {
    chrome: Chrome,
    errors: Errors,
    issuer: String,
    client_id: String,
    /// A secret is stored: the field may be left blank to keep it.
    secret_set: bool,
    /// The return address to register at the provider; `None`: single sign-on is off here.
    redirect_url: Option<String>,
    /// The trust's own sign-in address (`/login?trust=N`).
    sign_in_path: String,
    done: &'static str,
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn page(
    ctx: &Ctx,
    errors: Errors,
    typed: Option<(String, String)>,
    done: &'static str,
) -> Result<SettingsPage, WebError> {
    let stored = uc::trust_sso_settings(&ctx.state, &ctx.me).await?;
    let (issuer, client_id) = typed.unwrap_or_else(|| {
        stored
            .as_ref()
            .map(|s| (s.issuer.clone(), s.client_id.clone()))
            .unwrap_or_default()
    });
    Ok(SettingsPage {
        chrome: ctx.chrome("sign-in"),
        errors,
        issuer,
        client_id,
        secret_set: stored.is_some_and(|s| s.client_secret_set),
        redirect_url: ctx.state.sso().map(|p| p.redirect_url().to_string()),
        sign_in_path: format!("/login?trust={}", ctx.me.trust_id.0),
        done,
    })
}

async fn settings_page(ctx: Ctx, PageQuery(q): PageQuery<DoneQuery>) -> Result<Response, WebError> {
    let done = match q.done.as_deref() {
        Some("saved") => "Saved: your staff can sign in with their school account.",
        Some("cleared") => "Cleared: your staff sign in with their Doorstep password.",
        _ => "",
    };
    Ok(render(&page(&ctx, Errors::none(), None, done).await?))
}

async fn save(ctx: Ctx, f: FormData) -> Result<Response, WebError> {
    let input = SsoSettingsInput {
        issuer: f.get("issuer").to_string(),
        client_id: f.get("client_id").to_string(),
        client_secret: Some(f.get("client_secret").to_string()),
    };
    let check = async |issuer: &str| check_issuer(&ctx.state, issuer).await;
    match uc::set_trust_sso(&ctx.state, &ctx.me, &input, check, ctx.state.now()).await {
        Ok(_) => Ok(see_other("/trust/sign-in?done=saved")),
        Err(e) if e.is_fixable() => {
            let known = ["issuer", "client_id", "client_secret"];
            let errors = Errors::from_refusal(e, &known, "issuer");
            let typed = Some((input.issuer, input.client_id));
            let page = page(&ctx, errors, typed, "").await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

async fn clear(ctx: Ctx) -> Result<Response, WebError> {
    uc::clear_trust_sso(&ctx.state, &ctx.me, ctx.state.now()).await?;
    Ok(see_other("/trust/sign-in?done=cleared"))
}
