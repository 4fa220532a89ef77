//! The OpenAPI description served at `/api/openapi.json`.

use axum::Json;
use std::sync::Arc;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(info(
    title = "Doorstep",
    description = "Home visits, run safely: plan, authorise, keep staff safe while out, record the outcome."
))]
pub struct ApiDoc;

impl ApiDoc {
    pub fn base() -> utoipa::openapi::OpenApi {
        ApiDoc::openapi()
    }
}

pub async fn serve(spec: Arc<utoipa::openapi::OpenApi>) -> Json<utoipa::openapi::OpenApi> {
    Json((*spec).clone())
}
