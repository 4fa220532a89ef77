//! Answers read as bytes with their content type, for downloads (CSV, PDF) that are not JSON.

use super::{Session, TestApp};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// A download: its status, `Content-Type` and body bytes.
pub struct Download {
    pub status: StatusCode,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl TestApp {
    /// GET `path` as `who`, the answer kept as bytes.
    pub async fn download(&self, who: &Session, path: &str) -> Download {
        if who.stepped_up
            && let Some(hash) = self.session_hash(who)
        {
            self.db
                .set_session_second_factor(&hash, self.clock.now())
                .await
                .expect("stepping the test session up");
        }
        let mut req = Request::builder().uri(path);
        if let Some(cookie) = &who.cookie {
            req = req.header(header::COOKIE, cookie);
        }
        let req = req.body(Body::empty()).expect("a well-formed test request");
        let res = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("the router always answers");
        let status = res.status();
        let content_type = res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let bytes = res
            .into_body()
            .collect()
            .await
            .expect("reading the answer")
            .to_bytes()
            .to_vec();
        Download {
            status,
            content_type,
            bytes,
        }
    }
}
