//! The office's import page (issue 14): choose the Common Transfer File the MIS exported (or
//! paste its text), check it as a dry run, then import exactly what was checked. Calls
//! [`app::import::import_ctf`], the same use case as the JSON API and `doorstep import ctf`. A
//! second form does the same for a staff CSV through [`app::import::import_staff`].
//!
//! After a check, the page holds the checked text and its fingerprint; "Import" sends both back
//! and is refused if the text was changed in between, so what is written is what was shown.

mod upload;

use super::page::{Chrome, Ctx, Errors, WebError, render, render_with};
use crate::AppState;
use app::import::{
    CtfInput, ImportLine, ImportReport, Importer, StaffCsvInput, import_ctf, import_staff,
};
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use upload::{Posted, Refused, fingerprint};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/imports", get(page))
        .route("/imports/ctf", post(upload_ctf))
        .route("/imports/staff", post(upload_staff))
        .layer(DefaultBodyLimit::max(upload::FORM_LIMIT_BYTES))
}

/// One of the page's two forms as it is shown again: its text and the fingerprint of the text a
/// dry run checked ("" before any check).
#[derive(Default)]
struct Held {
    text: String,
    checked: String,
}

#[derive(Template)]
#[template(path = "imports.html")]
struct Page {
    chrome: Chrome,
    errors: Errors,
    school: String,
    ctf: Held,
    csv: Held,
    report: Option<ImportReport>,
    /// The report's added, changed and left lines under their headings.
    sections: Vec<(&'static str, Vec<ImportLine>)>,
}

async fn build(
    ctx: &Ctx,
    errors: Errors,
    ctf: Held,
    csv: Held,
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
        ctf,
        csv,
        report,
    })
}

async fn page(ctx: Ctx) -> Result<Response, WebError> {
    app::access::may_import(&ctx.state, &ctx.me, None).await?;
    let page = build(&ctx, Errors::none(), Held::default(), Held::default(), None).await?;
    Ok(render(&page))
}

/// Which of the page's forms was posted: its file input, its text box and what to choose.
struct Form {
    file: &'static str,
    text: &'static str,
    expected: &'static str,
}

const CTF_FORM: Form = Form {
    file: "ctf_file",
    text: "xml",
    expected: "the Common Transfer File (.xml) the MIS exported",
};

const CSV_FORM: Form = Form {
    file: "csv_file",
    text: "csv",
    expected: "a staff CSV (.csv) whose first line is name,email,mobile,roles",
};

/// What a post asks for: the text to import, the input it came from, and whether to write.
struct Asked {
    text: String,
    source: String,
    dry_run: bool,
}

/// Reads the form; refuses an import whose text differs from what the dry run checked.
async fn asked(form: &Form, req: Request) -> Result<Asked, Refused> {
    let posted = Posted::read(req).await?;
    let (text, source) = posted.text(form.file, form.text, form.expected)?;
    let dry_run = posted.get("action") != "import";
    let checked = posted.get("checked");
    if !dry_run && !checked.is_empty() && fingerprint(&text) != checked {
        return Err(Refused {
            field: source,
            reason: "This was changed after it was checked: press Check the file again first"
                .into(),
            too_large: false,
        });
    }
    Ok(Asked {
        text,
        source,
        dry_run,
    })
}

/// The page after a post: the report when the use case answered, else the message beside the
/// input the text came from (422, or 413 for a file over the limit).
async fn answer(
    ctx: &Ctx,
    form: &Form,
    asked: Result<Asked, Refused>,
    run: impl AsyncFnOnce(&str, bool) -> app::Result<ImportReport>,
) -> Result<Response, WebError> {
    let hold = |text: String, checked: String| {
        let held = Held { text, checked };
        if form.text == CTF_FORM.text {
            (held, Held::default())
        } else {
            (Held::default(), held)
        }
    };
    let a = match asked {
        Ok(a) => a,
        Err(r) => {
            let status = if r.too_large {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let (ctf, csv) = hold(String::new(), String::new());
            let page = build(ctx, Errors::one(&r.field, r.reason), ctf, csv, None).await?;
            return Ok(render_with(status, &page));
        }
    };
    match run(&a.text, a.dry_run).await {
        // A dry run keeps the text (and its fingerprint) in the form, ready for the import.
        Ok(report) => {
            let (ctf, csv) = if a.dry_run {
                let checked = fingerprint(&a.text);
                hold(a.text, checked)
            } else {
                hold(String::new(), String::new())
            };
            Ok(render(
                &build(ctx, Errors::none(), ctf, csv, Some(report)).await?,
            ))
        }
        Err(r) if r.is_fixable() => {
            // The use case names the text ("xml", "csv"): shown beside the input it came from.
            let mut errors = Errors::from_refusal(r, &[form.text], form.text);
            if a.source != form.text {
                for m in &mut errors.list {
                    m.field.clone_from(&a.source);
                    m.anchor = super::page::anchor(&a.source);
                }
            }
            let kept = if a.source == form.text {
                a.text
            } else {
                String::new()
            };
            let (ctf, csv) = hold(kept, String::new());
            let page = build(ctx, errors, ctf, csv, None).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(r) => Err(r.into()),
    }
}

/// The report is the answer to the form, not a redirect: it exists only for this file. Sending
/// the form again is safe (a second import of the same file changes nothing).
async fn upload_ctf(ctx: Ctx, req: Request) -> Result<Response, WebError> {
    let asked = asked(&CTF_FORM, req).await;
    let run = async |xml: &str, dry_run: bool| {
        let input = CtfInput {
            school_id: None,
            xml: xml.to_string(),
            dry_run,
        };
        import_ctf(
            &ctx.state,
            Importer::Person(&ctx.me),
            &input,
            ctx.state.now(),
        )
        .await
    };
    answer(&ctx, &CTF_FORM, asked, run).await
}

/// The staff CSV form: as [`upload_ctf`], through [`import_staff`].
async fn upload_staff(ctx: Ctx, req: Request) -> Result<Response, WebError> {
    let asked = asked(&CSV_FORM, req).await;
    let run = async |csv: &str, dry_run: bool| {
        let input = StaffCsvInput {
            school_id: None,
            csv: csv.to_string(),
            dry_run,
        };
        import_staff(
            &ctx.state,
            Importer::Person(&ctx.me),
            &input,
            ctx.state.now(),
        )
        .await
    };
    answer(&ctx, &CSV_FORM, asked, run).await
}
