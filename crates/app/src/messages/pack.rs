//! The information pack (A2): everything the police will ask for, gathered from the visit.

use crate::Result;
use chrono::{DateTime, Utc};
use domain::VehicleId;
use domain::inputs::{CarRegistration, PhoneNumber, Postcode};
use domain::monitor::{AlarmKind, InformationPack, PackStaff, Recorded, Timeline};
use domain::policy::PolicySettings;
use domain::visit::ReturnsTo;
use store::{Db, Visit, Watch};

/// A stored phone number for the pack: checked, or as stored when today's parser refuses it
/// (numbers typed before it was stricter), never dropped.
fn phone(stored: Option<&str>, field: &str) -> Option<Recorded<PhoneNumber>> {
    Recorded::read_optional(stored, |p| PhoneNumber::parse(field, p))
}

/// The pack a senior leader reads to the police: names, phones, car, address, who was visited,
/// planned times, last contact and where it came from, and the checklist.
pub async fn information_pack(
    db: &Db,
    visit: &Visit,
    watch: Option<&Watch>,
    kind: AlarmKind,
    raised_at: DateTime<Utc>,
    policy: &PolicySettings,
) -> Result<String> {
    let school = db.school(visit.school_id).await?;
    let household = db.household(visit.household_id).await?;
    let pupil = db.pupil(visit.pupil_id).await?;
    let members = db.household_members(visit.household_id).await?;
    let cautions = db.caution_flags(visit.household_id).await?;
    let vehicle = match visit.vehicle_id {
        Some(id) => Some(db.vehicle(VehicleId(id)).await?),
        None => None,
    };
    let buddy = match watch
        .and_then(|w| w.buddy_staff_id)
        .or(visit.buddy_staff_id)
    {
        Some(id) => {
            let b = db.staff(domain::StaffId(id)).await?;
            Some(PackStaff {
                name: b.name,
                mobile: phone(b.mobile.as_deref(), "mobile"),
            })
        }
        None => None,
    };
    let mut visiting = vec![format!("{} (pupil)", pupil.name)];
    visiting.extend(
        members
            .iter()
            .map(|m| format!("{} ({})", m.name, m.relationship)),
    );
    if let Some(expect) = &visit.expect_to_see {
        visiting.push(format!("expected to see: {expect}"));
    }
    let last_contact = watch.map_or(raised_at, |w| w.last_contact_at);
    let timeline = watch.map(|w| Timeline {
        planned_leave_property: visit.planned_leave_property,
        planned_return: visit.planned_return,
        last_contact: w.last_contact_at,
        extended_until: w.extended_until,
        arrived: w.arrived,
        left_property: w.left_property,
    });
    let location = watch.and_then(|w| match (w.last_latitude, w.last_longitude) {
        (Some(lat), Some(lon)) => Some(format!(
            "{lat:.5}, {lon:.5} (from the phone at the last check-in)"
        )),
        _ => None,
    });
    let pack = InformationPack {
        school: school.name,
        school_phone: phone(school.phone.as_deref(), "phone"),
        alarm: kind,
        raised_at,
        staff: visit
            .staff
            .iter()
            .map(|s| PackStaff {
                name: s.name.clone(),
                mobile: phone(s.mobile.as_deref(), "mobile"),
            })
            .collect(),
        buddy,
        vehicle: vehicle.and_then(|v| {
            Recorded::read_optional(Some(&v.registration), |r| {
                CarRegistration::parse("registration", r)
            })
        }),
        address: household.address,
        postcode: Recorded::read_optional(Some(&household.postcode), |p| {
            Postcode::parse("postcode", p)
        }),
        family_landline: phone(household.landline.as_deref(), "landline"),
        visiting,
        cautions: cautions
            .into_iter()
            .map(|c| format!("{} (source: {})", c.description, c.source))
            .collect(),
        signed_out_at: watch.map_or(visit.planned_leave_school, |w| w.signed_out_at),
        arrived_at: None,
        // "Need more time" moves both: the pack gives the times the visitors are now expected.
        expected_leave_property: timeline
            .map_or(visit.planned_leave_property, |t| t.leave_property_due()),
        expected_back: timeline.map_or(visit.planned_return, |t| t.return_due()),
        returns_to: if visit.returns_to == "home" {
            ReturnsTo::Home
        } else {
            ReturnsTo::School
        },
        last_contact,
        last_contact_location: location,
        tz: policy.tz(),
    };
    Ok(pack.render_text())
}
