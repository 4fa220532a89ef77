//! Signing in and out: the same use cases and the same session cookie as the JSON API.

use super::form::FormData;
use super::page::{Errors, local_path, render, render_with};
use crate::AppState;
use crate::auth::{
    ClientAddress, CurrentStaff, cleared_cookie, end_session, session_cookie, user_agent,
};
use crate::error::ApiError;
use crate::error::too_many_attempts_reason;
use crate::web::PageQuery;
use app::school_admin::{self as uc, LoginInput};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::header::{RETRY_AFTER, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::TrustId;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    next: String,
    email: String,
    errors: Errors,
    /// The trusts whose staff sign in with school accounts: offered first, one link each.
    sso: Vec<SsoChoice>,
    /// Just signed out: the provider's end-session address, to sign out of the school account too.
    end_session: Option<String>,
}

/// One "Sign in with your school account" link.
struct SsoChoice {
    trust_id: i64,
    /// The trust's name, shown only when several trusts offer a link.
    name: Option<String>,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
    signed_out: Option<String>,
    /// Only this trust's school accounts (a trust's own sign-in address, `/login?trust=N`).
    trust: Option<i64>,
}

/// The school-account links the sign-in page offers: every trust that set its provider, or only
/// `only`. Errors: the store's, as the page to answer with.
async fn sso_choices(state: &AppState, only: Option<i64>) -> Result<Vec<SsoChoice>, Response> {
    if state.sso().is_none() {
        return Ok(vec![]);
    }
    let trusts = uc::trusts_offering_sso(state).await.map_err(|e| {
        tracing::error!(error = %e.chain(), "listing the trusts with single sign-on failed");
        super::WebError::from(e).into_response()
    })?;
    let trusts: Vec<_> = trusts
        .into_iter()
        .filter(|(t, _)| only.is_none_or(|o| o == t.0))
        .collect();
    let named = trusts.len() > 1;
    Ok(trusts
        .into_iter()
        .map(|(t, name)| SsoChoice {
            trust_id: t.0,
            name: named.then_some(name),
        })
        .collect())
}

async fn login_page(State(state): State<AppState>, PageQuery(q): PageQuery<NextQuery>) -> Response {
    // Just signed out of a trust with single sign-on: offer its provider's sign-out too.
    let end_session = match (state.sso(), q.signed_out.is_some(), q.trust) {
        (Some(provider), true, Some(trust)) => {
            match uc::sso_of_trust(&state, TrustId(trust)).await {
                Ok(Some(settings)) => match provider.for_trust(&settings) {
                    Ok(sso) => sso.end_session_url().await,
                    Err(_) => None,
                },
                _ => None,
            }
        }
        _ => None,
    };
    let sso = match sso_choices(&state, q.trust).await {
        Ok(c) => c,
        Err(page) => return page,
    };
    render(&LoginPage {
        next: local_path(q.next.as_deref().unwrap_or("/"), "/"),
        email: String::new(),
        errors: Errors::none(),
        sso,
        end_session,
    })
}

fn with_cookie(mut resp: Response, cookie: String) -> Response {
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().append(SET_COOKIE, v);
    }
    resp
}

async fn login(
    State(state): State<AppState>,
    ClientAddress(from): ClientAddress,
    headers: HeaderMap,
    form: FormData,
) -> Response {
    let next = local_path(form.get("next"), "/");
    let email = form.get("email").to_string();
    let mut errors = Errors::none();
    if email.is_empty() {
        errors.add("email", "Enter your e-mail address");
    }
    if form.get("password").is_empty() {
        errors.add("password", "Enter your password");
    }
    if errors.is_empty() {
        let input = LoginInput {
            email: email.clone(),
            password: form.get("password").to_string(),
        };
        match uc::sign_in(
            &state,
            &input,
            from.as_deref(),
            user_agent(&headers),
            state.now(),
        )
        .await
        {
            Ok(uc::SignIn::SignedIn(signed_in)) => {
                let cookie = session_cookie(&state, &signed_in.token);
                return with_cookie(Redirect::to(&next).into_response(), cookie);
            }
            Ok(uc::SignIn::Wrong) => errors.add(
                "password",
                "The e-mail address or the password is not right",
            ),
            Ok(uc::SignIn::Locked {
                retry_after_seconds,
            }) => {
                errors.add("email", too_many_attempts_reason(retry_after_seconds));
                let mut resp = render_with(
                    StatusCode::TOO_MANY_REQUESTS,
                    &LoginPage {
                        next,
                        email,
                        errors,
                        sso: sso_choices(&state, None).await.unwrap_or_default(),
                        end_session: None,
                    },
                );
                if let Ok(v) = HeaderValue::from_str(&retry_after_seconds.to_string()) {
                    resp.headers_mut().insert(RETRY_AFTER, v);
                }
                return resp;
            }
            Err(e) => {
                if matches!(e, app::Refusal::Internal(_)) {
                    tracing::error!(error = %e.chain(), "signing in failed");
                }
                errors = Errors::from_refusal(e, &["email", "password"], "email");
            }
        }
    }
    render_with(
        StatusCode::UNPROCESSABLE_ENTITY,
        &LoginPage {
            next,
            email,
            errors,
            sso: match sso_choices(&state, None).await {
                Ok(c) => c,
                Err(page) => return page,
            },
            end_session: None,
        },
    )
}

async fn logout(
    State(state): State<AppState>,
    me: Result<CurrentStaff, ApiError>,
    headers: HeaderMap,
) -> Response {
    // With single sign-on the sign-in page then offers to sign out of the school account too.
    let to = match me {
        Ok(CurrentStaff(me)) if state.sso().is_some() => {
            format!("/login?signed_out=1&trust={}", me.trust_id.0)
        }
        _ => "/login".to_string(),
    };
    let resp = Redirect::to(&to).into_response();
    // As before: the cookie is cleared only when the session was ended on the server.
    match end_session(&state, &headers).await {
        Ok(()) => with_cookie(resp, cleared_cookie()),
        Err(e) => {
            tracing::error!(error = %e, "signing out failed");
            resp
        }
    }
}
