//! Staff accounts and roles; vehicles and driver documents (P6).

use super::session::hash_password;
use crate::access::{require_any, school_in_scope};
use crate::permissions::{SCHOOL_ADMINS, STAFF_RECORD_KEEPERS};
use crate::{App, Refusal, Result, audit};
use chrono::{DateTime, NaiveDate, Utc};
use domain::inputs::{self, CarRegistration, PhoneNumber};
use domain::text::Line;
use domain::{FieldError, Role, RoleSet, StaffId};
use serde::{Deserialize, Serialize};
use serde_json::json;
use store::{NewStaff, NewVehicle, Staff, Vehicle};

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStaffInput {
    pub name: Line<200>,
    pub email: String,
    pub mobile: Option<String>,
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub job_title: Option<Line<200>>,
    pub roles: Vec<Role>,
    pub password: String,
    /// Omit for trust-level staff (trust administrators).
    pub school_id: Option<i64>,
}

/// Checked account details, ready to store.
pub struct ValidStaff {
    pub name: String,
    pub email: String,
    pub mobile: Option<String>,
    pub job_title: Option<String>,
    pub roles: RoleSet,
    pub password_hash: String,
}

/// Checks the account details and hashes the password (the rules of
/// [`crate::accounts::check_new_password`]).
/// Errors: `Invalid` naming `name`, `email`, `mobile`, `job_title`, `roles` or `password`.
pub async fn validate_staff(input: &NewStaffInput) -> Result<ValidStaff> {
    let name = input.name.to_string();
    let email = inputs::email("email", &input.email)?;
    let mobile = match input.mobile.as_deref() {
        Some(m) if !m.trim().is_empty() => Some(PhoneNumber::parse("mobile", m)?.to_string()),
        _ => None,
    };
    let job_title = input.job_title.as_deref().map(str::to_string);
    if input.roles.is_empty() {
        return Err(FieldError::new("roles", "give at least one role").into());
    }
    crate::accounts::check_new_password("password", &input.password, &input.email)?;
    let password_hash = hash_password(input.password.clone()).await?;
    Ok(ValidStaff {
        name,
        email,
        mobile,
        job_title,
        roles: RoleSet::new(input.roles.clone()),
        password_hash,
    })
}

/// Colleagues: the staff of the school named (or the person's own); a trust administrator who
/// names none gets the whole trust's. Errors: `Invalid("school_id")`.
pub async fn staff_list(app: &App, me: &Staff, school_id: Option<i64>) -> Result<Vec<Staff>> {
    let school = match (school_id, me.roles.has(Role::TrustAdmin)) {
        (None, true) => None,
        (named, _) => Some(school_in_scope(app, me, named).await?),
    };
    Ok(app.db().staff_list(me.trust_id, school).await?)
}

/// Adds a member of staff with their roles, audited as `staff.create`. The head adds their
/// school's staff; only a trust administrator makes a trust administrator or the chair of
/// governors. A senior role (head, DSL, chair of governors, trust administrator) given by anyone
/// but a trust administrator waits for a second person's approval
/// ([`crate::accounts::approve_grant`]); the account starts with the other roles. Errors: `Forbidden`; `Invalid` naming the field; `Conflict("email")` for an
/// address already in use.
pub async fn create_staff(
    app: &App,
    me: &Staff,
    input: &NewStaffInput,
    now: DateTime<Utc>,
) -> Result<StaffCreated> {
    require_any(me, &SCHOOL_ADMINS, "add staff")?;
    let trust_admin = me.roles.has(Role::TrustAdmin);
    let school = match input.school_id {
        Some(id) => Some(school_in_scope(app, me, Some(id)).await?),
        None if trust_admin => None,
        None => me.school_id,
    };
    if !trust_admin && input.roles.contains(&Role::TrustAdmin) {
        return Err(Refusal::forbidden(
            "only a trust administrator may make a trust administrator",
        ));
    }
    // The chair of governors reads allegations about the head (A10): the head, who adds the
    // school's staff, must not be able to make (and sign in as) one.
    if !trust_admin && input.roles.contains(&Role::ChairOfGovernors) {
        return Err(Refusal::forbidden(
            "only a trust administrator may add the chair of governors",
        ));
    }
    let valid = validate_staff(input).await?;
    let (roles_now, waiting) = crate::accounts::split_senior_roles(me, &valid.roles);
    let mut tx = app.db().begin().await?;
    let id = tx
        .create_staff(
            &NewStaff {
                trust: me.trust_id,
                school,
                name: &valid.name,
                email: &valid.email,
                mobile: valid.mobile.as_deref(),
                job_title: valid.job_title.as_deref(),
                password_hash: &valid.password_hash,
                roles: &roles_now,
            },
            now,
        )
        .await?;
    let e = audit::entry(
        app,
        me,
        "staff.create",
        "staff",
        id.0,
        school,
        json!({ "roles": roles_now, "waiting_for_approval": waiting }),
    );
    tx.append_audit(&e).await?;
    let created = tx.staff(id).await?;
    crate::accounts::request_grants(app, &mut tx, me, &created, &waiting, now).await?;
    tx.commit().await?;
    Ok(StaffCreated {
        staff: app.db().staff(id).await?,
        note: awaiting_note(&waiting),
        roles_awaiting_approval: waiting,
    })
}

/// A new member of staff as stored, and the senior roles asked for that are not theirs yet.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StaffCreated {
    #[serde(flatten)]
    pub staff: Staff,
    /// Senior roles (head, DSL, chair of governors, trust administrator) that wait for a second
    /// senior person's approval on the Approvals page (#12 item 3); `roles` lacks them until then.
    pub roles_awaiting_approval: Vec<Role>,
    /// The same in words, e.g. "Waiting for a second senior person's approval on the Approvals
    /// page: the designated safeguarding lead"; absent when nothing waits.
    pub note: Option<String>,
}

/// The waiting roles in a sentence, `None` when there are none.
pub fn awaiting_note(waiting: &[Role]) -> Option<String> {
    if waiting.is_empty() {
        return None;
    }
    let titles: Vec<&str> = waiting.iter().map(|r| r.title()).collect();
    Some(format!(
        "Waiting for a second senior person's approval on the Approvals page: {}",
        titles.join(", ")
    ))
}

/// The senior roles of a member of staff this person may see that still wait for approval.
/// Errors: `NotFound("member of staff")` as [`staff_member`].
pub async fn roles_awaiting_approval(app: &App, me: &Staff, id: StaffId) -> Result<Vec<Role>> {
    let other = staff_member(app, me, id).await?;
    let grants = app.db().pending_role_grants(other.trust_id).await?;
    Ok(grants
        .into_iter()
        .filter(|g| g.staff == other.id)
        .map(|g| g.role)
        .collect())
}

/// A member of staff this person may see: themself, colleagues of their school, trust-level
/// staff, and for a trust administrator anyone of the trust. Errors: `NotFound("member of staff")`.
pub async fn staff_member(app: &App, me: &Staff, id: StaffId) -> Result<Staff> {
    let other = app.db().staff(id).await?;
    let same_school = other.school_id.is_some() && other.school_id == me.school_id;
    let visible = other.trust_id == me.trust_id
        && (other.id == me.id
            || same_school
            || me.roles.has(Role::TrustAdmin)
            || other.school_id.is_none());
    if visible {
        Ok(other)
    } else {
        Err(Refusal::not_found("member of staff"))
    }
}

/// A driver's vehicles with their document expiry dates (P6).
pub async fn vehicles(app: &App, me: &Staff, driver: StaffId) -> Result<Vec<Vehicle>> {
    let driver = staff_member(app, me, driver).await?;
    Ok(app.db().vehicles_of(driver.id).await?)
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewVehicleInput {
    pub registration: String,
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub make_model: Option<Line<100>>,
    #[schema(value_type = Option<String>, format = Date)]
    pub licence_expires: Option<NaiveDate>,
    #[schema(value_type = Option<String>, format = Date)]
    pub mot_expires: Option<NaiveDate>,
    #[schema(value_type = Option<String>, format = Date)]
    pub insurance_expires: Option<NaiveDate>,
    pub business_insurance: bool,
}

/// Records a vehicle and its driver's documents (P6): the driver, or the office, the head or a
/// trust administrator for someone else. Audited as `vehicle.add`.
/// Errors: `Forbidden`; `Invalid("registration")`, `Invalid("make_model")`.
pub async fn add_vehicle(
    app: &App,
    me: &Staff,
    driver: StaffId,
    input: &NewVehicleInput,
) -> Result<Vehicle> {
    let driver = staff_member(app, me, driver).await?;
    if driver.id != me.id {
        require_any(me, &STAFF_RECORD_KEEPERS, "record another person's vehicle")?;
    }
    let registration = CarRegistration::parse("registration", &input.registration)?;
    let make_model = input.make_model.as_deref().map(str::to_string);
    let mut tx = app.db().begin().await?;
    let vehicle = tx
        .add_vehicle(&NewVehicle {
            staff: driver.id,
            registration: registration.as_str(),
            make_model: make_model.as_deref(),
            licence_expires: input.licence_expires,
            mot_expires: input.mot_expires,
            insurance_expires: input.insurance_expires,
            business_insurance: input.business_insurance,
        })
        .await?;
    let detail = json!({ "vehicle": vehicle.0, "registration": registration.as_str() });
    let e = audit::entry(
        app,
        me,
        "vehicle.add",
        "staff",
        driver.id.0,
        driver.school_id,
        detail,
    );
    tx.append_audit(&e).await?;
    tx.commit().await?;
    Ok(app.db().vehicle(vehicle).await?)
}

/// My covert duress PIN (D4, 4 to 12 digits), for the staff page: the safety use case
/// ([`crate::out_on_visit::set_duress_pin`]), which writes the PIN and its audit row in one
/// transaction. Errors: `Invalid("pin")`.
pub async fn set_my_duress_pin(app: &App, me: &Staff, pin: &str) -> Result<()> {
    crate::out_on_visit::set_duress_pin(app, me, pin, app.now()).await
}
