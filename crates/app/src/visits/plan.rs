//! A visit plan as submitted, checked field by field into a [`store::NewVisit`]. The reads run
//! inside the use case's transaction; which school the pupil belongs to is an access decision
//! ([`crate::access::school_in_scope`]) taken before it.

use crate::access::{found, school_in_scope};
use crate::{App, Refusal, Result};
use chrono::{DateTime, Duration, Utc};
use domain::text::{Line, MultiLine};
use domain::visit::{ReturnsTo, TransportPlan};
use domain::{FieldError, PupilId, SchoolId, StaffId, VehicleId, VisitId};
use serde::Deserialize;
use store::{PolicyVersion, Pupil, Staff, Tx, VisitorOnPlan};

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum AppointmentInput {
    /// P4: agreed with the family.
    Agreed {
        #[serde(default, deserialize_with = "domain::text::blank_as_none")]
        agenda: Option<MultiLine<2000>>,
    },
    /// P4: unannounced, with the reason recorded.
    Unannounced { reason: MultiLine<1000> },
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitorInput {
    pub staff_id: i64,
    /// e.g. "class teacher", "family liaison officer".
    pub role_on_visit: Line<100>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitPlanInput {
    pub pupil_id: i64,
    pub reason_category: String,
    pub purpose: MultiLine<2000>,
    /// P2: could the parents come into school instead?
    pub parents_could_come_in: Option<bool>,
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub parents_come_in_note: Option<MultiLine<1000>>,
    pub appointment: AppointmentInput,
    /// Who the visit expects to see.
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub expect_to_see: Option<Line<500>>,
    pub planned_leave_school: DateTime<Utc>,
    pub planned_arrive: DateTime<Utc>,
    /// When the visitors leave the house. Left out: arrival plus the reason's usual length
    /// (`reasons.<key>.visit_minutes`, e.g. St Joseph's nursery visits: 30 minutes); refused
    /// naming this field when the policy sets no length for the reason.
    #[serde(default)]
    pub planned_leave_property: Option<DateTime<Utc>>,
    /// When the visitors are back. Left out: leaving the house plus the journey out again.
    #[serde(default)]
    pub planned_return: Option<DateTime<Utc>>,
    pub returns_to: ReturnsTo,
    /// Another agency's professional attending at the same time (e.g. "Education Welfare Officer").
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub joint_agency: Option<Line<200>>,
    pub transport: Option<TransportPlan>,
    pub visitors: Vec<VisitorInput>,
    pub buddy_staff_id: Option<i64>,
    /// Someone at school for the whole visit to back up and report back to, if not the buddy.
    pub backup_staff_id: Option<i64>,
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub code_word: Option<Line<200>>,
    /// The vehicle used; its owner is the driver and must be on the visit.
    pub vehicle_id: Option<i64>,
}

/// Everything in the plan, checked, with owned strings for the store.
pub struct CheckedPlan {
    pub school: SchoolId,
    pub pupil: Pupil,
    pub policy: PolicyVersion,
    pub reason_category: String,
    pub purpose: String,
    pub parents_come_in_note: Option<String>,
    pub appointment: &'static str,
    pub agenda: Option<String>,
    pub unannounced_reason: Option<String>,
    pub expect_to_see: Option<String>,
    pub joint_agency: Option<String>,
    pub code_word: Option<String>,
    pub visitors: Vec<VisitorOnPlan>,
    pub vehicle: Option<VehicleId>,
    pub first_visit: bool,
    /// Leave the house and back (UTC), as typed or filled from the reason's usual length.
    pub planned_leave_property: DateTime<Utc>,
    pub planned_return: DateTime<Utc>,
}

const MAX_VISITORS: usize = 6;

/// A member of staff named in the plan: active, at this school. A store fault stays a fault.
async fn colleague(tx: &mut Tx, school: SchoolId, id: i64, field: &str) -> Result<Staff> {
    let Some(staff) = found(tx.staff(StaffId(id)).await)? else {
        return Err(FieldError::new(field, "no such member of staff").into());
    };
    if staff.school_id != Some(school) || !staff.active {
        return Err(
            FieldError::new(field, "is not an active member of staff at this school").into(),
        );
    }
    Ok(staff)
}

/// The pupil the plan is about and their school, if this person works there.
/// Errors: `Invalid("pupil_id", "Choose a pupil on your school's roll")` for a pupil that does not exist or is of a
/// school they do not work in; a store fault is `Internal`.
pub async fn pupil_in_scope(app: &App, me: &Staff, id: i64) -> Result<(Pupil, SchoolId)> {
    let no_such = || {
        Refusal::from(FieldError::new(
            "pupil_id",
            "Choose a pupil on your school's roll",
        ))
    };
    let Some(pupil) = found(app.db().pupil(PupilId(id)).await)? else {
        return Err(no_such());
    };
    match school_in_scope(app, me, Some(pupil.school_id.0)).await {
        Ok(school) => Ok((pupil, school)),
        Err(Refusal::Invalid { field, .. }) if field == "school_id" => Err(no_such()),
        Err(e) => Err(e),
    }
}

/// Checks the plan field by field, reading inside `tx`: the school's policy in force, the staff,
/// the vehicle. `pupil` and `school` come from [`pupil_in_scope`]; `visit` is the visit being
/// changed (so its own arrival does not count as a visit before). `now`: UTC.
/// Errors: `Invalid` naming the first field that is wrong, in the order the form asks.
pub async fn check(
    tx: &mut Tx,
    (pupil, school): (Pupil, SchoolId),
    input: &VisitPlanInput,
    visit: Option<VisitId>,
    now: DateTime<Utc>,
) -> Result<CheckedPlan> {
    let policy = tx.current_policy(school).await?;
    if policy.settings.category(&input.reason_category).is_none() {
        let keys: Vec<_> = policy
            .settings
            .reason_categories
            .iter()
            .map(|c| c.key.as_str())
            .collect();
        return Err(FieldError::new(
            "reason_category",
            format!("is not one of this school's reasons: {}", keys.join(", ")),
        )
        .into());
    }
    let purpose = input.purpose.to_string();
    let parents_come_in_note = input.parents_come_in_note.as_deref().map(str::to_string);
    let (appointment, agenda, unannounced_reason) = match &input.appointment {
        AppointmentInput::Agreed { agenda } => {
            ("agreed", agenda.as_deref().map(str::to_string), None)
        }
        AppointmentInput::Unannounced { reason } => ("unannounced", None, Some(reason.to_string())),
    };
    let expect_to_see = input.expect_to_see.as_deref().map(str::to_string);
    let joint_agency = input.joint_agency.as_deref().map(str::to_string);
    let code_word = input.code_word.as_deref().map(str::to_string);
    let (planned_leave_property, planned_return) = end_times(&policy.settings, input)?;
    check_times(input, planned_leave_property, planned_return, now)?;
    super::not_past::still_ahead(
        planned_leave_property,
        planned_return,
        now,
        policy.settings.tz(),
    )?;
    if let Some(t) = &input.transport {
        if t.pupil_age_years.is_some_and(|a| a > 25) {
            return Err(
                FieldError::new("transport.pupil_age_years", "is not a pupil's age").into(),
            );
        }
        if t.pupil_height_cm.is_some_and(|h| !(30..=250).contains(&h)) {
            return Err(FieldError::new(
                "transport.pupil_height_cm",
                "must be between 30 and 250 cm",
            )
            .into());
        }
    }

    if input.visitors.is_empty() {
        return Err(FieldError::new("visitors", "name the staff making the visit").into());
    }
    if input.visitors.len() > MAX_VISITORS {
        return Err(FieldError::new(
            "visitors",
            format!("at most {MAX_VISITORS} staff on one visit"),
        )
        .into());
    }
    let vehicle = match input.vehicle_id {
        Some(id) => match found(tx.vehicle(VehicleId(id)).await)? {
            Some(v) => Some(v),
            None => return Err(FieldError::new("vehicle_id", "no such vehicle").into()),
        },
        None => None,
    };
    let mut visitors: Vec<VisitorOnPlan> = Vec::new();
    for (i, v) in input.visitors.iter().enumerate() {
        let field = format!("visitors[{i}].staff_id");
        let staff = colleague(tx, school, v.staff_id, &field).await?;
        if visitors.iter().any(|x| x.staff == staff.id) {
            return Err(
                FieldError::new(field, "this member of staff is already on the visit").into(),
            );
        }
        let role_on_visit = v.role_on_visit.to_string();
        visitors.push(VisitorOnPlan {
            staff: staff.id,
            role_on_visit,
            is_driver: vehicle.as_ref().is_some_and(|veh| veh.staff_id == staff.id),
        });
    }
    if vehicle.is_some() && !visitors.iter().any(|v| v.is_driver) {
        return Err(FieldError::new(
            "vehicle_id",
            "the vehicle's driver must be one of the visiting staff",
        )
        .into());
    }
    for (field, id) in [
        ("buddy_staff_id", input.buddy_staff_id),
        ("backup_staff_id", input.backup_staff_id),
    ] {
        if let Some(id) = id {
            let person = colleague(tx, school, id, field).await?;
            if visitors.iter().any(|v| v.staff.0 == id) {
                return Err(FieldError::new(
                    field,
                    "must be someone staying at school, not one of the visiting staff",
                )
                .into());
            }
            // The buddy is the person the visitors phone (A4): based at school, with a mobile.
            if field == "buddy_staff_id" {
                let going: Vec<StaffId> = visitors.iter().map(|v| v.staff).collect();
                crate::access::may_be_buddy(&person, school, &going)
                    .map_err(|why| FieldError::new(field, why))?;
            }
        }
    }
    let first_visit = !tx
        .household_visited_before(pupil.household_id, visit)
        .await?;
    Ok(CheckedPlan {
        school,
        policy,
        reason_category: input.reason_category.clone(),
        purpose,
        parents_come_in_note,
        appointment,
        agenda,
        unannounced_reason,
        expect_to_see,
        joint_agency,
        code_word,
        visitors,
        vehicle: vehicle.map(|v| v.id),
        first_visit,
        pupil,
        planned_leave_property,
        planned_return,
    })
}

/// The end times as typed, or filled in: leaving the house from the reason's usual length,
/// back from the journey out taken again (the same road home).
fn end_times(
    policy: &domain::policy::PolicySettings,
    input: &VisitPlanInput,
) -> Result<(DateTime<Utc>, DateTime<Utc>), FieldError> {
    let leave_property = match input.planned_leave_property {
        Some(at) => at,
        None => {
            let Some(minutes) = policy.visit_minutes(&input.reason_category) else {
                return Err(FieldError::new(
                    "planned_leave_property",
                    "say when you will leave the house: the policy gives no usual length for this reason",
                ));
            };
            input.planned_arrive + Duration::minutes(i64::from(minutes))
        }
    };
    let back = input.planned_return.unwrap_or_else(|| {
        leave_property + (input.planned_arrive - input.planned_leave_school).max(Duration::zero())
    });
    Ok((leave_property, back))
}

fn check_times(
    input: &VisitPlanInput,
    planned_leave_property: DateTime<Utc>,
    planned_return: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), FieldError> {
    let order = [
        ("planned_leave_school", input.planned_leave_school),
        ("planned_arrive", input.planned_arrive),
        ("planned_leave_property", planned_leave_property),
        ("planned_return", planned_return),
    ];
    for pair in order.windows(2) {
        if pair[1].1 < pair[0].1 {
            return Err(FieldError::new(
                pair[1].0,
                format!("must not be before {}", pair[0].0),
            ));
        }
    }
    if input.planned_leave_school < now - Duration::days(1) {
        return Err(FieldError::new("planned_leave_school", "is in the past"));
    }
    if input.planned_leave_school > now + Duration::days(366) {
        return Err(FieldError::new(
            "planned_leave_school",
            "is more than a year ahead",
        ));
    }
    if planned_return - input.planned_leave_school > Duration::hours(12) {
        return Err(FieldError::new(
            "planned_return",
            "a visit lasts at most 12 hours from leaving school",
        ));
    }
    Ok(())
}

impl CheckedPlan {
    pub fn as_new_visit<'a>(
        &'a self,
        input: &'a VisitPlanInput,
        rescheduled_from: Option<VisitId>,
    ) -> store::NewVisit<'a> {
        store::NewVisit {
            school: self.school,
            pupil: self.pupil.id,
            household: self.pupil.household_id,
            policy_version: self.policy.id,
            reason_category: &self.reason_category,
            purpose: &self.purpose,
            parents_could_come_in: input.parents_could_come_in,
            parents_come_in_note: self.parents_come_in_note.as_deref(),
            appointment: self.appointment,
            agenda: self.agenda.as_deref(),
            unannounced_reason: self.unannounced_reason.as_deref(),
            expect_to_see: self.expect_to_see.as_deref(),
            planned_leave_school: input.planned_leave_school,
            planned_arrive: input.planned_arrive,
            planned_leave_property: self.planned_leave_property,
            planned_return: self.planned_return,
            returns_to: input.returns_to.as_str(),
            first_visit: self.first_visit,
            joint_agency: self.joint_agency.as_deref(),
            transport: input.transport.as_ref(),
            buddy: input.buddy_staff_id.map(StaffId),
            backup: input.backup_staff_id.map(StaffId),
            code_word: self.code_word.as_deref(),
            vehicle: self.vehicle,
            visitors: &self.visitors,
            rescheduled_from,
        }
    }
}
