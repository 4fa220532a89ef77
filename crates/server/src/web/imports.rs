//! The office's import page (issue 14): paste (or, with JavaScript, choose) the Common Transfer
//! File the MIS exported, try it as a dry run, then import. Calls [`app::import::import_ctf`],
//! the same use case as the JSON API and `doorstep import ctf`. A second form does the same
//! for a staff CSV through [`app::import::import_staff`].

use super::form::FormData;
use super::page::{Chrome, Ctx, Errors, WebError, render, render_with};
use crate::AppState;
use crate::imports::IMPORT_LIMIT_BYTES;
use app::import::{
    CtfInput, ImportLine, ImportReport, Importer, StaffCsvInput, import_ctf, import_staff,
};
use askama::Template;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/imports", get(page))
        .route("/imports/ctf", post(upload))
        .route("/imports/staff", post(upload_staff))
        .layer(DefaultBodyLimit::max(IMPORT_LIMIT_BYTES))
}

#[derive(Template)]
#[template(path = "imports.html")]
struct Page {
    chrome: Chrome,
    errors: Errors,
    school: String,
    xml: String,
    /// The staff CSV's text, kept after a dry run.
    csv: String,
    report: Option<ImportReport>,
    /// The report's added, changed and left lines under their headings.
    sections: Vec<(&'static str, Vec<ImportLine>)>,
}

async fn build(
    ctx: &Ctx,
    errors: Errors,
    xml: String,
    report: Option<ImportReport>,
) -> Result<Page, WebError> {
    build_with(ctx, errors, xml, String::new(), report).await
}

async fn build_with(
    ctx: &Ctx,
    errors: Errors,
    xml: String,
    csv: String,
    report: Option<ImportReport>,
) -> Result<Page, WebError> {
    let school = ctx.school(None).await?;
    let sections = report
        .as_ref()
        .map(|r| {
            vec![
                ("Added", r.added.clone()),
                ("Changed", r.changed.clone()),
                ("Left", r.left.clone()),
            ]
        })
        .unwrap_or_default();
    Ok(Page {
        sections,
        chrome: ctx.chrome("imports"),
        errors,
        school: app::school::school_name(&ctx.state, &ctx.me, school).await?,
        xml,
        csv,
        report,
    })
}

async fn page(ctx: Ctx) -> Result<Response, WebError> {
    app::access::may_import(&ctx.state, &ctx.me, None).await?;
    Ok(render(
        &build(&ctx, Errors::none(), String::new(), None).await?,
    ))
}

/// The report is the answer to the form, not a redirect: it exists only for this file. Sending
/// the form again is safe (a second import of the same file changes nothing).
async fn upload(ctx: Ctx, f: FormData) -> Result<Response, WebError> {
    let dry_run = f.get("action") != "import";
    let input = CtfInput {
        school_id: None,
        xml: f.get("xml").to_string(),
        dry_run,
    };
    match import_ctf(
        &ctx.state,
        Importer::Person(&ctx.me),
        &input,
        ctx.state.now(),
    )
    .await
    {
        // A dry run keeps the text in the form, ready for the import itself.
        Ok(report) => {
            let xml = if dry_run { input.xml } else { String::new() };
            Ok(render(
                &build(&ctx, Errors::none(), xml, Some(report)).await?,
            ))
        }
        Err(r) if r.is_fixable() => {
            let errors = Errors::from_refusal(r, &["xml"], "xml");
            Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &build(&ctx, errors, input.xml, None).await?,
            ))
        }
        Err(r) => Err(r.into()),
    }
}

/// The staff CSV form: as [`upload`], through [`import_staff`].
async fn upload_staff(ctx: Ctx, f: FormData) -> Result<Response, WebError> {
    let dry_run = f.get("action") != "import";
    let input = StaffCsvInput {
        school_id: None,
        csv: f.get("csv").to_string(),
        dry_run,
    };
    let now = ctx.state.now();
    match import_staff(&ctx.state, Importer::Person(&ctx.me), &input, now).await {
        Ok(report) => {
            let csv = if dry_run { input.csv } else { String::new() };
            let page = build_with(&ctx, Errors::none(), String::new(), csv, Some(report)).await?;
            Ok(render(&page))
        }
        Err(r) if r.is_fixable() => {
            let errors = Errors::from_refusal(r, &["csv"], "csv");
            let page = build_with(&ctx, errors, String::new(), input.csv, None).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(r) => Err(r.into()),
    }
}
