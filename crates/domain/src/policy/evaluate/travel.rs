//! Travel rules (P6, P12): the driver's documents on the day of the visit (and at sign-out, today),
//! business insurance for transport, and a car seat for a child passenger.

use super::{Stage, Unmet, VisitFacts, unmet};
use crate::policy::PolicySettings;
use chrono::NaiveDate;

pub(super) fn check_travel(
    policy: &PolicySettings,
    visit: &VisitFacts,
    stage: Stage,
    today: NaiveDate,
    out: &mut Vec<Unmet>,
) {
    let travel = &policy.travel;
    let visit_day = visit
        .planned_leave_school
        .with_timezone(&policy.tz())
        .date_naive();
    // At sign-out the documents must be valid today as well as on the planned day.
    let day = if stage == Stage::SignOut {
        visit_day.max(today)
    } else {
        visit_day
    };
    if let Some(vehicle) = &visit.vehicle
        && travel.driver_documents_valid_on_the_day
    {
        let docs = [
            ("driving licence", vehicle.licence_expires),
            ("MOT certificate", vehicle.mot_expires),
            ("insurance certificate", vehicle.insurance_expires),
        ];
        for (doc, expires) in docs {
            match expires {
                None => out.push(unmet(
                    "P6",
                    "travel.driver_documents_valid_on_the_day",
                    format!("{}'s {doc} for {} is not on file with the office.", vehicle.driver_name, vehicle.registration),
                )),
                Some(date) if date < day => out.push(unmet(
                    "P6",
                    "travel.driver_documents_valid_on_the_day",
                    format!(
                        "{}'s {doc} for {} expired on {}; it must be valid on the day of the visit.",
                        vehicle.driver_name,
                        vehicle.registration,
                        date.format("%d/%m/%Y")
                    ),
                )),
                Some(_) => {}
            }
        }
    }
    let transporting = visit.transport.is_some() || visit.reason_category == "transporting_pupil";
    if !transporting {
        return;
    }
    let count = visit.visitors.len() as u32;
    if count < travel.transport_minimum_staff {
        out.push(unmet(
            "P12",
            "travel.transport_minimum_staff",
            format!(
                "Transporting a pupil needs {} members of staff present.",
                travel.transport_minimum_staff
            ),
        ));
    }
    match (&visit.vehicle, &visit.transport) {
        (None, _) => out.push(unmet(
            "P6",
            "travel.vehicle",
            "Transporting a pupil needs the vehicle and driver recorded.",
        )),
        (Some(v), _) if travel.transport_needs_business_insurance && !v.business_insurance => out
            .push(unmet(
                "P12",
                "travel.transport_needs_business_insurance",
                format!(
                    "{} has no business insurance on file; it is needed to carry a pupil.",
                    v.registration
                ),
            )),
        _ => {}
    }
    let Some(t) = &visit.transport else {
        out.push(unmet(
            "P12",
            "travel.transport",
            "Give the pupil's age and height, and the seating, for transport.",
        ));
        return;
    };
    if travel.pupil_sits_in_the_back && !t.rear_seat {
        out.push(unmet(
            "P12",
            "travel.pupil_sits_in_the_back",
            "The pupil must sit in the back of the vehicle.",
        ));
    }
    let needs_seat = match (t.pupil_age_years, t.pupil_height_cm) {
        (Some(age), Some(height)) => {
            age < travel.car_seat_under_years && height < travel.car_seat_under_height_cm
        }
        (Some(age), None) => age < travel.car_seat_under_years,
        (None, Some(height)) => height < travel.car_seat_under_height_cm,
        (None, None) => true,
    };
    if needs_seat && !t.car_seat {
        out.push(unmet(
            "P12",
            "travel.car_seat_under_years",
            format!(
                "A child uses a car seat until {} years old or {} cm tall, whichever comes first.",
                travel.car_seat_under_years, travel.car_seat_under_height_cm
            ),
        ));
    }
}
