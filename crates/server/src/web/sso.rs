//! Signing in with the school account (single sign-on): `/login/sso?trust=N` sends the browser
//! to that trust's provider (without `trust`: the one trust that set one), `/login/sso/callback`
//! takes it back. The protocol is [`crate::sso`]; who is
//! signed in is [`app::school_admin::sign_in_verified`]'s decision, audited there.

use super::page::{local_path, render_with};
use crate::AppState;
use crate::auth::{session_cookie, user_agent};
use crate::sso::{FLOW_SECONDS, Flow, Sso, SsoError};
use crate::web::PageQuery;
use app::school_admin::{self as uc, VerifiedAccount};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use domain::TrustId;
use serde::Deserialize;

const FLOW_COOKIE: &str = "doorstep_sso";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login/sso", get(start))
        .route("/login/sso/callback", get(callback))
}

/// The page shown when the school account signed nobody in.
#[derive(Template)]
#[template(path = "sso_problem.html")]
struct Problem {
    heading: &'static str,
    message: String,
    /// Set when the account was fine but is not on the staff list.
    email: Option<String>,
}

#[derive(Deserialize)]
struct StartQuery {
    next: Option<String>,
    /// The trust whose school accounts to use; absent: the one trust that offers them.
    trust: Option<i64>,
}

/// `trust`'s sign-in with school accounts; `None` when single sign-on is off or the trust has
/// not set its provider (any more). Errors: the page to answer with.
async fn trust_sso(state: &AppState, trust: TrustId) -> Result<Option<Sso>, Response> {
    let Some(provider) = state.sso() else {
        return Ok(None);
    };
    match uc::sso_of_trust(state, trust).await {
        Ok(Some(settings)) => provider.for_trust(&settings).map(Some).map_err(problem),
        Ok(None) => Ok(None),
        Err(e) => {
            tracing::error!(error = %e.chain(), "reading the trust's sign-in settings failed");
            Err(super::WebError::from(e).into_response())
        }
    }
}

async fn start(State(state): State<AppState>, PageQuery(q): PageQuery<StartQuery>) -> Response {
    let trust = match q.trust {
        Some(t) => TrustId(t),
        // Without `?trust=`: the deployment's one trust offering it (the sign-in page's link).
        None => match uc::trusts_offering_sso(&state).await.as_deref() {
            Ok([(only, _)]) => *only,
            Ok(_) => return Redirect::to("/login").into_response(),
            Err(e) => {
                tracing::error!(error = %e.chain(), "listing the trusts with single sign-on failed");
                return Redirect::to("/login").into_response();
            }
        },
    };
    let sso = match trust_sso(&state, trust).await {
        Ok(Some(sso)) => sso,
        Ok(None) => return Redirect::to("/login").into_response(),
        Err(page) => return page,
    };
    let next = local_path(q.next.as_deref().unwrap_or("/"), "/");
    match sso.start().await {
        Ok((url, flow)) => {
            let next: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
            // Lax, not Strict: the provider's redirect back is a cross-site navigation.
            let cookie = format!(
                "{FLOW_COOKIE}={}.{}.{}.{}.{next}; HttpOnly; SameSite=Lax; Path=/login/sso; Max-Age={FLOW_SECONDS}{}",
                flow.state,
                flow.nonce,
                flow.pkce_verifier,
                trust.0,
                if state.secure_cookies() {
                    "; Secure"
                } else {
                    ""
                }
            );
            with_cookie(Redirect::to(&url).into_response(), &cookie)
        }
        Err(e) => problem(e),
    }
}

#[derive(Deserialize)]
struct CallbackQuery {
    state: Option<String>,
    code: Option<String>,
    error: Option<String>,
}

async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageQuery(q): PageQuery<CallbackQuery>,
) -> Response {
    let cleared = format!("{FLOW_COOKIE}=; HttpOnly; SameSite=Lax; Path=/login/sso; Max-Age=0");
    let Some((flow, trust, next)) = flow_cookie(&headers) else {
        return with_cookie(problem(SsoError::State), &cleared);
    };
    let sso = match trust_sso(&state, trust).await {
        Ok(Some(sso)) => sso,
        Ok(None) => {
            let gone = SsoError::Provider("the trust's single sign-on was cleared".into());
            return with_cookie(problem(gone), &cleared);
        }
        Err(page) => return with_cookie(page, &cleared),
    };
    if let Some(error) = q.error {
        tracing::info!(sso.error = %error, "the school account provider did not sign the person in");
        let page = Problem {
            heading: "You were not signed in",
            message: "Your school account did not sign you in (it was cancelled or refused). \
                      Try again, or sign in with your Doorstep password."
                .into(),
            email: None,
        };
        return with_cookie(render_with(StatusCode::FORBIDDEN, &page), &cleared);
    }
    let (Some(got_state), Some(code)) = (q.state.as_deref(), q.code.as_deref()) else {
        return with_cookie(problem(SsoError::State), &cleared);
    };
    let email = match sso.finish(&flow, got_state, code).await {
        Ok(email) => email,
        Err(e) => return with_cookie(problem(e), &cleared),
    };
    let account = VerifiedAccount {
        trust: sso.trust(),
        issuer: sso.issuer().to_string(),
        verified_email: email.clone(),
    };
    let resp = match uc::sign_in_verified(&state, &account, user_agent(&headers), state.now()).await
    {
        Ok(Ok(signed_in)) => with_cookie(
            Redirect::to(&next).into_response(),
            &session_cookie(&state, &signed_in.token),
        ),
        Ok(Err(uc::SsoRefused::NotOnStaffList)) => {
            let page = Problem {
                heading: "You are not on Doorstep's staff list",
                message: "Your school account is fine, but no member of staff with this e-mail \
                          address can use Doorstep. Ask the school office to add you (or to \
                          reactivate your account); nothing has been set up for you."
                    .into(),
                email: Some(email),
            };
            render_with(StatusCode::FORBIDDEN, &page)
        }
        Err(e) => {
            tracing::error!(error = %e.chain(), "single sign-on failed");
            return super::WebError::from(e).into_response();
        }
    };
    with_cookie(resp, &cleared)
}

/// The page for a sign-in that could not finish; provider faults are logged for the office.
fn problem(e: SsoError) -> Response {
    let (status, message) = match &e {
        SsoError::Provider(_) => {
            tracing::warn!(error = %e, "single sign-on: provider problem");
            (
                StatusCode::BAD_GATEWAY,
                "The school account service could not be reached just now. Try again in a \
                 minute, or sign in with your Doorstep password."
                    .to_string(),
            )
        }
        SsoError::State => (
            StatusCode::BAD_REQUEST,
            "This sign-in was not started here, or took longer than 10 minutes. Start again \
             from the sign-in page."
                .to_string(),
        ),
        SsoError::Token(_) => {
            tracing::warn!(error = %e, "single sign-on: ID token refused");
            (
                StatusCode::FORBIDDEN,
                "The answer from your school account could not be trusted, so you were not \
                 signed in. Start again from the sign-in page."
                    .to_string(),
            )
        }
        SsoError::Unverified => (
            StatusCode::FORBIDDEN,
            "Your school account has no verified e-mail address, so Doorstep cannot tell \
             who you are. Ask the school office."
                .to_string(),
        ),
    };
    render_with(
        status,
        &Problem {
            heading: "You were not signed in",
            message,
            email: None,
        },
    )
}

/// The flow cookie: state, nonce, PKCE verifier (base64url, so `.` separates them), the trust
/// and `next`.
fn flow_cookie(headers: &HeaderMap) -> Option<(Flow, TrustId, String)> {
    let value = headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == FLOW_COOKIE)?
        .1;
    let mut parts = value.splitn(5, '.');
    let flow = Flow {
        state: parts.next()?.to_string(),
        nonce: parts.next()?.to_string(),
        pkce_verifier: parts.next()?.to_string(),
    };
    let trust = TrustId(parts.next()?.parse().ok()?);
    let next: String = form_urlencoded::parse(format!("n={}", parts.next()?).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())?;
    // A decoded CR/LF would make a header of the redirect: only a plain path on this site.
    let next = if next.chars().any(char::is_control) {
        "/".into()
    } else {
        local_path(&next, "/")
    };
    Some((flow, trust, next))
}

fn with_cookie(mut resp: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        resp.headers_mut().append(SET_COOKIE, v);
    }
    resp
}
