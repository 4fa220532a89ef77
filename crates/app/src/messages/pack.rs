//! The information pack (A2): everything the police will ask for, gathered from the visit —
//! every column of REAch2's home visit log (Appendix 3), with the times as planned and as the
//! visitors recorded them.

use crate::Result;
use chrono::{DateTime, Utc};
use domain::VehicleId;
use domain::monitor::{AlarmKind, Fix, InformationPack, Moment, PackStaff, PackTimes, Timeline};
use domain::policy::PolicySettings;
use domain::visit::{ReturnsTo, VisitState};
use store::{Db, Visit, VisitEvent, Watch};

/// When the visit first took `step` ("signed_out", "arrived", "left_property", "returned"):
/// from its record of steps, or from its state when that step is the one it is in.
fn first(visit: &Visit, events: &[VisitEvent], step: &str) -> Option<DateTime<Utc>> {
    let recorded = events.iter().filter(|e| e.step == step).map(|e| e.at).min();
    let current = match &visit.state.0 {
        VisitState::SignedOut { signed_out_at } if step == "signed_out" => Some(*signed_out_at),
        VisitState::Arrived { arrived_at } if step == "arrived" => Some(*arrived_at),
        VisitState::LeftProperty { left_at, .. } if step == "left_property" => Some(*left_at),
        VisitState::Returned { returned_at, .. } if step == "returned" => Some(*returned_at),
        _ => None,
    };
    recorded.or(current)
}

/// A4: the visitors went past the arrival without tapping it: they tapped "Left" or cancelled
/// at the door (arrived optional, `check_in.arrived`), or the visit is over. Not while they are
/// still on their way (signed out, nothing since), when arrival is "not yet".
pub(crate) fn past_arrival(visit: &Visit, events: &[VisitEvent]) -> bool {
    let gone_past = [
        "left_property",
        "cancelled_at_door",
        "nobody_home",
        "returned",
    ];
    events.iter().any(|e| gone_past.contains(&e.step.as_str()))
        || matches!(
            visit.state.0,
            VisitState::LeftProperty { .. }
                | VisitState::NobodyHome { .. }
                | VisitState::Returned { .. }
        )
}

/// The pack a senior leader reads to the police: each visitor's name, role and mobile, the
/// buddy now and their mobile, car, address, who was visited, the planned and actual times of
/// leaving school, arriving (the time of meeting), leaving the property and returning, the last
/// contact with where the phone was and how accurately, and the policy's checklist.
/// `watch`: the monitor's watch while the visit is out (`None` once it is over).
pub async fn information_pack(
    db: &Db,
    visit: &Visit,
    watch: Option<&Watch>,
    kind: AlarmKind,
    raised_at: DateTime<Utc>,
    policy: &PolicySettings,
) -> Result<String> {
    let buddy_id = watch
        .and_then(|w| w.buddy_staff_id)
        .or(visit.buddy_staff_id);
    // Independent reads side by side: the pack goes to the police with a panic alarm.
    let (school, household, pupil, members, cautions, events, check_ins, vehicle, buddy) = tokio::try_join!(
        db.school(visit.school_id),
        db.household(visit.household_id),
        db.pupil(visit.pupil_id),
        db.household_members(visit.household_id),
        db.caution_flags(visit.household_id),
        db.visit_events(visit.id),
        db.check_ins_of(visit.id),
        async {
            match visit.vehicle_id {
                Some(id) => db.vehicle(VehicleId(id)).await.map(Some),
                None => Ok(None),
            }
        },
        async {
            match buddy_id {
                Some(id) => db.staff(domain::StaffId(id)).await.map(Some),
                None => Ok(None),
            }
        },
    )?;
    let buddy = buddy.map(|b| PackStaff {
        name: b.name,
        role: Some("buddy".into()),
        mobile: b.mobile,
    });
    let mut visiting = vec![format!("{} (pupil)", pupil.name)];
    visiting.extend(
        members
            .iter()
            .map(|m| format!("{} ({})", m.name, m.relationship)),
    );
    if let Some(expect) = &visit.expect_to_see {
        visiting.push(format!("expected to see: {expect}"));
    }
    let timeline = watch.map(|w| Timeline {
        planned_arrive: visit.planned_arrive,
        planned_leave_property: visit.planned_leave_property,
        planned_return: visit.planned_return,
        last_contact: w.last_contact_at,
        extended_until: w.extended_until,
        arrived: w.arrived,
        left_property: w.left_property,
    });
    let arrived = first(visit, &events, "arrived");
    let signed_out = first(visit, &events, "signed_out").or(watch.map(|w| w.signed_out_at));
    let times = PackTimes {
        leave_school: Moment {
            planned: visit.planned_leave_school,
            now_due: None,
            actual: signed_out,
            never_tapped: false,
        },
        arrive: Moment {
            planned: visit.planned_arrive,
            now_due: None,
            actual: arrived,
            never_tapped: arrived.is_none() && past_arrival(visit, &events),
        },
        // "Need more time" moves both: the pack gives when the visitors are now expected too.
        leave_property: Moment {
            planned: visit.planned_leave_property,
            now_due: timeline.map(|t| t.leave_property_due()),
            actual: first(visit, &events, "left_property"),
            never_tapped: false,
        },
        back: Moment {
            planned: visit.planned_return,
            now_due: timeline.map(|t| t.return_due()),
            actual: first(visit, &events, "returned"),
            never_tapped: false,
        },
    };
    let last_contact = watch.map_or_else(
        || {
            check_ins
                .iter()
                .map(|c| c.at)
                .chain(signed_out)
                .max()
                .unwrap_or(raised_at)
        },
        |w| w.last_contact_at,
    );
    let last_fix = check_ins
        .iter()
        .filter_map(|c| match (c.latitude, c.longitude) {
            (Some(latitude), Some(longitude)) => Some(Fix {
                at: c.at,
                latitude,
                longitude,
                accuracy_m: c.accuracy_m,
            }),
            _ => None,
        })
        .max_by_key(|f| f.at);
    let policy_steps = policy
        .escalation
        .iter()
        .find(|l| l.information_pack)
        .map(|l| l.instruction.clone());
    let pack = InformationPack {
        school: school.name,
        school_phone: school.phone,
        alarm: kind,
        raised_at,
        staff: visit
            .staff
            .iter()
            .map(|s| PackStaff {
                name: s.name.clone(),
                role: Some(s.role_on_visit.clone()).filter(|r| !r.trim().is_empty()),
                mobile: s.mobile.clone(),
            })
            .collect(),
        buddy,
        vehicle_description: vehicle.as_ref().and_then(|v| v.make_model.clone()),
        // The store decoded each value once (checked, or as stored): a blank one is not recorded.
        vehicle: vehicle.map(|v| v.registration).filter(|r| !r.is_blank()),
        address: household.address,
        postcode: Some(household.postcode).filter(|p| !p.is_blank()),
        family_landline: household.landline,
        visiting,
        cautions: cautions
            .into_iter()
            .map(|c| format!("{} (source: {})", c.description, c.source))
            .collect(),
        times,
        returns_to: if visit.returns_to == "home" {
            ReturnsTo::Home
        } else {
            ReturnsTo::School
        },
        last_contact,
        last_fix,
        policy_steps,
        tz: policy.tz(),
    };
    Ok(pack.render_text())
}
