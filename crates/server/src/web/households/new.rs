//! A new household (P3): the form, checked box by box, and the same use case as the JSON API.

use super::*;
use crate::web::PageQuery;

#[derive(Template)]
#[template(path = "household_new.html")]
struct NewPage {
    chrome: Chrome,
    school_id: i64,
    errors: Errors,
    v: Vec<(&'static str, String)>,
    parental: bool,
}

impl NewPage {
    fn value(&self, name: &str) -> &str {
        self.v
            .iter()
            .find(|(k, _)| *k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

const NEW_FIELDS: [&str; 10] = [
    "family_name",
    "address",
    "postcode",
    "landline",
    "language_notes",
    "pets",
    "members[0].name",
    "members[0].relationship",
    "members[0].phone",
    "cautions[0].description",
];

pub(super) async fn new_page(
    ctx: Ctx,
    PageQuery(q): PageQuery<SchoolQuery>,
) -> Result<Response, WebError> {
    let school = ctx.school(q.school_id).await?;
    Ok(render(&NewPage {
        chrome: ctx.chrome("households"),
        school_id: school.0,
        errors: Errors::none(),
        v: vec![("cautions[0].source", String::new())],
        parental: true,
    }))
}

/// The one-line and multi-line boxes of the form, checked before it is read so that each
/// refusal shows by its own box at once (reading the input stops at the first). The limits are
/// [`NewHouseholdInput`]'s.
fn boxes_checked(f: &FormData) -> Errors {
    let mut errors = Errors::none();
    let mut check = |r: Result<(), domain::FieldError>| {
        if let Err(e) = r {
            errors.add(&e.field, e.reason);
        }
    };
    check(f.text::<200, false>("family_name").map(drop));
    check(f.text::<500, true>("address").map(drop));
    check(f.opt_text::<2000, true>("language_notes").map(drop));
    check(f.opt_text::<500, false>("pets").map(drop));
    errors
}

/// The new-household form: one adult and one caution flag at most.
fn new_household(f: &FormData) -> Result<NewHouseholdInput, domain::FieldError> {
    let mut members = vec![];
    if f.opt("members[0].name").is_some() {
        members.push(MemberInput {
            name: f.text("members[0].name")?,
            relationship: f.text("members[0].relationship")?,
            parental_responsibility: f.checked("members[0].parental_responsibility"),
            lives_at_address: true,
            phone: opt(f, "members[0].phone"),
            email: None,
            notes: None,
        });
    }
    let mut cautions = vec![];
    if f.opt("cautions[0].description").is_some() {
        cautions.push(CautionInput {
            description: f.text("cautions[0].description")?,
            source: f.text("cautions[0].source")?,
        });
    }
    Ok(NewHouseholdInput {
        school_id: f.get("school_id").parse::<i64>().ok(),
        family_name: f.text("family_name")?,
        address: f.text("address")?,
        postcode: f.get("postcode").to_string(),
        landline: opt(f, "landline"),
        language_notes: f.opt_text("language_notes")?,
        pets: f.opt_text("pets")?,
        members,
        cautions,
    })
}

pub(super) async fn create(ctx: Ctx, f: Posted) -> Result<Response, WebError> {
    // A box refused before it was read: the form again, the refusal by it.
    let f = match f {
        Ok(f) => f,
        Err(r) => {
            let (errors, typed) = r.on_page()?;
            return Ok(new_again(&ctx, &FormData::from_pairs(typed), errors));
        }
    };
    let checked = boxes_checked(&f);
    if !checked.is_empty() {
        return Ok(new_again(&ctx, &f, checked));
    }
    let created = async {
        let input = new_household(&f)?;
        uc::create_household(&ctx.state, &ctx.me, &input, ctx.state.now()).await
    };
    match created.await {
        Ok(h) => Ok(see_other(&format!("/households/{}", h.id.0))),
        Err(e) if e.is_fixable() => Ok(new_again(
            &ctx,
            &f,
            Errors::from_refusal(e, &[], "family_name"),
        )),
        Err(e) => Err(e.into()),
    }
}

/// The new-household form again, as typed, with the errors by their boxes (422).
fn new_again(ctx: &Ctx, f: &FormData, errors: Errors) -> Response {
    let mut v: Vec<(&'static str, String)> = NEW_FIELDS
        .iter()
        .map(|n| (*n, f.get(n).to_string()))
        .collect();
    v.push((
        "cautions[0].source",
        f.get("cautions[0].source").to_string(),
    ));
    let page = NewPage {
        chrome: ctx.chrome("households"),
        school_id: f.get("school_id").parse().unwrap_or_default(),
        errors,
        v,
        parental: f.checked("members[0].parental_responsibility"),
    };
    render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
}
