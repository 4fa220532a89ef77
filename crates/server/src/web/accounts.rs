//! Account pages (#12 item 3): my sessions (sign one out, or all others) with the change of
//! password; "Forgotten your password?" and the reset link's page; the administrator's reset
//! link and authenticator reset on a colleague's staff page. The same use cases as the JSON API
//! (`app::accounts`).

use super::form::FormData;
use super::page::{Chrome, Ctx, Errors, WebError, render, render_with, see_other};
use crate::AppState;
use crate::auth::{ClientAddress, cleared_cookie, session_token};
use crate::web::PageQuery;
use app::Refusal;
use app::accounts::{self as uc, ChangePasswordInput, NewPasswordInput, ResetRequest};
use app::school_admin::token_hash;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use domain::StaffId;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me/sessions", get(sessions_page))
        .route("/me/sessions/sign-out-others", post(sign_out_others))
        .route("/me/sessions/{id}/sign-out", post(sign_out_one))
        .route("/me/password", post(change_password))
        .route("/forgotten-password", get(forgotten_page).post(forgotten))
        .route("/reset-password/{token}", get(reset_page).post(reset))
        .route("/staff/{id}/password-reset", post(issue_reset))
        .route("/staff/{id}/second-factor/reset", post(reset_authenticator))
}

struct Row {
    id: String,
    device: String,
    signed_in: String,
    last_used: String,
    this_device: bool,
}

#[derive(Template)]
#[template(path = "my_sessions.html")]
struct SessionsPage {
    chrome: Chrome,
    errors: Errors,
    rows: Vec<Row>,
    done: String,
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

fn current(headers: &HeaderMap) -> Result<String, WebError> {
    session_token(headers)
        .map(|t| token_hash(&t))
        .ok_or(WebError::SignIn {
            next: "/me/sessions".into(),
        })
}

async fn build(
    ctx: &Ctx,
    hash: &str,
    errors: Errors,
    done: &str,
) -> Result<SessionsPage, WebError> {
    let local = ctx.local().await?;
    let rows = uc::my_sessions(&ctx.state, &ctx.me, hash, ctx.state.now())
        .await?
        .into_iter()
        .map(|s| Row {
            id: s.id,
            device: s.device,
            signed_in: local.day_time(s.signed_in_at),
            last_used: local.day_time(s.last_used_at),
            this_device: s.this_device,
        })
        .collect();
    let done = match done {
        "others" => "Every other device is signed out.",
        "one" => "That device is signed out.",
        "password" => "Your password is changed, and every other device is signed out.",
        _ => "",
    };
    Ok(SessionsPage {
        chrome: ctx.chrome(""),
        errors,
        rows,
        done: done.to_string(),
    })
}

async fn sessions_page(
    ctx: Ctx,
    headers: HeaderMap,
    PageQuery(q): PageQuery<DoneQuery>,
) -> Result<Response, WebError> {
    let hash = current(&headers)?;
    let done = q.done.unwrap_or_default();
    Ok(render(&build(&ctx, &hash, Errors::none(), &done).await?))
}

async fn sign_out_others(ctx: Ctx, headers: HeaderMap) -> Result<Response, WebError> {
    let hash = current(&headers)?;
    uc::sign_out_others(&ctx.state, &ctx.me, &hash, ctx.state.now()).await?;
    Ok(see_other("/me/sessions?done=others"))
}

async fn sign_out_one(
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let hash = current(&headers)?;
    if uc::sign_out_session(&ctx.state, &ctx.me, &hash, &id, ctx.state.now()).await? {
        let mut resp = see_other("/login");
        if let Ok(v) = HeaderValue::from_str(&cleared_cookie()) {
            resp.headers_mut().append(SET_COOKIE, v);
        }
        return Ok(resp);
    }
    Ok(see_other("/me/sessions?done=one"))
}

async fn change_password(ctx: Ctx, headers: HeaderMap, f: FormData) -> Result<Response, WebError> {
    let hash = current(&headers)?;
    let input = ChangePasswordInput {
        current_password: f.get("current_password").to_string(),
        new_password: f.get("new_password").to_string(),
    };
    match uc::change_password(&ctx.state, &ctx.me, &hash, &input, ctx.state.now()).await {
        Ok(_) => Ok(see_other("/me/sessions?done=password")),
        Err(e) if e.is_fixable() => {
            let errors =
                Errors::from_refusal(e, &["current_password", "new_password"], "new_password");
            let page = build(&ctx, &hash, errors, "").await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "forgotten_password.html")]
struct ForgottenPage {
    errors: Errors,
    email: String,
    sent: bool,
    /// The server sends e-mail: offer the link; otherwise say whom to ask.
    by_email: bool,
}

async fn forgotten_page(State(state): State<AppState>) -> Response {
    render(&ForgottenPage {
        errors: Errors::none(),
        email: String::new(),
        sent: false,
        by_email: state.sends_email(),
    })
}

async fn forgotten(
    State(state): State<AppState>,
    ClientAddress(from): ClientAddress,
    f: FormData,
) -> Result<Response, WebError> {
    let email = f.get("email").to_string();
    let input = ResetRequest {
        email: email.clone(),
    };
    let (status, errors, sent) =
        match uc::request_reset(&state, &input, from.as_deref(), state.now()).await {
            Ok(()) => (StatusCode::OK, Errors::none(), true),
            Err(
                e @ (Refusal::Invalid { .. } | Refusal::Paused { .. } | Refusal::Conflict { .. }),
            ) => {
                let status = if matches!(e, Refusal::Paused { .. }) {
                    StatusCode::TOO_MANY_REQUESTS
                } else {
                    StatusCode::UNPROCESSABLE_ENTITY
                };
                let errors = match &e {
                    Refusal::Invalid { reason, .. }
                    | Refusal::Paused { reason, .. }
                    | Refusal::Conflict { reason, .. } => {
                        let mut errors = Errors::none();
                        errors.add("email", reason.clone());
                        errors
                    }
                    _ => Errors::none(),
                };
                (status, errors, false)
            }
            Err(e) => return Err(e.into()),
        };
    let page = ForgottenPage {
        errors,
        email,
        sent,
        by_email: state.sends_email(),
    };
    Ok(render_with(status, &page))
}

#[derive(Template)]
#[template(path = "reset_password.html")]
struct ResetPage {
    errors: Errors,
    name: String,
    token: String,
}

async fn reset_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    let holder = uc::reset_holder(&state, &token, state.now()).await?;
    Ok(render(&ResetPage {
        errors: Errors::none(),
        name: holder.name,
        token,
    }))
}

async fn reset(
    State(state): State<AppState>,
    Path(token): Path<String>,
    f: FormData,
) -> Result<Response, WebError> {
    let input = NewPasswordInput {
        new_password: f.get("new_password").to_string(),
    };
    match uc::complete_reset(&state, &token, &input, state.now()).await {
        Ok(_) => Ok(see_other("/login")),
        Err(e) if e.is_fixable() => {
            let holder = uc::reset_holder(&state, &token, state.now()).await?;
            let page = ResetPage {
                errors: Errors::from_refusal(e, &["new_password"], "new_password"),
                name: holder.name,
                token,
            };
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "reset_issued.html")]
struct IssuedPage {
    chrome: Chrome,
    id: i64,
    name: String,
    link: String,
    until: String,
}

async fn issue_reset(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, WebError> {
    let issued = uc::issue_reset(&ctx.state, &ctx.me, StaffId(id), ctx.state.now()).await?;
    let holder = app::school_admin::staff_member(&ctx.state, &ctx.me, StaffId(id)).await?;
    let local = ctx.local().await?;
    Ok(render(&IssuedPage {
        chrome: ctx.chrome("staff"),
        id,
        name: holder.name,
        link: issued.link,
        until: local.day_time(issued.expires_at),
    }))
}

async fn reset_authenticator(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, WebError> {
    uc::reset_authenticator(&ctx.state, &ctx.me, StaffId(id), ctx.state.now()).await?;
    Ok(see_other(&format!("/staff/{id}?authenticator=reset")))
}
