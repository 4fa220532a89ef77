//! Staff, their roles, vehicles and driver documents (P6); my covert duress PIN (D4).

use super::form::FormData;
use super::page::{Choice, Chrome, Ctx, Errors, WebError, render, render_with, see_other};
use crate::AppState;
use crate::web::PageQuery;
use app::Refusal;
use app::permissions::{SCHOOL_ADMINS, STAFF_RECORD_KEEPERS};
use app::school_admin::{self as uc, NewStaffInput, NewVehicleInput};
use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::NaiveDate;
use domain::{Role, StaffId};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff", get(list).post(create))
        .route("/staff/{id}", get(detail))
        .route("/staff/{id}/vehicles", post(add_vehicle))
        .route("/me/duress-pin", post(duress_pin))
}

fn titles(roles: &domain::RoleSet) -> String {
    roles
        .iter()
        .map(|r| r.title())
        .collect::<Vec<_>>()
        .join(", ")
}

struct Row {
    id: i64,
    name: String,
    job: String,
    roles: String,
    mobile: String,
}

#[derive(Template)]
#[template(path = "staff_list.html")]
struct ListPage {
    chrome: Chrome,
    schools: Vec<Choice>,
    school_id: i64,
    rows: Vec<Row>,
    may_add: bool,
    errors: Errors,
    values: Vec<(&'static str, String)>,
    roles: Vec<Choice>,
}

impl ListPage {
    fn value(&self, name: &str) -> &str {
        self.values
            .iter()
            .find(|(k, _)| *k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

#[derive(Deserialize)]
struct SchoolQuery {
    school_id: Option<i64>,
}

async fn page(
    ctx: &Ctx,
    school_id: Option<i64>,
    errors: Errors,
    f: Option<&FormData>,
) -> Result<ListPage, WebError> {
    let school = ctx.school(school_id).await?;
    let rows = uc::staff_list(&ctx.state, &ctx.me, Some(school.0))
        .await?
        .into_iter()
        .filter(|s| s.active)
        .map(|s| Row {
            id: s.id.0,
            name: s.name,
            job: s.job_title.unwrap_or_default(),
            roles: titles(&s.roles),
            mobile: crate::web::shown(s.mobile.as_ref()),
        })
        .collect();
    let chosen: Vec<&str> = f.map(|f| f.all("roles")).unwrap_or_default();
    let roles = Role::ALL
        .iter()
        .filter(|r| **r != Role::TrustAdmin || ctx.me.roles.has(Role::TrustAdmin))
        .map(|r| Choice::new(r.as_str(), r.title(), chosen.contains(&r.as_str())))
        .collect();
    let values = ["name", "email", "mobile", "job_title"]
        .into_iter()
        .map(|n| (n, f.map_or(String::new(), |f| f.get(n).to_string())))
        .collect();
    Ok(ListPage {
        chrome: ctx.chrome("staff"),
        schools: ctx.school_choices(school).await?,
        school_id: school.0,
        rows,
        may_add: ctx.me.roles.any_of(&SCHOOL_ADMINS),
        errors,
        values,
        roles,
    })
}

async fn list(ctx: Ctx, PageQuery(q): PageQuery<SchoolQuery>) -> Result<Response, WebError> {
    Ok(render(
        &page(&ctx, q.school_id, Errors::none(), None).await?,
    ))
}

/// The roles ticked on the form. Errors: `Invalid("roles")` for a value not on the list.
fn roles(f: &FormData) -> Result<Vec<Role>, Refusal> {
    f.all("roles")
        .into_iter()
        .map(|r| {
            r.parse::<Role>()
                .map_err(|_| Refusal::invalid("roles", format!("{r} is not a role")))
        })
        .collect()
}

async fn create(ctx: Ctx, f: FormData) -> Result<Response, WebError> {
    let school = f.get("school_id").parse::<i64>().ok();
    let created = match roles(&f) {
        Ok(roles) => {
            async {
                let input = NewStaffInput {
                    name: f.text("name")?,
                    email: f.get("email").to_string(),
                    mobile: f.opt("mobile").map(str::to_string),
                    job_title: f.opt_text("job_title")?,
                    roles,
                    password: f.get("password").to_string(),
                    school_id: school,
                };
                uc::create_staff(&ctx.state, &ctx.me, &input, ctx.state.now()).await
            }
            .await
        }
        Err(e) => Err(e),
    };
    match created {
        Ok(created) => Ok(see_other(&format!("/staff/{}", created.staff.id.0))),
        Err(e) if e.is_fixable() => {
            let errors = Errors::from_refusal(e, &[], "name");
            let page = page(&ctx, school, errors, Some(&f)).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

struct Document {
    label: &'static str,
    value: String,
    problem: bool,
}

struct VehicleView {
    registration: String,
    make_model: String,
    documents: Vec<Document>,
}

#[derive(Template)]
#[template(path = "staff.html")]
struct DetailPage {
    chrome: Chrome,
    errors: Errors,
    id: i64,
    name: String,
    facts: Vec<(&'static str, String)>,
    vehicles: Vec<VehicleView>,
    may_add_vehicle: bool,
    is_me: bool,
    pin_saved: bool,
    /// The head (for their school) or a trust administrator may issue a reset link and reset
    /// the authenticator (`app::accounts`, which decides again on the post).
    may_reset: bool,
    authenticator_reset: bool,
}

fn document(label: &'static str, date: Option<NaiveDate>, today: NaiveDate) -> Document {
    match date {
        Some(d) if d < today => Document {
            label,
            value: format!("EXPIRED on {}", d.format("%-d %b %Y")),
            problem: true,
        },
        Some(d) => Document {
            label,
            value: format!("valid until {}", d.format("%-d %b %Y")),
            problem: false,
        },
        None => Document {
            label,
            value: "not on file".into(),
            problem: true,
        },
    }
}

async fn build(
    ctx: &Ctx,
    id: i64,
    errors: Errors,
    pin_saved: bool,
) -> Result<DetailPage, WebError> {
    build_with(ctx, id, errors, pin_saved, false).await
}

async fn build_with(
    ctx: &Ctx,
    id: i64,
    errors: Errors,
    pin_saved: bool,
    authenticator_reset: bool,
) -> Result<DetailPage, WebError> {
    let s = uc::staff_member(&ctx.state, &ctx.me, StaffId(id)).await?;
    // Whom the page is about is decided first; its other reads run side by side.
    let (waiting, vehicles, local) = tokio::try_join!(
        async { Ok::<_, WebError>(uc::roles_awaiting_approval(&ctx.state, &ctx.me, s.id).await?) },
        async { Ok(uc::vehicles(&ctx.state, &ctx.me, s.id).await?) },
        ctx.local(),
    )?;
    let today = local.date_of(ctx.state.clock().now());
    let vehicles = vehicles
        .into_iter()
        .map(|v| VehicleView {
            registration: v.registration.to_string(),
            make_model: v.make_model.unwrap_or_default(),
            documents: vec![
                document("Driving licence", v.licence_expires, today),
                document("MOT", v.mot_expires, today),
                document("Insurance", v.insurance_expires, today),
                Document {
                    label: "Business use",
                    value: if v.business_insurance {
                        "insured".into()
                    } else {
                        "NOT insured for business use".into()
                    },
                    problem: !v.business_insurance,
                },
            ],
        })
        .collect();
    let is_me = s.id == ctx.me.id;
    let may_reset = !is_me
        && ctx.me.roles.any_of(&SCHOOL_ADMINS)
        && (ctx.me.roles.has(Role::TrustAdmin)
            || (s.school_id.is_some() && s.school_id == ctx.me.school_id));
    Ok(DetailPage {
        chrome: ctx.chrome("staff"),
        errors,
        id,
        facts: vec![
            ("Job", s.job_title.unwrap_or_default()),
            ("Roles", titles(&s.roles)),
            (
                "Waiting for approval",
                uc::awaiting_note(&waiting).unwrap_or_else(|| "nothing".into()),
            ),
            ("E-mail", s.email),
            (
                "Mobile",
                s.mobile
                    .map_or_else(|| "none on file".into(), |m| m.to_string()),
            ),
        ],
        name: s.name,
        vehicles,
        may_add_vehicle: is_me || ctx.me.roles.any_of(&STAFF_RECORD_KEEPERS),
        is_me,
        pin_saved,
        may_reset,
        authenticator_reset,
    })
}

#[derive(Deserialize)]
struct DetailQuery {
    pin: Option<String>,
    authenticator: Option<String>,
}

async fn detail(
    ctx: Ctx,
    Path(id): Path<i64>,
    PageQuery(q): PageQuery<DetailQuery>,
) -> Result<Response, WebError> {
    Ok(render(
        &build_with(
            &ctx,
            id,
            Errors::none(),
            q.pin.is_some(),
            q.authenticator.is_some(),
        )
        .await?,
    ))
}

/// A date typed on the vehicle form (`yyyy-mm-dd`); blank is none.
fn date(f: &FormData, name: &str) -> Result<Option<NaiveDate>, Refusal> {
    f.opt(name)
        .map(|d| {
            NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| Refusal::bad_request(name, "Enter a date"))
        })
        .transpose()
}

fn new_vehicle(f: &FormData) -> Result<NewVehicleInput, Refusal> {
    Ok(NewVehicleInput {
        registration: f.get("registration").to_string(),
        make_model: f.opt_text("make_model")?,
        licence_expires: date(f, "licence_expires")?,
        mot_expires: date(f, "mot_expires")?,
        insurance_expires: date(f, "insurance_expires")?,
        business_insurance: f.checked("business_insurance"),
    })
}

async fn add_vehicle(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    let added = match new_vehicle(&f) {
        Ok(input) => uc::add_vehicle(&ctx.state, &ctx.me, StaffId(id), &input)
            .await
            .map(drop),
        Err(e) => Err(e),
    };
    match added {
        Ok(()) => Ok(see_other(&format!("/staff/{id}"))),
        Err(e) if e.is_fixable() => {
            let errors = Errors::from_refusal(e, &[], "registration");
            let page = build(&ctx, id, errors, false).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

/// My covert duress PIN (D4), through the same use case and audit row as the JSON API's.
async fn duress_pin(ctx: Ctx, f: FormData) -> Result<Response, WebError> {
    let id = ctx.me.id.0;
    match uc::set_my_duress_pin(&ctx.state, &ctx.me, f.get("pin")).await {
        Ok(()) => Ok(see_other(&format!("/staff/{id}?pin=saved"))),
        Err(e) if e.is_fixable() => {
            let page = build(&ctx, id, Errors::from_refusal(e, &[], "pin"), false).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}
