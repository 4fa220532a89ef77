//! The second-factor page (A9, issue #10 item 3): setting up an authenticator on one's own
//! account, the recovery codes shown once, and typing a code before safeguarding history. A page
//! refused for want of a code comes here and, once the code is right, goes back to where it was
//! ([`redirect_to_code_page`]). The same use cases as the JSON API (`app::second_factor`).

use super::form::FormData;
use super::page::{Chrome, Ctx, Errors, WebError, local_path, render, render_with, see_other};
use super::time::Local;
use crate::AppState;
use crate::auth::session_token;
use crate::web::PageQuery;
use app::school_admin::token_hash;
use app::second_factor::{self as uc, CodeInput};
use askama::Template;
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me/second-factor", get(page))
        .route("/me/second-factor/start", post(start))
        .route("/me/second-factor/confirm", post(confirm))
        .route("/me/second-factor/step-up", post(step_up))
}

/// Put on a page's response refused for want of a second factor; [`redirect_to_code_page`]
/// turns it into a trip to the code page that comes back to the page.
#[derive(Debug, Clone, Copy)]
pub struct NeedsSecondFactor;

/// Middleware: a page answered with [`NeedsSecondFactor`] becomes a 303 to the code page, with
/// the page's own address (for a GET; `/` after a form post) to return to.
pub async fn redirect_to_code_page(req: Request, next: Next) -> Response {
    let back = if req.method() == Method::GET {
        req.uri()
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_string()
    } else {
        "/".to_string()
    };
    let resp = next.run(req).await;
    if resp.extensions().get::<NeedsSecondFactor>().is_none() {
        return resp;
    }
    let back: String = form_urlencoded::byte_serialize(back.as_bytes()).collect();
    see_other(&format!("/me/second-factor?next={back}"))
}

#[derive(Template)]
#[template(path = "second_factor.html")]
struct Page {
    chrome: Chrome,
    errors: Errors,
    next: String,
    minutes: u32,
    enrolled: bool,
    stepped_up_until: String,
    secret: String,
    otpauth_url: String,
    recovery_codes: Vec<String>,
}

impl Page {
    async fn new(ctx: &Ctx, next: &str, errors: Errors) -> Result<Page, WebError> {
        let status = uc::status(&ctx.state, &ctx.me).await?;
        let (minutes, local) = match ctx.me.school_id {
            Some(s) => {
                let settings = app::school::current_policy(&ctx.state, &ctx.me, s)
                    .await?
                    .settings
                    .clone();
                (
                    settings.second_factor.step_up_minutes,
                    Some(Local::of(&settings)),
                )
            }
            None => (
                domain::policy::SecondFactorRule::default().step_up_minutes,
                None,
            ),
        };
        let until = match (status.stepped_up_until, local) {
            (Some(u), Some(l)) => l.time(u),
            (Some(u), None) => format!("{} UTC", u.format("%H:%M")),
            _ => String::new(),
        };
        Ok(Page {
            chrome: ctx.chrome(""),
            errors,
            next: local_path(next, "/"),
            minutes,
            enrolled: status.enrolled,
            stepped_up_until: until,
            secret: String::new(),
            otpauth_url: String::new(),
            recovery_codes: vec![],
        })
    }
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn page(ctx: Ctx, PageQuery(q): PageQuery<NextQuery>) -> Result<Response, WebError> {
    let page = Page::new(&ctx, q.next.as_deref().unwrap_or("/"), Errors::none()).await?;
    Ok(render(&page))
}

async fn start(ctx: Ctx, f: FormData) -> Result<Response, WebError> {
    let next = local_path(f.get("next"), "/");
    let mut page = Page::new(&ctx, &next, Errors::none()).await?;
    if page.enrolled {
        return Ok(see_other(&format!("/me/second-factor?next={}", enc(&next))));
    }
    let e = uc::start_enrolment(&ctx.state, &ctx.me, ctx.state.now()).await?;
    page.secret = e.secret;
    page.otpauth_url = e.otpauth_url;
    Ok(render(&page))
}

fn session(headers: &HeaderMap) -> Result<String, WebError> {
    session_token(headers)
        .map(|t| token_hash(&t))
        .ok_or(WebError::SignIn {
            next: "/me/second-factor".into(),
        })
}

async fn confirm(ctx: Ctx, headers: HeaderMap, f: FormData) -> Result<Response, WebError> {
    let next = local_path(f.get("next"), "/");
    let input = CodeInput {
        code: f.get("code").to_string(),
    };
    match uc::confirm_enrolment(
        &ctx.state,
        &ctx.me,
        &session(&headers)?,
        &input,
        ctx.state.now(),
    )
    .await
    {
        Ok(done) => {
            let mut page = Page::new(&ctx, &next, Errors::none()).await?;
            page.recovery_codes = done.recovery_codes;
            Ok(render(&page))
        }
        Err(e) if e.is_fixable() => {
            let mut page =
                Page::new(&ctx, &next, Errors::from_refusal(e, &["code"], "code")).await?;
            // Still enrolling: the key is in the app already, only the code was wrong.
            page.secret = "(the key you added)".into();
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

async fn step_up(ctx: Ctx, headers: HeaderMap, f: FormData) -> Result<Response, WebError> {
    let next = local_path(f.get("next"), "/");
    let input = CodeInput {
        code: f.get("code").to_string(),
    };
    match uc::step_up(
        &ctx.state,
        &ctx.me,
        &session(&headers)?,
        &input,
        ctx.state.now(),
    )
    .await
    {
        Ok(_) => Ok(see_other(&next)),
        Err(e) if e.is_fixable() => {
            let page = Page::new(&ctx, &next, Errors::from_refusal(e, &["code"], "code")).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
