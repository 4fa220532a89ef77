//! What the policy engine looks at for a stored visit, and the check itself.
//!
//! A step's check reads through the step's own transaction ([`Tx`]), so a safety concern or a
//! caution flag committed just before is seen, and nothing can slip in between the check and
//! the write. A page that only shows the check reads through the pool ([`Pool`]): no lock.

use crate::{App, Result};
use domain::policy::{
    Appointment, BuddyFacts, RiskFacts, Stage, TransportFacts, Unmet, VehicleFacts, VisitFacts,
    VisitorFacts, evaluate,
};
use domain::{CautionFlagId, HouseholdId, RoleSet, StaffId, VehicleId, VisitId};
use store::{
    CautionFlag, Db, Household, RiskAssessment, SafetyConcern, Staff, StoreError, Tx, Vehicle,
    Visit,
};

type Read<T> = std::result::Result<T, StoreError>;

/// The reads the policy facts need, on a pool or inside a transaction.
pub(super) trait FactReads {
    async fn household(&mut self, id: HouseholdId) -> Read<Household>;
    async fn latest_risk(&mut self, id: HouseholdId) -> Read<Option<RiskAssessment>>;
    async fn risk_acks(&mut self, ra: domain::RiskAssessmentId) -> Read<Vec<StaffId>>;
    async fn staff(&mut self, id: StaffId) -> Read<Staff>;
    async fn vehicle(&mut self, id: VehicleId) -> Read<Vehicle>;
    async fn acknowledged(&mut self, visit: VisitId) -> Read<Vec<CautionFlagId>>;
    async fn concerns(&mut self, visit: VisitId) -> Read<Vec<SafetyConcern>>;
    async fn visited_before(&mut self, h: HouseholdId, except: VisitId) -> Read<bool>;
    async fn cautions(&mut self, id: HouseholdId) -> Read<Vec<CautionFlag>>;
}

/// Reads through the pool, for a page that shows the check without changing anything.
pub(super) struct Pool<'a>(pub &'a Db);

impl FactReads for Pool<'_> {
    async fn household(&mut self, id: HouseholdId) -> Read<Household> {
        self.0.household(id).await
    }
    async fn latest_risk(&mut self, id: HouseholdId) -> Read<Option<RiskAssessment>> {
        self.0.latest_risk_assessment(id).await
    }
    async fn risk_acks(&mut self, ra: domain::RiskAssessmentId) -> Read<Vec<StaffId>> {
        self.0.risk_acknowledgements(ra).await
    }
    async fn staff(&mut self, id: StaffId) -> Read<Staff> {
        self.0.staff(id).await
    }
    async fn vehicle(&mut self, id: VehicleId) -> Read<Vehicle> {
        self.0.vehicle(id).await
    }
    async fn acknowledged(&mut self, visit: VisitId) -> Read<Vec<CautionFlagId>> {
        self.0.acknowledged_cautions(visit).await
    }
    async fn concerns(&mut self, visit: VisitId) -> Read<Vec<SafetyConcern>> {
        self.0.safety_concerns(visit).await
    }
    async fn visited_before(&mut self, h: HouseholdId, except: VisitId) -> Read<bool> {
        self.0.household_visited_before(h, Some(except)).await
    }
    async fn cautions(&mut self, id: HouseholdId) -> Read<Vec<CautionFlag>> {
        self.0.caution_flags(id).await
    }
}

impl FactReads for Tx {
    async fn household(&mut self, id: HouseholdId) -> Read<Household> {
        Tx::household(self, id).await
    }
    async fn latest_risk(&mut self, id: HouseholdId) -> Read<Option<RiskAssessment>> {
        self.latest_risk_assessment(id).await
    }
    async fn risk_acks(&mut self, ra: domain::RiskAssessmentId) -> Read<Vec<StaffId>> {
        self.risk_acknowledgements(ra).await
    }
    async fn staff(&mut self, id: StaffId) -> Read<Staff> {
        Tx::staff(self, id).await
    }
    async fn vehicle(&mut self, id: VehicleId) -> Read<Vehicle> {
        Tx::vehicle(self, id).await
    }
    async fn acknowledged(&mut self, visit: VisitId) -> Read<Vec<CautionFlagId>> {
        self.acknowledged_cautions(visit).await
    }
    async fn concerns(&mut self, visit: VisitId) -> Read<Vec<SafetyConcern>> {
        self.safety_concerns(visit).await
    }
    async fn visited_before(&mut self, h: HouseholdId, except: VisitId) -> Read<bool> {
        self.household_visited_before(h, Some(except)).await
    }
    async fn cautions(&mut self, id: HouseholdId) -> Read<Vec<CautionFlag>> {
        self.caution_flags(id).await
    }
}

/// Every rule of the visit's policy version it does not meet at `stage`, judged on the school's
/// date today. `authoriser`: the roles of the person authorising (P9); `extra`: caution flags
/// being acknowledged with this step (P10).
pub(super) async fn check(
    app: &App,
    reads: &mut impl FactReads,
    visit: &Visit,
    stage: Stage,
    authoriser: Option<&RoleSet>,
    extra: &[CautionFlagId],
) -> Result<Vec<Unmet>> {
    let policy = app.policy_version(visit.policy_version_id).await?;
    let facts = gather(reads, visit, authoriser, extra).await?;
    let today = app.now().with_timezone(&policy.settings.tz()).date_naive();
    Ok(evaluate(&policy.settings, &facts, stage, today))
}

async fn gather(
    db: &mut impl FactReads,
    visit: &Visit,
    authoriser: Option<&RoleSet>,
    extra_acknowledged: &[CautionFlagId],
) -> Result<VisitFacts> {
    let household = db.household(visit.household_id).await?;
    let latest = db.latest_risk(visit.household_id).await?;
    let acknowledged_by: Vec<StaffId> = match &latest {
        Some(ra) => db.risk_acks(ra.id).await?,
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
                registration: v.registration.to_string(),
                driver_name: driver.name,
                licence_expires: v.licence_expires,
                mot_expires: v.mot_expires,
                insurance_expires: v.insurance_expires,
                business_insurance: v.business_insurance,
            })
        }
        None => None,
    };
    // P5: the buddy's roles, judged against the roles the policy lists for the buddy.
    let buddy = match visit.buddy_staff_id {
        Some(id) => {
            let b = db.staff(StaffId(id)).await?;
            Some(BuddyFacts {
                name: b.name,
                roles: b.roles,
            })
        }
        None => None,
    };
    let mut acknowledged = db.acknowledged(visit.id).await?;
    acknowledged.extend_from_slice(extra_acknowledged);
    let open_concerns = db
        .concerns(visit.id)
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
        first_visit_to_household: !db.visited_before(visit.household_id, visit.id).await?,
        risk_assessment: match &latest {
            Some(ra) => Some(RiskFacts {
                risk_after_controls: ra.risk_after_controls().map_err(crate::Refusal::from)?,
                signed_off: ra.signed_off_at.is_some(),
            }),
            None => None,
        },
        joint_with_agency: visit.joint_agency.is_some(),
        planned_leave_school: visit.planned_leave_school,
        planned_leave_property: visit.planned_leave_property,
        buddy,
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
            .cautions(visit.household_id)
            .await?
            .into_iter()
            .map(|f| f.id)
            .collect(),
        caution_flags_acknowledged: acknowledged,
        authoriser_roles: authoriser.cloned(),
        open_safety_concerns: open_concerns as u32,
    })
}
