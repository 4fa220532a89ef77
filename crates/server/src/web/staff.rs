//! Staff, their roles, vehicles and driver documents (P6); my covert duress PIN (D4).

use super::form::FormData;
use super::page::{Choice, Chrome, Ctx, Errors, WebError, render, render_with, see_other};
use crate::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::NaiveDate;
use domain::Role;
use serde::Deserialize;
use serde_json::json;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff", get(list).post(create))
        .route("/staff/{id}", get(detail))
        .route("/staff/{id}/vehicles", post(add_vehicle))
        .route("/me/duress-pin", post(duress_pin))
}

fn titles(roles: &[String]) -> String {
    roles
        .iter()
        .map(|r| {
            r.parse::<Role>()
                .map_or(r.clone(), |r| r.title().to_string())
        })
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
    let rows = ctx
        .state
        .db()
        .staff_list(ctx.me.trust_id, Some(school))
        .await?
        .into_iter()
        .filter(|s| s.active)
        .map(|s| Row {
            id: s.id.0,
            name: s.name,
            job: s.job_title.unwrap_or_default(),
            roles: s
                .roles
                .iter()
                .map(|r| r.title())
                .collect::<Vec<_>>()
                .join(", "),
            mobile: s.mobile.unwrap_or_default(),
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
        may_add: ctx.me.roles.any_of(&[Role::Headteacher, Role::TrustAdmin]),
        errors,
        values,
        roles,
    })
}

async fn list(ctx: Ctx, Query(q): Query<SchoolQuery>) -> Result<Response, WebError> {
    Ok(render(
        &page(&ctx, q.school_id, Errors::none(), None).await?,
    ))
}

async fn create(ctx: Ctx, f: FormData) -> Result<Response, WebError> {
    let school = f.get("school_id").parse::<i64>().ok();
    let body = json!({
        "name": f.get("name"),
        "email": f.get("email"),
        "mobile": f.text_or_null("mobile"),
        "job_title": f.text_or_null("job_title"),
        "roles": f.all("roles"),
        "password": f.get("password"),
        "school_id": school,
    });
    match ctx.post("/api/staff", body).await {
        Ok(answer) => Ok(see_other(&format!(
            "/staff/{}",
            answer.body["id"].as_i64().unwrap_or_default()
        ))),
        Err(e) if e.is_fixable() => {
            let mut e = e;
            if e.field.as_deref().is_some_and(|f| f.starts_with("roles")) {
                e.field = Some("roles".into());
            }
            let page = page(
                &ctx,
                school,
                Errors::from_failure(&e, &[], "name"),
                Some(&f),
            )
            .await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct StaffJson {
    id: i64,
    name: String,
    email: String,
    mobile: Option<String>,
    job_title: Option<String>,
    roles: Vec<String>,
}

#[derive(Deserialize)]
struct VehicleJson {
    registration: String,
    make_model: Option<String>,
    licence_expires: Option<NaiveDate>,
    mot_expires: Option<NaiveDate>,
    insurance_expires: Option<NaiveDate>,
    business_insurance: bool,
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
    let s: StaffJson = ctx.get(&format!("/api/staff/{id}")).await?;
    let vehicles: Vec<VehicleJson> = ctx.get(&format!("/api/staff/{id}/vehicles")).await?;
    let today = ctx.local().await?.date_of(ctx.state.clock().now());
    let vehicles = vehicles
        .into_iter()
        .map(|v| VehicleView {
            registration: v.registration,
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
    let is_me = s.id == ctx.me.id.0;
    Ok(DetailPage {
        chrome: ctx.chrome("staff"),
        errors,
        id,
        facts: vec![
            ("Job", s.job_title.unwrap_or_default()),
            ("Roles", titles(&s.roles)),
            ("E-mail", s.email),
            ("Mobile", s.mobile.unwrap_or_else(|| "none on file".into())),
        ],
        name: s.name,
        vehicles,
        may_add_vehicle: is_me
            || ctx
                .me
                .roles
                .any_of(&[Role::Office, Role::Headteacher, Role::TrustAdmin]),
        is_me,
        pin_saved,
    })
}

#[derive(Deserialize)]
struct DetailQuery {
    pin: Option<String>,
}

async fn detail(
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<DetailQuery>,
) -> Result<Response, WebError> {
    Ok(render(
        &build(&ctx, id, Errors::none(), q.pin.is_some()).await?,
    ))
}

async fn add_vehicle(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    let date = |n: &str| f.opt(n).map(str::to_string);
    let body = json!({
        "registration": f.get("registration"),
        "make_model": f.text_or_null("make_model"),
        "licence_expires": date("licence_expires"),
        "mot_expires": date("mot_expires"),
        "insurance_expires": date("insurance_expires"),
        "business_insurance": f.checked("business_insurance"),
    });
    match ctx.post(&format!("/api/staff/{id}/vehicles"), body).await {
        Ok(_) => Ok(see_other(&format!("/staff/{id}"))),
        Err(e) if e.is_fixable() => {
            let page = build(
                &ctx,
                id,
                Errors::from_failure(&e, &[], "registration"),
                false,
            )
            .await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

async fn duress_pin(ctx: Ctx, f: FormData) -> Result<Response, WebError> {
    let id = ctx.me.id.0;
    match ctx
        .post("/api/me/duress-pin", json!({ "pin": f.get("pin") }))
        .await
    {
        Ok(_) => Ok(see_other(&format!("/staff/{id}?pin=saved"))),
        Err(e) if e.is_fixable() => {
            let page = build(&ctx, id, Errors::from_failure(&e, &[], "pin"), false).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}
