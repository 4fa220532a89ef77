//! The information pack's wording.

use super::*;
use chrono::TimeZone;

fn at(h: u32, m: u32) -> DateTime<Utc> {
    // 15 June: British Summer Time, an hour ahead of UTC.
    Utc.with_ymd_and_hms(2026, 6, 15, h, m, 0).unwrap()
}

fn staff(name: &str, mobile: Option<&str>) -> PackStaff {
    PackStaff {
        name: name.into(),
        role: Some("Class teacher".into()),
        mobile: mobile.map(|m| PhoneNumber::parse("mobile", m).unwrap().into()),
    }
}

#[test]
fn a_stored_value_that_does_not_parse_is_shown_as_stored() {
    let old = Recorded::read("0191-456-12", |s| PhoneNumber::parse("phone", s));
    assert_eq!(old, Recorded::AsStored("0191-456-12".into()));
    assert_eq!(old.to_string(), "0191-456-12");
    let good = Recorded::read("0191 456 1234", |s| PhoneNumber::parse("phone", s));
    assert_eq!(good.to_string(), "01914561234");
    let blank = Recorded::read_optional(Some("  "), |s| Postcode::parse("postcode", s));
    assert_eq!(blank, None);
}

#[test]
fn information_pack_names_everyone_the_times_and_the_checklist() {
    let moment = |planned, actual| Moment {
        planned,
        now_due: None,
        actual,
        never_tapped: false,
    };
    let pack = InformationPack {
        school: "Harton Academy".into(),
        school_phone: Some(PhoneNumber::parse("phone", "0191 456 1234").unwrap().into()),
        alarm: AlarmKind::OverdueReturn,
        raised_at: at(11, 35),
        staff: vec![
            staff("Ann Teacher", Some("07700 900123")),
            staff("Bob Liaison", None),
        ],
        buddy: Some(staff("Cat Office", Some("07700 900456"))),
        vehicle: Some(CarRegistration::parse("car", "ab12 cde").unwrap().into()),
        vehicle_description: Some("Blue Ford Focus".into()),
        address: "1 Lime Street, South Shields".into(),
        postcode: Some(Postcode::parse("postcode", "ne33 4ab").unwrap().into()),
        family_landline: None,
        visiting: vec!["Mrs A Smith (mother)".into(), "Jo Smith (pupil)".into()],
        cautions: vec!["Large dog in the house".into()],
        times: PackTimes {
            leave_school: moment(at(9, 0), Some(at(9, 5))),
            arrive: moment(at(9, 15), Some(at(9, 20))),
            leave_property: Moment {
                planned: at(11, 0),
                now_due: Some(at(11, 15)),
                actual: None,
                never_tapped: false,
            },
            back: moment(at(11, 30), None),
        },
        returns_to: ReturnsTo::School,
        last_contact: at(10, 45),
        last_fix: Some(Fix {
            at: at(10, 45),
            latitude: 54.99861,
            longitude: -1.43234,
            accuracy_m: Some(12.4),
        }),
        policy_steps: Some("Contact the police.".into()),
        tz: chrono_tz::Europe::London,
    };
    let text = pack.render_text();
    for expected in [
        "Harton Academy",
        "01914561234",
        "Alarm: not back on time, raised at 12:35 BST on Mon 15 Jun 2026",
        "- Ann Teacher (Class teacher), mobile 07700900123",
        "- Bob Liaison (Class teacher), mobile not recorded",
        "Buddy at school: Cat Office (Class teacher), mobile 07700900456",
        "Car registration: AB12CDE (Blue Ford Focus)",
        "Home address: 1 Lime Street, South Shields",
        "Postcode: NE33 4AB",
        "Family landline: not recorded",
        "Person/s being visited: Mrs A Smith (mother); Jo Smith (pupil)",
        "Caution: Large dog in the house",
        "Date of visit: Mon 15 Jun 2026",
        "Departure from school: planned 10:00 BST on Mon 15 Jun 2026 · actual 10:05 BST",
        "Time of meeting (arrival): planned 10:15 BST on Mon 15 Jun 2026 · actual 10:20 BST",
        "Time due to leave the home address: planned 12:00 BST on Mon 15 Jun 2026, now due 12:15 BST on Mon 15 Jun 2026 (more time asked) · actual not yet",
        "Time of return to school: planned 12:30 BST on Mon 15 Jun 2026 · actual not yet",
        "Last contact: 11:45 BST on Mon 15 Jun 2026",
        "Last known place: 54.99861, -1.43234 (to within 12 m; from the phone at the check-in at 11:45 BST",
        "The policy: Contact the police.",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    for step in SENIOR_LEADER_CHECKLIST {
        assert!(text.contains(step), "missing checklist step {step:?}");
    }
}
