//! The test school, seeded through the store as the demo seeds it: a trust, one school on a
//! preset with its policy version, one member of staff per part the ladder names, a household, a
//! pupil and the driver's car. And the fresh databases the tests run on.

use chrono::{DateTime, NaiveDate, Utc};
use domain::policy::presets::preset;
use domain::{HouseholdId, PupilId, Role, RoleSet, SchoolId, StaffId, VehicleId};
use store::{Db, NewHousehold, NewMember, NewPupil, NewStaff, NewVehicle, PolicyVersion};
use tempfile::TempDir;

/// A fresh, empty database to run a test body on.
pub struct Backend {
    pub name: &'static str,
    pub url: String,
    pub(crate) dir: Option<TempDir>,
}

impl Backend {
    pub fn postgres(url: String) -> Backend {
        Backend {
            name: "postgres",
            url,
            dir: None,
        }
    }
}

/// SQLite always; PostgreSQL too when it is installed (under `CI=true` it must be).
pub fn backends() -> Vec<Backend> {
    let (dir, url) = testkit::fresh_sqlite_url();
    let mut out = vec![Backend {
        name: "sqlite",
        url,
        dir: Some(dir),
    }];
    match testkit::fresh_postgres_url() {
        Some(url) => out.push(Backend::postgres(url)),
        None => eprintln!("PostgreSQL is not installed: running on SQLite only"),
    }
    out
}

/// The people of the test school, one per part the ladder names.
#[derive(Debug, Clone, Copy)]
pub struct People {
    pub head: StaffId,
    /// The DSL, who is also a senior leader.
    pub dsl: StaffId,
    pub senior: StaffId,
    pub office: StaffId,
    /// The two visitors.
    pub teacher: StaffId,
    pub liaison: StaffId,
    /// Stays at school and watches the visit.
    pub buddy: StaffId,
}

/// (name, e-mail local part, mobile, roles)
const STAFF: [(&str, &str, &str, &[Role]); 7] = [
    ("Helen Head", "head", "07700900101", &[Role::Headteacher]),
    (
        "Dev Safeguarding",
        "dsl",
        "07700900102",
        &[Role::Dsl, Role::SeniorLeader],
    ),
    ("Sam Senior", "senior", "07700900103", &[Role::SeniorLeader]),
    ("Olive Office", "office", "07700900104", &[Role::Office]),
    (
        "Tom Teacher",
        "teacher",
        "07700900105",
        &[Role::VisitingStaff],
    ),
    (
        "Lina Liaison",
        "liaison",
        "07700900106",
        &[Role::VisitingStaff],
    ),
    ("Bea Buddy", "buddy", "07700900107", &[Role::VisitingStaff]),
];

/// What [`seed`] created.
pub struct School {
    pub id: SchoolId,
    pub policy: PolicyVersion,
    pub people: People,
    pub household: HouseholdId,
    pub pupil: PupilId,
    pub vehicle: VehicleId,
}

pub async fn seed(db: &Db, preset_name: &str, now: DateTime<Utc>) -> School {
    let mut tx = db.begin().await.unwrap();
    let settings = preset(preset_name).unwrap();
    let trust = tx.create_trust("Test Trust").await.unwrap();
    let school = tx
        .create_school(trust, "Test School", Some("01914561234"), preset_name, now)
        .await
        .unwrap();
    let policy = tx
        .add_policy_version(
            school,
            preset_name,
            &settings,
            NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
            NaiveDate::from_ymd_opt(2027, 9, 1).unwrap(),
            None,
            Some("adopted from preset"),
            now,
        )
        .await
        .unwrap();
    let mut ids = Vec::new();
    for (name, local, mobile, roles) in STAFF {
        let email = format!("{local}@school.test");
        let id = tx
            .create_staff(
                &NewStaff {
                    trust,
                    school: Some(school),
                    name,
                    email: &email,
                    mobile: Some(mobile),
                    job_title: None,
                    password_hash: "not-a-real-hash",
                    roles: &RoleSet::new(roles.to_vec()),
                },
                now,
            )
            .await
            .unwrap();
        ids.push(id);
    }
    let people = People {
        head: ids[0],
        dsl: ids[1],
        senior: ids[2],
        office: ids[3],
        teacher: ids[4],
        liaison: ids[5],
        buddy: ids[6],
    };
    let household = tx
        .create_household(
            &NewHousehold {
                school,
                family_name: "Smith",
                address: "12 Westoe Road, South Shields",
                postcode: "NE33 3PX",
                landline: Some("01914567890"),
                language_notes: None,
                pets: None,
            },
            now,
        )
        .await
        .unwrap();
    tx.add_member(
        household,
        &NewMember {
            name: "Jo Smith",
            relationship: "mother",
            parental_responsibility: true,
            lives_at_address: true,
            phone: Some("07700900555"),
            email: None,
            notes: None,
        },
    )
    .await
    .unwrap();
    let pupil = tx
        .create_pupil(&NewPupil {
            school,
            household,
            name: "Ava Smith",
            date_of_birth: NaiveDate::from_ymd_opt(2017, 5, 14).unwrap(),
            height_cm: Some(128),
            year_group: Some("Year 4"),
        })
        .await
        .unwrap();
    let vehicle = tx
        .add_vehicle(&NewVehicle {
            staff: people.teacher,
            registration: "AB12 CDE",
            make_model: Some("Blue Ford Focus"),
            licence_expires: None,
            mot_expires: None,
            insurance_expires: None,
            business_insurance: true,
        })
        .await
        .unwrap();
    tx.commit().await.unwrap();
    School {
        id: school,
        policy,
        people,
        household,
        pupil,
        vehicle,
    }
}
