//! Single sign-on set per trust (#12 item 1): the trust administrator sets the provider through
//! `/api/trust/sso`, checked against a real discovery document served on loopback by the test;
//! the secret is never answered back nor put in the audit trail; the sign-in page then offers the
//! trust's school accounts, and stops when the settings are cleared. The sign-in itself is driven
//! against a real OpenID provider in `e2e/tests/sso.test.mjs`.

use crate::helpers::{Session, TRUST_ADMIN, TestApp, for_each_backend};
use axum::http::{Method, StatusCode};
use axum::routing::get;
use serde_json::{Value, json};

/// A provider's discovery document and (empty) key set, served on a loopback port the test
/// picks: enough for Doorstep's one-off check of an issuer. Returns the issuer URL.
async fn discovery_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let doc = json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/auth"),
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
    });
    let router = axum::Router::new()
        .route(
            "/.well-known/openid-configuration",
            get(move || async move { axum::Json(doc) }),
        )
        .route("/jwks", get(|| async { axum::Json(json!({ "keys": [] })) }));
    tokio::spawn(async move { axum::serve(listener, router).await });
    issuer
}

fn with_sso(app: TestApp) -> TestApp {
    // As `doorstep serve` does before building any HTTP client.
    notify::install_crypto_provider();
    app.configured(|s| {
        s.with_sso(server::SsoProvider::new("http://127.0.0.1:9/login/sso/callback").unwrap())
    })
}

/// The anonymous sign-in page's HTML.
async fn login_page(app: &TestApp, path: &str) -> String {
    let (_, body) = app
        .send(&Session::anonymous(), Method::GET, path, None)
        .await;
    body.as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn the_trust_administrator_sets_sso_the_secret_never_comes_back_and_sign_in_offers_it() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let app = with_sso(app);
        let issuer = discovery_server().await;
        let head = app.login("head@harton.demo").await;
        assert_eq!(app.get(&head, "/api/trust/sso").await.0, StatusCode::FORBIDDEN, "[{b}] a head may not");
        let admin = app.login(TRUST_ADMIN).await;
        assert_eq!(app.get(&admin, "/api/trust/sso").await.1, Value::Null, "[{b}] nothing set yet");
        assert!(!login_page(&app, "/login").await.contains("school account"), "[{b}]");

        // Refusals name the field, in the administrator's words; nothing is stored.
        let put = |body: Value| {
            let (app, admin) = (&app, &admin);
            async move { app.send(admin, Method::PUT, "/api/trust/sso", Some(body)).await }
        };
        let (status, body) = put(json!({ "issuer": "http://login.example.test", "client_id": "doorstep", "client_secret": "s3cret-value" })).await;
        assert_eq!((status, body["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("issuer")), "[{b}] {body}");
        assert!(body["reason"].as_str().unwrap().contains("https://"), "[{b}] {body}");
        let (status, body) = put(json!({ "issuer": issuer, "client_id": "doorstep" })).await;
        assert_eq!((status, body["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("client_secret")), "[{b}] {body}");
        let (status, body) = put(json!({ "issuer": "http://127.0.0.1:9/nobody", "client_id": "doorstep", "client_secret": "s3cret-value" })).await;
        assert_eq!((status, body["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("issuer")), "[{b}] {body}");
        assert!(body["reason"].as_str().unwrap().contains("could not read"), "[{b}] {body}");
        assert_eq!(app.get(&admin, "/api/trust/sso").await.1, Value::Null, "[{b}] nothing half-written");

        let (status, set) = put(json!({ "issuer": issuer, "client_id": "doorstep", "client_secret": "s3cret-value" })).await;
        assert_eq!(status, StatusCode::OK, "[{b}] {set}");
        assert_eq!(set["client_secret_set"], true, "[{b}]");
        let read = app.get(&admin, "/api/trust/sso").await.1;
        assert_eq!(read["issuer"].as_str(), Some(issuer.as_str()), "[{b}]");
        assert!(!read.to_string().contains("s3cret"), "[{b}] the secret is never shown: {read}");
        // Changing the client id alone keeps the secret.
        let (status, _) = put(json!({ "issuer": issuer, "client_id": "doorstep-2" })).await;
        assert_eq!(status, StatusCode::OK, "[{b}]");
        let (status, _) = put(json!({ "issuer": issuer, "client_id": "doorstep-2", "client_secret": "n3w-secret" })).await;
        assert_eq!(status, StatusCode::OK, "[{b}]");

        let me = app.staff(&admin).await;
        let trail = app.db.audit_trail(me.trust_id, None, Some(("trust", me.trust_id.0)), 50).await.unwrap();
        let sso: Vec<(String, String)> = trail
            .iter()
            .filter(|r| r.action.starts_with("sso."))
            .rev()
            .map(|r| (r.action.clone(), r.detail.as_ref().map(|d| d.0["secret"].to_string()).unwrap_or_default()))
            .collect();
        assert_eq!(
            sso,
            [
                ("sso.settings_set".to_string(), "\"set\"".to_string()),
                ("sso.settings_changed".to_string(), "\"kept\"".to_string()),
                ("sso.settings_changed".to_string(), "\"changed\"".to_string()),
            ],
            "[{b}]"
        );
        let everything = format!("{:?}", trail.iter().map(|r| &r.detail).collect::<Vec<_>>());
        assert!(!everything.contains("s3cret") && !everything.contains("n3w-secret"), "[{b}] no secret in the trail");

        // The sign-in page offers the trust's school accounts, with its trust in the link.
        let page = login_page(&app, "/login").await;
        let link = format!("/login/sso?trust={}", me.trust_id.0);
        assert!(page.contains("Sign in with your school account") && page.contains(&link), "[{b}] {page}");
        assert!(!login_page(&app, "/login?trust=999999").await.contains("school account"), "[{b}] another trust's address");

        assert_eq!(app.send(&admin, Method::DELETE, "/api/trust/sso", None).await.0, StatusCode::NO_CONTENT, "[{b}]");
        assert_eq!(app.get(&admin, "/api/trust/sso").await.1, Value::Null, "[{b}]");
        assert!(!login_page(&app, "/login").await.contains("school account"), "[{b}] cleared");
    })
    .await;
}

#[tokio::test]
async fn the_sign_in_settings_page_shows_a_wrong_issuer_next_to_its_field() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let app = with_sso(app);
        let admin = app.login(TRUST_ADMIN).await;
        let (_, today) = app.send(&admin, Method::GET, "/today", None).await;
        assert!(
            today
                .as_str()
                .unwrap_or_default()
                .contains("href=\"/trust/sign-in\""),
            "[{b}] linked for the administrator"
        );
        let form = "issuer=ftp%3A%2F%2Fidp.example&client_id=doorstep&client_secret=abc";
        let (status, page) = app
            .send_raw(
                &admin,
                Method::POST,
                "/trust/sign-in",
                Some("application/x-www-form-urlencoded"),
                form,
            )
            .await;
        let page = page.as_str().unwrap_or_default().to_string();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "[{b}]");
        assert!(
            page.contains("issuer-error") && page.contains("must start with https://"),
            "[{b}] {page}"
        );
        assert!(
            page.contains("ftp://idp.example"),
            "[{b}] what was typed stays"
        );
        assert!(
            !page.contains("value=\"abc\""),
            "[{b}] the secret is not put back"
        );
        let head = app.login("head@harton.demo").await;
        let (status, _) = app.send(&head, Method::GET, "/trust/sign-in", None).await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "[{b}] only the trust administrator"
        );
    })
    .await;
}
