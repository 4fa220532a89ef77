//! Plan a visit, in the order a member of staff thinks it through: pupil and household → reason
//! and purpose → could they come in instead → appointment → staff, buddy, code word → travel →
//! planned times. Saving stores a draft through the API; from then on the policy check shows
//! every unmet rule in plain words, live with htmx as the plan changes, before it is requested.

use super::api::Failure;
use super::form::FormData;
use super::page::{Choice, Chrome, Ctx, Errors, WebError, render, render_with, see_other};
use super::policy::rules_in_words;
use super::time::{Local, iso};
use crate::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{DateTime, Duration, Timelike, Utc};
use domain::SchoolId;
use domain::policy::PolicySettings;
use serde::Deserialize;
use serde_json::{Value, json};
use store::Visit;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/visits/new", get(new_page).post(create))
        .route("/visits/{id}/edit", get(edit_page).post(update))
        .route("/visits/{id}/autosave", post(autosave))
}

const VISITOR_ROWS: usize = 3;

/// The plan as typed, kept as text so a refused form comes back exactly as it was sent.
#[derive(Debug, Clone, Default)]
pub struct PlanForm {
    pub pupil_id: String,
    pub reason_category: String,
    pub purpose: String,
    pub parents_could_come_in: String,
    pub parents_come_in_note: String,
    pub appointment: String,
    pub agenda: String,
    pub unannounced_reason: String,
    pub expect_to_see: String,
    pub visitors: Vec<(String, String)>,
    pub buddy_staff_id: String,
    pub backup_staff_id: String,
    pub code_word: String,
    pub vehicle_id: String,
    pub joint_agency: String,
    pub transporting: bool,
    pub pupil_age_years: String,
    pub pupil_height_cm: String,
    pub car_seat: bool,
    pub rear_seat: bool,
    pub visit_date: String,
    pub planned_leave_school: String,
    pub planned_arrive: String,
    pub planned_leave_property: String,
    pub planned_return: String,
    pub returns_to: String,
    pub revision: String,
}

fn opt_id(v: Option<i64>) -> String {
    v.map(|i| i.to_string()).unwrap_or_default()
}

impl PlanForm {
    fn blank(me: &store::Staff, now: DateTime<Utc>, local: &Local) -> Self {
        // Leave on the next half hour, at least 30 minutes from now.
        let start = now + Duration::minutes(30);
        let start = start
            - Duration::minutes(i64::from(start.minute() % 30))
            - Duration::seconds(i64::from(start.second()));
        let mut visitors = vec![(
            me.id.0.to_string(),
            me.job_title
                .clone()
                .unwrap_or_else(|| "visiting staff".into()),
        )];
        visitors.resize(VISITOR_ROWS, (String::new(), String::new()));
        PlanForm {
            appointment: "agreed".into(),
            returns_to: "school".into(),
            rear_seat: true,
            visitors,
            visit_date: local.date_input(start),
            planned_leave_school: local.time_input(start),
            planned_arrive: local.time_input(start + Duration::minutes(15)),
            planned_leave_property: local.time_input(start + Duration::minutes(60)),
            planned_return: local.time_input(start + Duration::minutes(75)),
            ..Default::default()
        }
    }

    fn of_visit(v: &Visit, local: &Local) -> Self {
        let mut visitors: Vec<(String, String)> = v
            .staff
            .iter()
            .map(|s| (s.staff_id.0.to_string(), s.role_on_visit.clone()))
            .collect();
        visitors.resize(
            VISITOR_ROWS.max(visitors.len()),
            (String::new(), String::new()),
        );
        let t = v.transport.as_ref().map(|t| &t.0);
        PlanForm {
            pupil_id: v.pupil_id.0.to_string(),
            reason_category: v.reason_category.clone(),
            purpose: v.purpose.clone(),
            parents_could_come_in: match v.parents_could_come_in {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => String::new(),
            },
            parents_come_in_note: v.parents_come_in_note.clone().unwrap_or_default(),
            appointment: v.appointment.clone(),
            agenda: v.agenda.clone().unwrap_or_default(),
            unannounced_reason: v.unannounced_reason.clone().unwrap_or_default(),
            expect_to_see: v.expect_to_see.clone().unwrap_or_default(),
            visitors,
            buddy_staff_id: opt_id(v.buddy_staff_id),
            backup_staff_id: opt_id(v.backup_staff_id),
            code_word: v.code_word.clone().unwrap_or_default(),
            vehicle_id: opt_id(v.vehicle_id),
            joint_agency: v.joint_agency.clone().unwrap_or_default(),
            transporting: t.is_some(),
            pupil_age_years: t
                .and_then(|t| t.pupil_age_years)
                .map(|a| a.to_string())
                .unwrap_or_default(),
            pupil_height_cm: t
                .and_then(|t| t.pupil_height_cm)
                .map(|a| a.to_string())
                .unwrap_or_default(),
            car_seat: t.is_some_and(|t| t.car_seat),
            rear_seat: t.is_none_or(|t| t.rear_seat),
            visit_date: local.date_input(v.planned_leave_school),
            planned_leave_school: local.time_input(v.planned_leave_school),
            planned_arrive: local.time_input(v.planned_arrive),
            planned_leave_property: local.time_input(v.planned_leave_property),
            planned_return: local.time_input(v.planned_return),
            returns_to: v.returns_to.clone(),
            revision: v.revision.to_string(),
        }
    }

    fn of_form(f: &FormData) -> Self {
        let visitors = (0..VISITOR_ROWS)
            .map(|i| {
                (
                    f.get(&format!("visitors[{i}].staff_id")).to_string(),
                    f.get(&format!("visitors[{i}].role_on_visit")).to_string(),
                )
            })
            .collect();
        let s = |n: &str| f.get(n).to_string();
        PlanForm {
            pupil_id: s("pupil_id"),
            reason_category: s("reason_category"),
            purpose: s("purpose"),
            parents_could_come_in: s("parents_could_come_in"),
            parents_come_in_note: s("parents_come_in_note"),
            appointment: s("appointment"),
            agenda: s("appointment.agenda"),
            unannounced_reason: s("appointment.reason"),
            expect_to_see: s("expect_to_see"),
            visitors,
            buddy_staff_id: s("buddy_staff_id"),
            backup_staff_id: s("backup_staff_id"),
            code_word: s("code_word"),
            vehicle_id: s("vehicle_id"),
            joint_agency: s("joint_agency"),
            transporting: f.checked("transporting"),
            pupil_age_years: s("transport.pupil_age_years"),
            pupil_height_cm: s("transport.pupil_height_cm"),
            car_seat: f.checked("transport.car_seat"),
            rear_seat: f.checked("transport.rear_seat"),
            visit_date: s("visit_date"),
            planned_leave_school: s("planned_leave_school"),
            planned_arrive: s("planned_arrive"),
            planned_leave_property: s("planned_leave_property"),
            planned_return: s("planned_return"),
            returns_to: s("returns_to"),
            revision: s("revision"),
        }
    }

    /// The API's JSON, and for each visitor sent the form row it came from. Problems the API
    /// cannot see (an unreadable time) are named here.
    fn to_json(&self, local: &Local) -> Result<(Value, Vec<usize>), Errors> {
        let mut errors = Errors::none();
        let id = |errors: &mut Errors, field: &str, v: &str, what: &str| -> Option<i64> {
            if v.is_empty() {
                return None;
            }
            match v.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors.add(field, format!("Choose {what} from the list"));
                    None
                }
            }
        };
        let pupil = id(&mut errors, "pupil_id", &self.pupil_id, "the pupil");
        if self.pupil_id.is_empty() {
            errors.add("pupil_id", "Choose the pupil the visit is about");
        }
        if self.visit_date.is_empty() {
            errors.add("visit_date", "Enter the date of the visit");
        }
        let mut at = |field: &str, time: &str, label: &str| {
            let parsed = local.parse(&self.visit_date, time);
            if parsed.is_none() && !self.visit_date.is_empty() {
                errors.add(field, format!("Enter {label} as a time, like 14:30"));
            }
            parsed.map(iso)
        };
        let leave = at(
            "planned_leave_school",
            &self.planned_leave_school,
            "when you leave school",
        );
        let arrive = at("planned_arrive", &self.planned_arrive, "when you arrive");
        let leave_property = at(
            "planned_leave_property",
            &self.planned_leave_property,
            "when you leave the house",
        );
        let back = at(
            "planned_return",
            &self.planned_return,
            "when you will be back",
        );
        let mut rows = Vec::new();
        let mut visitors = Vec::new();
        for (i, (staff, role)) in self.visitors.iter().enumerate() {
            if staff.is_empty() {
                continue;
            }
            let field = format!("visitors[{i}].staff_id");
            if let Some(sid) = id(&mut errors, &field, staff, "a member of staff") {
                rows.push(i);
                visitors.push(json!({ "staff_id": sid, "role_on_visit": role }));
            }
        }
        let buddy = id(
            &mut errors,
            "buddy_staff_id",
            &self.buddy_staff_id,
            "the buddy",
        );
        let backup = id(
            &mut errors,
            "backup_staff_id",
            &self.backup_staff_id,
            "who backs up",
        );
        let vehicle = id(&mut errors, "vehicle_id", &self.vehicle_id, "the vehicle");
        let number = |errors: &mut Errors, field: &str, v: &str| -> Option<u32> {
            if v.is_empty() {
                return None;
            }
            v.parse::<u32>().ok().or_else(|| {
                errors.add(field, "Enter a whole number");
                None
            })
        };
        let transport = if self.transporting {
            json!({
                "pupil_age_years": number(&mut errors, "transport.pupil_age_years", &self.pupil_age_years),
                "pupil_height_cm": number(&mut errors, "transport.pupil_height_cm", &self.pupil_height_cm),
                "car_seat": self.car_seat,
                "rear_seat": self.rear_seat,
            })
        } else {
            Value::Null
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        let text = |v: &str| if v.is_empty() { Value::Null } else { v.into() };
        let appointment = if self.appointment == "unannounced" {
            json!({ "kind": "unannounced", "reason": self.unannounced_reason })
        } else {
            json!({ "kind": "agreed", "agenda": text(&self.agenda) })
        };
        let body = json!({
            "pupil_id": pupil,
            "reason_category": self.reason_category,
            "purpose": self.purpose,
            "parents_could_come_in": match self.parents_could_come_in.as_str() {
                "yes" => Value::Bool(true),
                "no" => Value::Bool(false),
                _ => Value::Null,
            },
            "parents_come_in_note": text(&self.parents_come_in_note),
            "appointment": appointment,
            "expect_to_see": text(&self.expect_to_see),
            "planned_leave_school": leave,
            "planned_arrive": arrive,
            "planned_leave_property": leave_property,
            "planned_return": back,
            "returns_to": if self.returns_to == "home" { "home" } else { "school" },
            "joint_agency": text(&self.joint_agency),
            "transport": transport,
            "visitors": visitors,
            "buddy_staff_id": buddy,
            "backup_staff_id": backup,
            "code_word": text(&self.code_word),
            "vehicle_id": vehicle,
        });
        Ok((body, rows))
    }
}

/// The API names visitors by their place among those sent; the form by its row.
fn place_errors(f: &Failure, rows: &[usize]) -> Errors {
    let mut failure = f.clone();
    if let Some(field) = &failure.field
        && let Some(rest) = field.strip_prefix("visitors[")
        && let Some((n, tail)) = rest.split_once(']')
        && let Ok(n) = n.parse::<usize>()
        && let Some(row) = rows.get(n)
    {
        failure.field = Some(format!("visitors[{row}]{tail}"));
    }
    if failure.field.as_deref() == Some("visitors") {
        failure.field = Some("visitors[0].staff_id".into());
    }
    match failure.field.as_deref() {
        Some("appointment.reason" | "appointment.agenda" | "appointment") => {}
        Some(f) if f.starts_with("appointment.") => failure.field = Some("appointment".into()),
        _ => {}
    }
    Errors::from_failure(&failure, &[], "")
}

/// Everything the plan form offers to choose from.
pub struct Options {
    pub pupils: Vec<Choice>,
    pub reasons: Vec<Choice>,
    pub staff: Vec<(String, String)>,
    pub vehicles: Vec<(String, String)>,
    pub rules: Vec<String>,
}

async fn options(ctx: &Ctx, school: SchoolId, form: &PlanForm) -> Result<Options, WebError> {
    let db = ctx.state.db();
    let policy = db.current_policy(school).await?;
    let households = db.households_of_school(school).await?;
    let mut pupils = vec![Choice::new(
        "",
        "Choose the pupil",
        form.pupil_id.is_empty(),
    )];
    for p in db.pupils_of_school(school).await? {
        let h = households.iter().find(|h| h.id == p.household_id);
        let label = format!(
            "{}{} — {} family, {}",
            p.name,
            p.year_group
                .as_deref()
                .map(|y| format!(" ({y})"))
                .unwrap_or_default(),
            h.map_or("", |h| h.family_name.as_str()),
            h.map_or("", |h| h.postcode.as_str()),
        );
        let value = p.id.0.to_string();
        let selected = value == form.pupil_id;
        pupils.push(Choice::new(value, label, selected));
    }
    let reasons = std::iter::once(Choice::new(
        "",
        "Choose a reason",
        form.reason_category.is_empty(),
    ))
    .chain(policy.settings.reason_categories.iter().map(|c| {
        Choice::new(
            c.key.clone(),
            c.label.clone(),
            c.key == form.reason_category,
        )
    }))
    .collect();
    let colleagues: Vec<_> = db
        .staff_list(ctx.me.trust_id, Some(school))
        .await?
        .into_iter()
        .filter(|s| s.active)
        .collect();
    let vehicles = db
        .vehicles_of_school(school)
        .await?
        .into_iter()
        .map(|v| {
            let driver = colleagues
                .iter()
                .find(|s| s.id == v.staff_id)
                .map_or("", |s| s.name.as_str());
            (
                v.id.0.to_string(),
                format!(
                    "{} — {} ({driver})",
                    v.registration,
                    v.make_model.as_deref().unwrap_or("vehicle")
                ),
            )
        })
        .collect();
    let staff = colleagues
        .into_iter()
        .map(|s| {
            let label = match &s.job_title {
                Some(t) => format!("{} — {t}", s.name),
                None => s.name.clone(),
            };
            (s.id.0.to_string(), label)
        })
        .collect();
    Ok(Options {
        pupils,
        reasons,
        staff,
        vehicles,
        rules: rules_in_words(&policy.settings),
    })
}

/// `(value, label, selected)` for a select with a blank first entry.
fn pick(all: &[(String, String)], blank: &str, current: &str) -> Vec<Choice> {
    std::iter::once(Choice::new("", blank, current.is_empty()))
        .chain(
            all.iter()
                .map(|(v, l)| Choice::new(v.clone(), l.clone(), v == current)),
        )
        .collect()
}

pub struct VisitorRow {
    pub staff_field: String,
    pub role_field: String,
    pub label: String,
    pub staff: Vec<Choice>,
    pub role: String,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    chrome: Chrome,
    visit_id: i64,
    form: PlanForm,
    errors: Errors,
    pupils: Vec<Choice>,
    reasons: Vec<Choice>,
    visitor_rows: Vec<VisitorRow>,
    buddies: Vec<Choice>,
    backups: Vec<Choice>,
    vehicles: Vec<Choice>,
    rules: Vec<String>,
    check: Option<PolicyPanel>,
    yes_no: Vec<Choice>,
    appointments: Vec<Choice>,
    returns: Vec<Choice>,
    code_word_hidden: bool,
}

impl PlanForm {
    fn yes_no(&self) -> Vec<Choice> {
        let v = self.parents_could_come_in.as_str();
        vec![
            Choice::new("no", "No — a visit is needed", v == "no"),
            Choice::new("yes", "Yes — they could come into school", v == "yes"),
        ]
    }
    fn appointments(&self) -> Vec<Choice> {
        let v = self.appointment.as_str();
        vec![
            Choice::new("agreed", "Agreed with the family", v != "unannounced"),
            Choice::new("unannounced", "Unannounced", v == "unannounced"),
        ]
    }
    fn returns(&self) -> Vec<Choice> {
        let v = self.returns_to.as_str();
        vec![
            Choice::new("school", "Back to school", v != "home"),
            Choice::new("home", "Home afterwards", v == "home"),
        ]
    }
}

/// The policy check beside the plan: every unmet rule, in the policy's words.
#[derive(Template)]
#[template(path = "policy_panel.html")]
pub struct PolicyPanel {
    pub stage: String,
    pub unmet: Vec<super::api::Unmet>,
    pub revision: String,
    pub note: String,
}

#[derive(Deserialize)]
struct PolicyCheckJson {
    stage: String,
    unmet: Vec<super::api::Unmet>,
}

/// The API's policy check of a stored visit, at its next stage.
pub async fn policy_panel(ctx: &Ctx, visit: &Visit, note: &str) -> Result<PolicyPanel, WebError> {
    let check: PolicyCheckJson = ctx
        .get(&format!("/api/visits/{}/policy-check", visit.id))
        .await?;
    Ok(PolicyPanel {
        stage: match check.stage.as_str() {
            "authorise" => "before it is authorised",
            "sign_out" => "before anyone leaves",
            _ => "before it is requested",
        }
        .to_string(),
        // Whether the person looking may authorise is not the plan's problem.
        unmet: check
            .unmet
            .into_iter()
            .filter(|u| u.requirement != "P9")
            .collect(),
        revision: visit.revision.to_string(),
        note: note.to_string(),
    })
}

async fn page(
    ctx: &Ctx,
    school: SchoolId,
    visit: Option<&Visit>,
    form: PlanForm,
    errors: Errors,
) -> Result<PlanPage, WebError> {
    let o = options(ctx, school, &form).await?;
    let visitor_rows = form
        .visitors
        .iter()
        .enumerate()
        .map(|(index, (staff, role))| VisitorRow {
            staff_field: format!("visitors[{index}].staff_id"),
            role_field: format!("visitors[{index}].role_on_visit"),
            label: format!("Visiting staff {}", index + 1),
            staff: pick(
                &o.staff,
                if index == 0 {
                    "Choose who goes"
                } else {
                    "Nobody else"
                },
                staff,
            ),
            role: role.clone(),
        })
        .collect();
    let check = match visit {
        Some(v) => Some(policy_panel(ctx, v, "").await?),
        None => None,
    };
    Ok(PlanPage {
        chrome: ctx.chrome("plan"),
        visit_id: visit.map_or(0, |v| v.id.0),
        buddies: pick(&o.staff, "No buddy", &form.buddy_staff_id),
        backups: pick(&o.staff, "Nobody else", &form.backup_staff_id),
        vehicles: pick(
            &o.vehicles,
            "No car (walking or public transport)",
            &form.vehicle_id,
        ),
        visitor_rows,
        pupils: o.pupils,
        reasons: o.reasons,
        rules: o.rules,
        check,
        yes_no: form.yes_no(),
        appointments: form.appointments(),
        returns: form.returns(),
        code_word_hidden: visit.is_some_and(|v| !v.involves(ctx.me.id)),
        form,
        errors,
    })
}

#[derive(Deserialize)]
struct NewQuery {
    school_id: Option<i64>,
    pupil_id: Option<i64>,
}

async fn new_page(ctx: Ctx, Query(q): Query<NewQuery>) -> Result<Response, WebError> {
    let school = ctx.school(q.school_id).await?;
    let local = ctx.local().await?;
    let mut form = PlanForm::blank(&ctx.me, ctx.state.clock().now(), &local);
    form.pupil_id = opt_id(q.pupil_id);
    Ok(render(
        &page(&ctx, school, None, form, Errors::none()).await?,
    ))
}

async fn create(ctx: Ctx, f: FormData) -> Result<Response, WebError> {
    let form = PlanForm::of_form(&f);
    let school = match form.pupil_id.parse::<i64>() {
        Ok(p) => match ctx.state.db().pupil(domain::PupilId(p)).await {
            Ok(pupil) => pupil.school_id,
            Err(_) => ctx.school(None).await?,
        },
        Err(_) => ctx.school(None).await?,
    };
    let local = Local::of(&ctx.state.db().current_policy(school).await?.settings);
    let errors = match form.to_json(&local) {
        Ok((body, rows)) => match ctx.post("/api/visits", body).await {
            Ok(answer) => {
                let id = answer.body["visit"]["id"].as_i64().unwrap_or_default();
                return Ok(see_other(&format!("/visits/{id}?saved=1")));
            }
            Err(f) if f.is_fixable() => place_errors(&f, &rows),
            Err(f) => return Err(f.into()),
        },
        Err(e) => e,
    };
    let page = page(&ctx, school, None, form, errors).await?;
    Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

async fn editable(ctx: &Ctx, id: i64) -> Result<Visit, WebError> {
    super::visit::seen_visit(ctx, id).await
}

async fn edit_page(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, WebError> {
    let visit = editable(&ctx, id).await?;
    if !visit.state.is_editable() {
        return Ok(see_other(&format!("/visits/{id}")));
    }
    let policy = ctx
        .state
        .db()
        .policy_version(visit.policy_version_id)
        .await?;
    let form = PlanForm::of_visit(&visit, &Local::of(&policy.settings));
    let school = visit.school_id;
    Ok(render(
        &page(&ctx, school, Some(&visit), form, Errors::none()).await?,
    ))
}

/// Saves the plan through the API (`PUT /api/visits/{id}`), naming the revision edited.
async fn save(
    ctx: &Ctx,
    visit: &Visit,
    settings: &PolicySettings,
    form: &PlanForm,
) -> Result<Result<(), Errors>, WebError> {
    let (mut body, rows) = match form.to_json(&Local::of(settings)) {
        Ok(ok) => ok,
        Err(e) => return Ok(Err(e)),
    };
    // The code word is shown only to the people on the visit (P5): someone else changing the
    // plan keeps it without seeing it.
    if !visit.involves(ctx.me.id) {
        body["code_word"] = ctx.state.db().visit(visit.id).await?.code_word.into();
    }
    body["revision"] = form
        .revision
        .parse::<i64>()
        .unwrap_or(visit.revision)
        .into();
    let path = format!("/api/visits/{}", visit.id);
    let mut result = ctx.call(Method::PUT, &path, Some(&body)).await;
    // The page's own autosave may have moved the revision a moment before Save was pressed:
    // that is not "someone else", so save again on top of it.
    if let Err(f) = &result
        && f.field.as_deref() == Some("revision")
        && own_autosave(ctx, visit).await?
    {
        body["revision"] = ctx.state.db().visit(visit.id).await?.revision.into();
        result = ctx.call(Method::PUT, &path, Some(&body)).await;
    }
    match result {
        Ok(_) => Ok(Ok(())),
        Err(f) if f.is_fixable() => Ok(Err(place_errors(&f, &rows))),
        Err(f) => Err(f.into()),
    }
}

/// Whether the last change to the plan was this person's, in the last few minutes.
async fn own_autosave(ctx: &Ctx, visit: &Visit) -> Result<bool, WebError> {
    let events = ctx.state.db().visit_events(visit.id).await?;
    let recent = ctx.state.clock().now() - Duration::minutes(5);
    Ok(events.last().is_some_and(|e| {
        e.step == "plan_changed" && e.actor_staff_id == Some(ctx.me.id.0) && e.at >= recent
    }))
}

async fn update(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    let visit = editable(&ctx, id).await?;
    let policy = ctx
        .state
        .db()
        .policy_version(visit.policy_version_id)
        .await?;
    let form = PlanForm::of_form(&f);
    match save(&ctx, &visit, &policy.settings, &form).await? {
        Ok(()) => Ok(see_other(&format!("/visits/{id}?saved=1"))),
        Err(errors) => {
            let page = page(&ctx, visit.school_id, Some(&visit), form, errors).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}

/// htmx: saves the draft as it changes and answers with the policy check (and the new revision).
async fn autosave(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    let visit = editable(&ctx, id).await?;
    let policy = ctx
        .state
        .db()
        .policy_version(visit.policy_version_id)
        .await?;
    let form = PlanForm::of_form(&f);
    let note = match save(&ctx, &visit, &policy.settings, &form).await? {
        Ok(()) => "Saved.".to_string(),
        Err(errors) => {
            let first = errors
                .list
                .first()
                .map_or(String::new(), |m| m.message.clone());
            format!("Not saved yet: {first}")
        }
    };
    let visit = ctx.state.db().visit(visit.id).await?;
    Ok(render(&policy_panel(&ctx, &visit, &note).await?))
}
