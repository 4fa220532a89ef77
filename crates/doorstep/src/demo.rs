//! Demo data: a trust with one school per preset, staff for every role, pupils and households.

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Months, NaiveDate, Utc};
use domain::{Role, RoleSet, SchoolId, StaffId, TrustId};
use store::{Db, NewHousehold, NewMember, NewPupil, NewStaff, NewVehicle, Tx};

mod history;

pub const PASSWORD: &str = "doorstep-demo";
pub const TRUST: &str = "Doorstep Demo Learning Trust";

/// (preset, school name, e-mail domain)
const SCHOOLS: [(&str, &str, &str); 5] = [
    ("harton", "Harton Academy", "harton.demo"),
    (
        "st-josephs",
        "St Joseph's Catholic Academy",
        "stjosephs.demo",
    ),
    ("reach2", "REAch2 Demo Primary", "reach2.demo"),
    ("hsp", "HSP Demo School", "hsp.demo"),
    ("sen-trust-southend", "Kingsdown School", "kingsdown.demo"),
];

/// (local part, name, job title, roles)
const STAFF: [(&str, &str, &str, &[Role]); 7] = [
    ("head", "Helen Head", "Headteacher", &[Role::Headteacher]),
    (
        "dsl",
        "Dev Safeguarding",
        "Designated Safeguarding Lead",
        &[Role::Dsl, Role::SeniorLeader],
    ),
    (
        "senior",
        "Sam Senior",
        "Deputy Headteacher",
        &[Role::SeniorLeader],
    ),
    ("office", "Olive Office", "Office Manager", &[Role::Office]),
    (
        "teacher",
        "Tom Teacher",
        "Class Teacher",
        &[Role::VisitingStaff],
    ),
    (
        "liaison",
        "Lina Liaison",
        "Family Liaison Officer",
        &[Role::VisitingStaff, Role::AttendanceLead],
    ),
    // Reads allegations about the head (A10); not a member of staff who visits.
    (
        "chair",
        "Chris Chair",
        "Chair of Governors",
        &[Role::ChairOfGovernors],
    ),
];

/// Creates the demo trust once; returns the logins to print (role, e-mail).
pub async fn create(db: &Db, now: DateTime<Utc>) -> Result<Vec<(String, String)>> {
    let logins = logins();
    if db.trust_by_name(TRUST).await?.is_some() {
        return Ok(logins);
    }
    let hash = server::hash_password(PASSWORD.to_string())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut tx = db.begin().await?;
    let trust = tx.create_trust(TRUST).await?;
    let admin_roles = RoleSet::new(vec![Role::TrustAdmin]);
    tx.create_staff(
        &NewStaff {
            trust,
            school: None,
            name: "Trudy Trust",
            email: "admin@trust.demo",
            mobile: Some("07700900000"),
            job_title: Some("Trust safeguarding lead"),
            password_hash: &hash,
            roles: &admin_roles,
        },
        now,
    )
    .await?;
    let mut created = Vec::new();
    for (n, (preset, name, domain)) in SCHOOLS.iter().enumerate() {
        let school = server::create_school_on_preset(
            &mut tx,
            trust,
            name,
            Some("01912345678"),
            preset,
            None,
            now,
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        school_people(&mut tx, trust, school, domain, n, &hash, now)
            .await
            .with_context(|| format!("demo staff for {name}"))?;
        created.push((*preset, school, *domain));
    }
    tx.commit().await?;
    history::create(db, &created, now)
        .await
        .context("the demo's history of visits")?;
    Ok(logins)
}

fn logins() -> Vec<(String, String)> {
    let mut out = vec![(
        "Trust administrator (all schools)".to_string(),
        "admin@trust.demo".to_string(),
    )];
    for (preset, school, domain) in SCHOOLS {
        for (local, _, title, _) in STAFF {
            out.push((
                format!("{title}, {school} [{preset}]"),
                format!("{local}@{domain}"),
            ));
        }
    }
    out
}

async fn school_people(
    tx: &mut Tx,
    trust: TrustId,
    school: SchoolId,
    domain: &str,
    n: usize,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut teacher = None;
    for (i, (local, name, title, roles)) in STAFF.iter().enumerate() {
        let email = format!("{local}@{domain}");
        let mobile = format!("077009{:02}{:03}", n + 1, i + 1);
        let id = tx
            .create_staff(
                &NewStaff {
                    trust,
                    school: Some(school),
                    name,
                    email: &email,
                    mobile: Some(&mobile),
                    job_title: Some(title),
                    password_hash: hash,
                    roles: &RoleSet::new(roles.to_vec()),
                },
                now,
            )
            .await?;
        if *local == "teacher" {
            teacher = Some(id);
        }
    }
    if let Some(driver) = teacher {
        vehicle(tx, driver, n, now).await?;
    }
    let smith = tx
        .create_household(
            &NewHousehold {
                school,
                family_name: "Smith",
                address: format!("{} Westoe Road, South Shields", 10 + n).as_str(),
                postcode: "NE33 3PX",
                landline: Some("01914567890"),
                language_notes: None,
                pets: Some("Large dog (friendly)"),
            },
            now,
        )
        .await?;
    tx.add_member(
        smith,
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
    .await?;
    tx.add_member(
        smith,
        &NewMember {
            name: "Chris Bell",
            relationship: "mother's partner",
            parental_responsibility: false,
            lives_at_address: true,
            phone: None,
            email: None,
            notes: None,
        },
    )
    .await?;
    tx.create_pupil(&NewPupil {
        school,
        household: smith,
        name: "Ava Smith",
        date_of_birth: date(2017, 5, 14)?,
        height_cm: Some(128),
        year_group: Some("Year 4"),
    })
    .await?;

    let khan = tx
        .create_household(
            &NewHousehold {
                school,
                family_name: "Khan",
                address: format!("{} Marsden Lane, South Shields", 3 + n).as_str(),
                postcode: "NE34 7AB",
                landline: None,
                language_notes: Some("Urdu spoken at home; father's English is limited"),
                pets: None,
            },
            now,
        )
        .await?;
    tx.add_member(
        khan,
        &NewMember {
            name: "Imran Khan",
            relationship: "father",
            parental_responsibility: true,
            lives_at_address: true,
            phone: Some("07700900777"),
            email: None,
            notes: None,
        },
    )
    .await?;
    let head = StaffId(tx_first_staff(tx, school).await?);
    tx.add_caution(
        khan,
        "Father was verbally aggressive to the attendance officer on the doorstep last term",
        "previous visit (attendance team)",
        head,
        now,
    )
    .await?;
    tx.create_pupil(&NewPupil {
        school,
        household: khan,
        name: "Zara Khan",
        date_of_birth: date(2014, 11, 2)?,
        height_cm: Some(150),
        year_group: Some("Year 7"),
    })
    .await?;
    Ok(())
}

async fn tx_first_staff(tx: &mut Tx, school: SchoolId) -> Result<i64> {
    tx.first_staff_of_school(school)
        .await?
        .context("the school has no staff")
}

async fn vehicle(tx: &mut Tx, driver: StaffId, n: usize, now: DateTime<Utc>) -> Result<()> {
    let in_a_year = now
        .date_naive()
        .checked_add_months(Months::new(12))
        .context("date overflow")?;
    let registration = format!("NE{}4ABC", 20 + n);
    tx.add_vehicle(&NewVehicle {
        staff: driver,
        registration: &registration,
        make_model: Some("Blue Ford Focus"),
        licence_expires: Some(in_a_year),
        mot_expires: Some(in_a_year),
        insurance_expires: Some(in_a_year),
        business_insurance: true,
    })
    .await?;
    Ok(())
}

fn date(y: i32, m: u32, d: u32) -> Result<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).context("bad demo date")
}

/// `doorstep user add`: a member of staff with a password, checked like the API checks it.
#[allow(clippy::too_many_arguments)]
pub async fn add_user(
    db: &Db,
    email: &str,
    name: &str,
    roles: RoleSet,
    school: Option<i64>,
    trust: Option<i64>,
    mobile: Option<&str>,
    password: &str,
) -> Result<i64> {
    let email = domain::inputs::email("email", email).map_err(|e| anyhow::anyhow!("{e}"))?;
    let name = domain::inputs::text("name", name, 200).map_err(|e| anyhow::anyhow!("{e}"))?;
    if roles.is_empty() {
        bail!("roles: give at least one role");
    }
    if password.chars().count() < 10 {
        bail!("password: must be at least 10 characters long");
    }
    let (trust, school) = match (school, trust) {
        (Some(s), _) => {
            let school = db
                .school(SchoolId(s))
                .await
                .with_context(|| format!("school {s}"))?;
            (school.trust_id, Some(school.id))
        }
        (None, Some(t)) => (
            db.trust(TrustId(t))
                .await
                .with_context(|| format!("trust {t}"))?
                .id,
            None,
        ),
        (None, None) => bail!("give --school, or --trust for a trust-level account"),
    };
    let hash = server::hash_password(password.to_string())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut tx = db.begin().await?;
    let id = tx
        .create_staff(
            &NewStaff {
                trust,
                school,
                name: &name,
                email: &email,
                mobile,
                job_title: None,
                password_hash: &hash,
                roles: &roles,
            },
            Utc::now(),
        )
        .await?;
    tx.commit().await?;
    Ok(id.0)
}
