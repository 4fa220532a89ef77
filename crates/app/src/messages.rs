//! What people are told: alarm messages per ladder level, reminders, and the information pack.

use crate::Result;
use chrono::{DateTime, Utc};
use domain::VehicleId;
use domain::inputs::{CarRegistration, PhoneNumber, Postcode};
use domain::monitor::{AlarmKind, InformationPack, PackStaff, Recorded, Timeline};
use domain::policy::{EscalationLevel, PolicySettings};
use domain::visit::ReturnsTo;
use std::str::FromStr;
use store::{Db, Visit, Watch};

pub fn alarm_label(kind: &str) -> String {
    AlarmKind::from_str(kind)
        .map(|k| k.label().to_string())
        .unwrap_or_else(|_| kind.to_string())
}

fn who(visit: &Visit) -> String {
    visit
        .staff
        .iter()
        .map(|s| s.name.as_str())
        .collect::<Vec<_>>()
        .join(" and ")
}

pub fn alarm_message(
    visit: &Visit,
    kind: AlarmKind,
    level: &EscalationLevel,
    pack: Option<&str>,
) -> (String, String) {
    let subject = format!(
        "ALARM: {} — {} (visit {})",
        kind.label(),
        who(visit),
        visit.id
    );
    let mut body = format!(
        "{}\n\n{}\n\nVisit {}: {}.\n",
        kind.label(),
        level.instruction,
        visit.id,
        who(visit)
    );
    if kind.is_observation() {
        body.push_str(&format!("\nGuidance: {}\n", kind.guidance()));
    }
    if let Some(pack) = pack {
        body.push_str("\n--- Information pack ---\n");
        body.push_str(pack);
    }
    (subject, body)
}

pub fn reminder(
    visit: &Visit,
    due: DateTime<chrono_tz::Tz>,
    extend_minutes: u32,
) -> (String, String) {
    let subject = format!("Check-in due at {}", due.format("%H:%M"));
    let body = format!(
        "Your next check-in for visit {} is due at {}. Tap \"I'm OK\", or add {extend_minutes} minutes if you need more time.",
        visit.id,
        due.format("%H:%M")
    );
    (subject, body)
}

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
