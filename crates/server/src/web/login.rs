//! Signing in and out with the API's own session cookie.

use super::api::Api;
use super::form::FormData;
use super::page::{Errors, local_path, render, render_with};
use crate::AppState;
use askama::Template;
use axum::extract::Query;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
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
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn login_page(Query(q): Query<NextQuery>) -> Response {
    render(&LoginPage {
        next: local_path(q.next.as_deref().unwrap_or("/"), "/"),
        email: String::new(),
        errors: Errors::none(),
    })
}

async fn login(Extension(api): Extension<Api>, form: FormData) -> Response {
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
        let body = serde_json::json!({ "email": email, "password": form.get("password") });
        match api
            .send(None, Method::POST, "/api/login", Some(&body))
            .await
        {
            Ok(answer) => {
                let mut resp = Redirect::to(&next).into_response();
                for c in answer.set_cookies {
                    resp.headers_mut().append(SET_COOKIE, c);
                }
                return resp;
            }
            Err(f) if f.status == StatusCode::UNAUTHORIZED => errors.add(
                "password",
                "The e-mail address or the password is not right",
            ),
            Err(f) => errors.add(f.field.as_deref().unwrap_or("email"), f.reason),
        }
    }
    render_with(
        StatusCode::UNPROCESSABLE_ENTITY,
        &LoginPage {
            next,
            email,
            errors,
        },
    )
}

async fn logout(Extension(api): Extension<Api>, headers: HeaderMap) -> Response {
    let mut resp = Redirect::to("/login").into_response();
    if let Ok(answer) = api
        .send(headers.get(COOKIE), Method::POST, "/api/logout", None)
        .await
    {
        for c in answer.set_cookies {
            resp.headers_mut().append(SET_COOKIE, c);
        }
    }
    resp
}
