//! Gathers what the policy engine looks at for a stored visit.

use crate::AppState;
use crate::error::ApiError;
use domain::policy::{
    Appointment, RiskFacts, TransportFacts, VehicleFacts, VisitFacts, VisitorFacts,
};
use domain::{CautionFlagId, RoleSet, StaffId, VehicleId};
use store::Visit;

pub async fn gather(
    state: &AppState,
    visit: &Visit,
    authoriser: Option<&RoleSet>,
    extra_acknowledged: &[CautionFlagId],
) -> Result<VisitFacts, ApiError> {
    let db = state.db();
    let household = db.household(visit.household_id).await?;
    let latest = db.latest_risk_assessment(visit.household_id).await?;
    let acknowledged_by: Vec<StaffId> = match &latest {
        Some(ra) => db.risk_acknowledgements(ra.id).await?,
        None => vec![],
    };
    let mut visitors = Vec::new();
    for s in &visit.staff {
        let staff = db.staff(s.staff_id).await?;
        visitors.push(VisitorFacts {
            name: staff.name,
            roles: staff.roles,
            has_mobile: staff.mobile.is_some(),
            acknowledged_risk_assessment: acknowledged_by.contains(&s.staff_id),
        });
    }
    let vehicle = match visit.vehicle_id {
        Some(id) => {
            let v = db.vehicle(VehicleId(id)).await?;
            let driver = db.staff(v.staff_id).await?;
            Some(VehicleFacts {
                registration: v.registration,
                driver_name: driver.name,
                licence_expires: v.licence_expires,
                mot_expires: v.mot_expires,
                insurance_expires: v.insurance_expires,
                business_insurance: v.business_insurance,
            })
        }
        None => None,
    };
    let mut acknowledged = db.acknowledged_cautions(visit.id).await?;
    acknowledged.extend_from_slice(extra_acknowledged);
    let open_concerns = db
        .safety_concerns(visit.id)
        .await?
        .iter()
        .filter(|c| c.resolved_at.is_none())
        .count();
    Ok(VisitFacts {
        reason_category: visit.reason_category.clone(),
        parents_could_come_in: visit.parents_could_come_in,
        appointment: if visit.appointment == "unannounced" {
            Appointment::Unannounced {
                reason: visit.unannounced_reason.clone().unwrap_or_default(),
            }
        } else {
            Appointment::Agreed
        },
        visitors,
        first_visit_to_household: !db
            .household_visited_before(visit.household_id, Some(visit.id))
            .await?,
        risk_assessment: match &latest {
            Some(ra) => Some(RiskFacts {
                risk_after_controls: ra.risk_after_controls()?,
                signed_off: ra.signed_off_at.is_some(),
            }),
            None => None,
        },
        joint_with_agency: visit.joint_agency.is_some(),
        planned_leave_school: visit.planned_leave_school,
        planned_leave_property: visit.planned_leave_property,
        has_buddy: visit.buddy_staff_id.is_some(),
        has_code_word: visit.code_word.is_some(),
        backup_at_school: visit.buddy_staff_id.is_some() || visit.backup_staff_id.is_some(),
        vehicle,
        transport: visit.transport.as_ref().map(|t| TransportFacts {
            pupil_age_years: t.pupil_age_years,
            pupil_height_cm: t.pupil_height_cm,
            car_seat: t.car_seat,
            rear_seat: t.rear_seat,
        }),
        household_blocked: household.blocked,
        caution_flags: db
            .caution_flags(visit.household_id)
            .await?
            .into_iter()
            .map(|f| f.id)
            .collect(),
        caution_flags_acknowledged: acknowledged,
        authoriser_roles: authoriser.cloned(),
        open_safety_concerns: open_concerns as u32,
    })
}
