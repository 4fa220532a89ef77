//! Phone numbers, postcodes and car registrations are decoded once, where the store reads them:
//! checked (in their normal form) by today's parser, or exactly as stored when it refuses a value
//! typed before it was stricter. Never dropped, never an error: the office still reads it.

// A panic is how a test fails; the workspace's `unwrap_used` lint is for production code.
#![allow(clippy::unwrap_used)]

use domain::inputs::{CarRegistration, PhoneNumber, Postcode};
use domain::recorded::Recorded;
use domain::{Role, RoleSet};
use doorstep_store::{Db, NewHousehold, NewMember, NewStaff, NewVehicle, Secrets, Tx};

async fn backends() -> Vec<(&'static str, Db, Option<tempfile::TempDir>)> {
    let mut out = Vec::new();
    let (dir, url) = testkit::fresh_sqlite_url();
    out.push((
        "sqlite",
        Db::connect(&url, Secrets::for_tests()).await.unwrap(),
        Some(dir),
    ));
    if let Some(url) = testkit::fresh_postgres_url() {
        out.push((
            "postgres",
            Db::connect(&url, Secrets::for_tests()).await.unwrap(),
            None,
        ));
    }
    out
}

/// Writes as an older Doorstep (or a hand edit) did, past today's parsers.
async fn exec(tx: &mut Tx, sql: &str) {
    let sql = sqlx::AssertSqlSafe(sql.to_string());
    match tx {
        Tx::Sqlite(t) => sqlx::raw_sql(sql).execute(&mut **t).await.map(|_| ()),
        Tx::Pg(t) => sqlx::raw_sql(sql).execute(&mut **t).await.map(|_| ()),
    }
    .unwrap();
}

fn as_stored<T>(s: &str) -> Recorded<T> {
    Recorded::AsStored(s.into())
}

#[tokio::test]
async fn a_value_stored_before_the_parser_was_stricter_reads_back_as_stored_and_a_good_one_checked()
{
    for (name, db, _dir) in backends().await {
        let now = chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap();
        let mut tx = db.begin().await.unwrap();
        let trust = tx.create_trust("Test Trust").await.unwrap();
        let school = tx
            .create_school(
                trust,
                "Harton Academy",
                Some("0191 456 1234"),
                "harton",
                now,
            )
            .await
            .unwrap();
        let new_household = |family_name| NewHousehold {
            school,
            family_name,
            address: "3 Dean Road, South Shields",
            postcode: "ne33 4ab",
            landline: Some("0191 456 7890"),
            language_notes: None,
            pets: None,
        };
        let old = tx
            .create_household(&new_household("Jones"), now)
            .await
            .unwrap();
        let good = tx
            .create_household(&new_household("Smith"), now)
            .await
            .unwrap();
        let member = NewMember {
            name: "Mrs A Jones",
            relationship: "mother",
            parental_responsibility: true,
            lives_at_address: true,
            phone: Some("07700 900555"),
            email: None,
            notes: None,
        };
        tx.add_member(old, &member).await.unwrap();
        let roles = RoleSet::new(vec![Role::VisitingStaff]);
        let new_staff = |email, mobile| NewStaff {
            trust,
            school: Some(school),
            name: "Ann Teacher",
            email,
            mobile,
            job_title: None,
            password_hash: "not-a-real-hash",
            roles: &roles,
        };
        let ann = tx
            .create_staff(&new_staff("ann@school.test", Some("+44 7700 900123")), now)
            .await
            .unwrap();
        let ben = tx
            .create_staff(&new_staff("ben@school.test", Some("ext. 214")), now)
            .await
            .unwrap();
        let blank = tx
            .create_staff(&new_staff("cat@school.test", Some("  ")), now)
            .await
            .unwrap();
        let new_vehicle = |registration| NewVehicle {
            staff: ann,
            registration,
            make_model: None,
            licence_expires: None,
            mot_expires: None,
            insurance_expires: None,
            business_insurance: true,
        };
        let good_car = tx.add_vehicle(&new_vehicle("ab12 cde")).await.unwrap();
        let old_car = tx
            .add_vehicle(&new_vehicle("AB-12-CDE (grey)"))
            .await
            .unwrap();
        exec(
            &mut tx,
            &format!(
                "update households set postcode = 'BFPO 105', landline = '01632 960 000 ext 2' where id = {}",
                old.0
            ),
        )
        .await;
        exec(
            &mut tx,
            "update household_members set phone = '0191-456-12'",
        )
        .await;
        exec(&mut tx, "update schools set phone = '0191 45'").await;
        tx.commit().await.unwrap();

        let h = db.household(old).await.unwrap();
        assert_eq!(h.postcode, as_stored("BFPO 105"), "{name}");
        assert_eq!(h.landline, Some(as_stored("01632 960 000 ext 2")), "{name}");
        // The API's JSON still carries the text as stored.
        let json = serde_json::to_value(&h).unwrap();
        assert_eq!(json["postcode"], "BFPO 105", "{name}");
        assert_eq!(json["landline"], "01632 960 000 ext 2", "{name}");
        let members = db.household_members(old).await.unwrap();
        assert_eq!(members[0].phone, Some(as_stored("0191-456-12")), "{name}");

        let h = db.household(good).await.unwrap();
        let postcode = Postcode::parse("postcode", "NE33 4AB").unwrap();
        assert_eq!(h.postcode, Recorded::Checked(postcode), "{name}");
        assert_eq!(h.postcode.to_string(), "NE33 4AB", "{name}");
        let landline = PhoneNumber::parse("landline", "01914567890").unwrap();
        assert_eq!(h.landline, Some(Recorded::Checked(landline)), "{name}");

        let school = db.school(school).await.unwrap();
        assert_eq!(school.phone, Some(as_stored("0191 45")), "{name}");

        let mobile = db.staff(ann).await.unwrap().mobile.unwrap();
        assert_eq!(mobile.as_str(), "+447700900123", "{name}");
        assert_eq!(
            mobile.checked().unwrap().national(),
            "07700900123",
            "{name}"
        );
        let mobile = db.staff(ben).await.unwrap().mobile;
        assert_eq!(mobile, Some(as_stored("ext. 214")), "{name}");
        assert_eq!(
            db.staff(blank).await.unwrap().mobile,
            None,
            "{name}: blank is none"
        );
        // Texts in are matched on checked numbers; the one as stored is still listed.
        let mobiles = db.staff_mobiles().await.unwrap();
        assert!(mobiles.contains(&(ben.0, as_stored("ext. 214"))), "{name}");

        let car = db.vehicle(good_car).await.unwrap().registration;
        let registration = CarRegistration::parse("registration", "AB12CDE").unwrap();
        assert_eq!(car, Recorded::Checked(registration), "{name}");
        let car = db.vehicle(old_car).await.unwrap().registration;
        assert_eq!(car, as_stored("AB-12-CDE (grey)"), "{name}");
    }
}
