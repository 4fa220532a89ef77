//! D4: duress PINs kept as Argon2id hashes; the fast hashes of before are wrapped at start and
//! still raise the alarm; checking a PIN stays quick enough for a check-in tap.

use crate::helpers::{TestApp, backends, minutes};
use app::CheckInInput;
use app::duress_pin::{hash_pin, pin_matches, upgrade_legacy_pin_hashes};
use sha2::{Digest, Sha256};
use std::time::Instant;

fn pin(p: &str) -> CheckInInput {
    CheckInInput {
        pin: Some(p.into()),
        ..CheckInInput::default()
    }
}

#[tokio::test]
async fn an_old_fast_pin_hash_is_wrapped_at_start_and_still_raises_the_duress_alarm() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let b = app.backend;
        let p = app.people;
        let visit = app.out_on_a_visit().await;
        // As the version before Argon2id stored it.
        let old = hex::encode(Sha256::digest(
            format!("doorstep-duress:{}:9911", p.teacher.0).as_bytes(),
        ));
        let mut tx = app.db.begin().await.unwrap();
        tx.set_duress_pin_hash(p.teacher, &old).await.unwrap();
        tx.commit().await.unwrap();

        assert_eq!(
            upgrade_legacy_pin_hashes(&app.db).await.unwrap(),
            1,
            "[{b}]"
        );
        assert_eq!(
            upgrade_legacy_pin_hashes(&app.db).await.unwrap(),
            0,
            "[{b}] once"
        );
        let stored = app.db.duress_pin_hash(p.teacher).await.unwrap().unwrap();
        assert!(stored.starts_with("sha256+$argon2id$"), "[{b}] {stored}");
        assert!(!stored.contains(&old), "[{b}] the fast hash is gone");

        app.advance(minutes(10));
        let settings = &app.policy.settings;
        let ordinary = app::check_in(
            &app.db,
            &visit,
            p.teacher,
            &pin("1234"),
            settings,
            app.now(),
        )
        .await
        .unwrap();
        assert_eq!(ordinary.duress_alarm, None, "[{b}]");
        app.advance(minutes(10));
        let duress = app::check_in(
            &app.db,
            &visit,
            p.teacher,
            &pin("9911"),
            settings,
            app.now(),
        )
        .await
        .unwrap();
        let alarm = app.the_alarm_of(&visit).await;
        assert_eq!(alarm.kind, "duress", "[{b}]");
        assert_eq!(duress.duress_alarm, Some(alarm.id), "[{b}]");
    }
}

#[tokio::test]
async fn a_pin_set_now_is_kept_as_argon2id_and_checked_in_a_tap() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let teacher = app.staff(app.people.teacher).await;
        app::out_on_visit::set_duress_pin(&app.app(), &teacher, "9911", app.now())
            .await
            .unwrap();
        let stored = app.db.duress_pin_hash(teacher.id).await.unwrap().unwrap();
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert!(!stored.contains("9911"));
    }
    // The cost of one check, as a check-in with a PIN pays it (argon2 is built optimised even
    // in debug builds; see the workspace's Cargo.toml).
    let stored = hash_pin("9911").await.unwrap();
    let started = Instant::now();
    for _ in 0..5 {
        assert!(
            pin_matches(domain::StaffId(1), "9911", &stored)
                .await
                .unwrap()
        );
    }
    // Printed, not asserted: timings on a shared machine are noise (benchmarks measure speed).
    eprintln!("one duress PIN check took {:?}", started.elapsed() / 5);
}
