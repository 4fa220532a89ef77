//! The pupil's page: facts, the visits for this pupil the person sees, and the way to the
//! child's chronology for those who may read it (A9) — or, for anyone else, the way to open
//! it by breaking the glass (see the chronology page).

use super::VisitRow;
use crate::web::page::{Chrome, Ctx, WebError, render};
use crate::web::time::Local;
use app::school_admin as uc;
use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use domain::PupilId;

#[derive(Template)]
#[template(path = "pupil.html")]
struct PupilPage {
    chrome: Chrome,
    id: i64,
    name: String,
    facts: Vec<(String, String)>,
    household_id: i64,
    family: String,
    visits: Vec<VisitRow>,
    /// Only the staff involved with the child, the DSL and the head may open it (A9).
    reads_chronology: bool,
}

pub(super) async fn page(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, WebError> {
    let view = uc::pupil_page(&ctx.state, &ctx.me, PupilId(id)).await?;
    let pupil = view.pupil;
    let policy = uc::current_policy(&ctx.state, &ctx.me, pupil.school_id).await?;
    let local = Local::of(&policy.settings);
    let mut facts = vec![(
        "Date of birth".to_string(),
        pupil.date_of_birth.format("%-d %B %Y").to_string(),
    )];
    if let Some(y) = &pupil.year_group {
        facts.push(("Year group".into(), y.clone()));
    }
    if let Some(h) = pupil.height_cm {
        facts.push(("Height".into(), format!("{h} cm")));
    }
    Ok(render(&PupilPage {
        chrome: ctx.chrome("households"),
        id,
        name: pupil.name,
        facts,
        household_id: view.household.id.0,
        family: view.household.family_name,
        visits: view
            .visits
            .into_iter()
            .map(|v| VisitRow::of(v, &local))
            .collect(),
        reads_chronology: view.reads_chronology,
    }))
}
