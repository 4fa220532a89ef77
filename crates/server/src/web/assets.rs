//! Static assets embedded in the binary (read from disk in debug builds): the stylesheet, the
//! page script, htmx, icons, the web app manifest and the service worker.

use crate::AppState;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

#[derive(rust_embed::RustEmbed)]
#[folder = "static/"]
struct Static;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/static/{*path}", get(asset))
        .route(
            "/manifest.webmanifest",
            get(|| async { serve("manifest.webmanifest", "public, max-age=3600") }),
        )
        // The service worker must come from the root to look after every page.
        .route("/sw.js", get(|| async { serve("sw.js", "no-cache") }))
        .route(
            "/favicon.ico",
            get(|| async { serve("icons/icon-192.png", "public, max-age=86400") }),
        )
}

async fn asset(Path(path): Path<String>) -> Response {
    serve(&path, "public, max-age=300")
}

fn serve(path: &str, cache: &'static str) -> Response {
    match Static::get(path) {
        Some(file) => {
            let mime = match path.rsplit('.').next() {
                Some("webmanifest") => "application/manifest+json".to_string(),
                _ => file.metadata.mimetype().to_string(),
            };
            (
                [(CONTENT_TYPE, mime), (CACHE_CONTROL, cache.to_string())],
                file.data.into_owned(),
            )
                .into_response()
        }
        None => (StatusCode::NOT_FOUND, "no such file").into_response(),
    }
}
