//! Who was told, in plain words, and a recipient who cannot be reached: recorded as a failed
//! delivery with the reason at once, never tried, never sent again nor probed.

use crate::helpers::{TestApp, backends};
use app::{AlarmRequest, Channels};
use chrono::Duration;
use domain::RoleSet;
use domain::monitor::AlarmKind;
use domain::roles::Role;
use notify::testing::{HttpRecorder, SmtpServer};
use notify::{Mailer, SmsGateway, SmsSettings};
use store::NewStaff;

fn channels(smtp: &SmtpServer, sms: &HttpRecorder) -> Channels {
    let gateway = SmsGateway::new(&SmsSettings {
        url: sms.url("/sms"),
        api_key: None,
        sender: "Doorstep".into(),
        timeout: std::time::Duration::from_secs(5),
    })
    .unwrap();
    Channels {
        mailer: Some(Mailer::new(&smtp.settings()).unwrap()),
        sms: Some(gateway),
        webhook: None,
    }
}

/// A second headteacher with no mobile number on record.
async fn head_without_a_mobile(app: &TestApp) -> domain::StaffId {
    second_head(app, "Hana Nomobile", None).await
}

/// A second headteacher named `name` with `mobile` as stored.
async fn second_head(app: &TestApp, name: &str, mobile: Option<&str>) -> domain::StaffId {
    let head = app.staff(app.people.head).await;
    let mut tx = app.db.begin().await.unwrap();
    let id = tx
        .create_staff(
            &NewStaff {
                trust: head.trust_id,
                school: head.school_id,
                name,
                email: "hana@school.test",
                mobile,
                job_title: None,
                password_hash: "not-a-real-hash",
                roles: &RoleSet::new(vec![Role::Headteacher]),
            },
            app.now(),
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

#[tokio::test]
async fn a_head_with_no_mobile_is_a_failed_text_with_the_reason_never_tried_nor_probed() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let b = app.backend;
        let (smtp, sms) = (SmtpServer::start().await, HttpRecorder::start().await);
        let monitor = app.monitor(channels(&smtp, &sms));
        let hana = head_without_a_mobile(&app).await;
        let visit = app.out_on_a_visit().await;
        let request = AlarmRequest {
            kind: AlarmKind::Panic,
            raised_by: Some(app.people.teacher),
            detail: serde_json::json!({ "how": "panic button" }),
        };
        let id = app::raise(&app.db, &visit, &request, app.now())
            .await
            .unwrap();
        app.pass(&monitor).await;

        let texts: Vec<_> = app
            .level_messages(&app.db.alarm(id).await.unwrap(), 0)
            .await
            .into_iter()
            .filter(|n| n.channel == "sms")
            .collect();
        assert_eq!(
            texts.len(),
            6,
            "[{b}] buddy, office, senior, DSL and both heads"
        );
        let hanas = texts.iter().find(|n| n.staff_id == Some(hana.0)).unwrap();
        assert_eq!(
            (
                hanas.state.as_str(),
                hanas.attempts,
                hanas.last_error.as_deref()
            ),
            (
                "failed",
                0,
                Some("no mobile number on record for Hana Nomobile")
            ),
            "[{b}] {hanas:?}"
        );
        assert_eq!(sms.requests().len(), 5, "[{b}] never tried");

        // Sending again when the channel recovers, and probing stopped channels, leave it be.
        assert_eq!(app.db.send_again_on("sms", app.now()).await.unwrap(), 0);
        for _ in 0..8 {
            app.advance(Duration::seconds(31));
            app.pass(&monitor).await;
        }
        let again = app.db.notifications_of_alarm(id).await.unwrap();
        let hanas = again.iter().find(|n| n.id == hanas.id).unwrap();
        assert_eq!(
            (hanas.state.as_str(), hanas.attempts),
            ("failed", 0),
            "[{b}]"
        );
        assert_eq!(sms.requests().len(), 5, "[{b}] never probed");

        let office = app.staff(app.people.office).await;
        let detail = app::board::alarm(&app.app(), &office, id).await.unwrap();
        let lines: Vec<&str> = detail.told.iter().map(|t| t.line.as_str()).collect();
        for expected in [
            "Hana Nomobile — text message — 10:00 — not sent: no mobile number on record for Hana Nomobile",
            "Helen Head — text message — 10:00 — delivered",
            "Helen Head — e-mail — 10:00 — delivered",
            "Hana Nomobile — e-mail — 10:00 — delivered",
            "Olive Office — in Doorstep — 10:00 — delivered",
        ] {
            assert!(lines.contains(&expected), "[{b}] {expected}\nin {lines:#?}");
        }
        assert!(lines.iter().all(|l| !l.contains("alarm:")), "[{b}] no keys");
        let text = detail
            .alarm
            .reach
            .channels
            .iter()
            .find(|c| c.channel == "sms");
        let text = text.unwrap();
        assert!(!text.failing, "[{b}] the gateway works: {text:?}");
        assert_eq!(
            text.unreachable,
            vec!["no mobile number on record for Hana Nomobile".to_string()],
            "[{b}]"
        );
        assert!(!detail.alarm.reach.nobody_told, "[{b}]");
    }
}

#[tokio::test]
async fn a_mobile_stored_before_the_parser_was_stricter_is_a_failed_text_naming_the_number() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let b = app.backend;
        let (smtp, sms) = (SmtpServer::start().await, HttpRecorder::start().await);
        let monitor = app.monitor(channels(&smtp, &sms));
        // Typed before Doorstep checked phone numbers: no gateway can text it.
        let hana = second_head(&app, "Hana Oldnumber", Some("ext. 214")).await;
        let visit = app.out_on_a_visit().await;
        let request = AlarmRequest {
            kind: AlarmKind::Panic,
            raised_by: Some(app.people.teacher),
            detail: serde_json::json!({ "how": "panic button" }),
        };
        let id = app::raise(&app.db, &visit, &request, app.now())
            .await
            .unwrap();
        app.pass(&monitor).await;

        let reason = "the mobile number on record for Hana Oldnumber, \"ext. 214\", is not a phone number a text can go to: correct it on the staff page";
        let texts = app
            .level_messages(&app.db.alarm(id).await.unwrap(), 0)
            .await;
        let hanas = texts
            .iter()
            .find(|n| n.channel == "sms" && n.staff_id == Some(hana.0))
            .expect("her text is recorded, not dropped");
        assert_eq!(
            (
                hanas.state.as_str(),
                hanas.attempts,
                hanas.last_error.as_deref()
            ),
            ("failed", 0, Some(reason)),
            "[{b}] {hanas:?}"
        );
        assert_eq!(sms.requests().len(), 5, "[{b}] never sent to the gateway");

        let office = app.staff(app.people.office).await;
        let detail = app::board::alarm(&app.app(), &office, id).await.unwrap();
        let sms_reach = detail
            .alarm
            .reach
            .channels
            .iter()
            .find(|c| c.channel == "sms");
        assert_eq!(
            sms_reach.unwrap().unreachable,
            vec![reason.to_string()],
            "[{b}] the office sees the number as stored"
        );
    }
}
