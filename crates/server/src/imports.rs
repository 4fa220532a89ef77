//! Import from the MIS (issue 14): the JSON adapters of [`app::import::import_ctf`] and
//! [`app::import::import_staff`]. The office's
//! upload page ([`crate::web`]'s `imports`) calls the same use case.

use crate::AppState;
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::ApiJson;
use app::import::{self as uc, CtfInput, ImportReport, Importer, StaffCsvInput};
use axum::Json;
use axum::extract::{DefaultBodyLimit, State};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The largest file an import reads: a secondary school's CTF of 2,000 pupils is about 2.5 MB.
pub(crate) const IMPORT_LIMIT_BYTES: usize = 32 * 1024 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(import_ctf))
        .routes(routes!(import_staff))
        .layer(DefaultBodyLimit::max(IMPORT_LIMIT_BYTES))
}

/// Imports a Common Transfer File's pupils, households and contacts (or, with `dry_run`, says
/// what would change and writes nothing). Office staff, the head or a trust administrator.
/// 200 with the report (its `problems` name each unreadable element); 422 when the file is not
/// a CTF (`field` "xml"); 403 for anyone else.
#[utoipa::path(post, path = "/api/imports/ctf", tag = "imports", request_body = CtfInput,
    responses((status = 200, body = ImportReport), (status = 403), (status = 422)))]
async fn import_ctf(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiJson(input): ApiJson<CtfInput>,
) -> Result<Json<ImportReport>, ApiError> {
    let now = state.now();
    Ok(Json(
        uc::import_ctf(&state, Importer::Person(&me), &input, now).await?,
    ))
}

/// Imports the school's staff from a CSV with the header `name,email,mobile,roles` (or, with
/// `dry_run`, says what would change and writes nothing). The head or a trust administrator.
/// 200 with the report (`problems` name each unreadable row by line and column;
/// `needs_trust_admin` the rows that would grant a senior role); 422 when the first line is not
/// the header (`field` "csv"); 403 for anyone else.
#[utoipa::path(post, path = "/api/imports/staff", tag = "imports", request_body = StaffCsvInput,
    responses((status = 200, body = ImportReport), (status = 403), (status = 422)))]
async fn import_staff(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiJson(input): ApiJson<StaffCsvInput>,
) -> Result<Json<ImportReport>, ApiError> {
    let now = state.now();
    Ok(Json(
        uc::import_staff(&state, Importer::Person(&me), &input, now).await?,
    ))
}
