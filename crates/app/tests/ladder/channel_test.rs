//! The daily channel test: at the set time of day each school's office gets one message on every
//! outside channel set up, once a day however many instances run; the board shows how each
//! channel did, and a failing channel is named there before any alarm needs it.

use crate::helpers::{TestApp, backends, minutes};
use app::{Channels, Monitor, MonitorSettings};
use chrono::{NaiveTime, TimeZone, Utc};
use notify::testing::{HttpRecorder, SmtpServer};
use notify::{Mailer, SmsGateway, SmsSettings};

fn channels(smtp: &SmtpServer, gateway: &HttpRecorder) -> Channels {
    Channels {
        mailer: Some(Mailer::new(&smtp.settings()).unwrap()),
        sms: Some(
            SmsGateway::new(&SmsSettings {
                url: gateway.url("/sms"),
                api_key: Some("key".into()),
                sender: "Doorstep".into(),
                timeout: std::time::Duration::from_secs(5),
            })
            .unwrap(),
        ),
        webhook: None,
    }
}

fn tested_at_half_past_seven(app: &TestApp, instance: &str, c: Channels) -> Monitor {
    let settings = MonitorSettings {
        daily_test_at: NaiveTime::from_hms_opt(7, 30, 0),
        ..MonitorSettings::new(instance)
    };
    Monitor::new(app.db.clone(), app.clock.clone(), c, settings)
}

async fn board(app: &TestApp) -> app::board::Board {
    let office = app.db.staff(app.people.office).await.unwrap();
    app::board::board(&app.app(), &office, None, app.now())
        .await
        .unwrap()
}

#[tokio::test]
async fn the_office_gets_one_test_a_day_on_each_channel_and_the_board_shows_how_it_went() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let b = app.backend;
        let smtp = SmtpServer::start().await;
        let gateway = HttpRecorder::start().await;
        gateway.respond_with(503);
        let a = tested_at_half_past_seven(&app, "a", channels(&smtp, &gateway));
        let other = tested_at_half_past_seven(&app, "b", channels(&smtp, &gateway));

        // 07:00 on a Tuesday (GMT): not yet.
        app.set(Utc.with_ymd_and_hms(2026, 11, 24, 7, 0, 0).unwrap());
        assert_eq!(app.pass(&a).await.channel_tests, 0, "[{b}]");
        assert!(board(&app).await.channel_test.is_none(), "[{b}]");

        app.set(Utc.with_ymd_and_hms(2026, 11, 24, 7, 31, 0).unwrap());
        let first = app.pass(&a).await;
        assert_eq!(
            first.channel_tests, 2,
            "[{b}] an e-mail and a text: {first:?}"
        );
        // Another instance, and the same one a minute on: nothing more.
        assert_eq!(app.pass(&other).await.channel_tests, 0, "[{b}]");
        app.advance(minutes(2));
        assert_eq!(app.pass(&a).await.channel_tests, 0, "[{b}]");

        let office = app.db.staff(app.people.office).await.unwrap();
        let mail = smtp.received();
        assert_eq!(mail.len(), 1, "[{b}] one e-mail, to the office: {mail:?}");
        assert_eq!(
            mail[0].rcpt_to,
            std::slice::from_ref(&office.email),
            "[{b}]"
        );
        assert!(
            mail[0].data.contains("daily test"),
            "[{b}] {}",
            mail[0].data
        );

        let test = board(&app).await.channel_test.expect("today's test");
        assert_eq!(test.date.to_string(), "2026-11-24", "[{b}]");
        let email = test.channels.iter().find(|c| c.channel == "email").unwrap();
        assert_eq!((email.sent, email.failing), (1, false), "[{b}] {email:?}");
        let sms = test.channels.iter().find(|c| c.channel == "sms").unwrap();
        assert!(sms.failing, "[{b}] the gateway answered 503: {sms:?}");
        assert!(
            sms.last_error.as_deref().unwrap_or("").contains("503"),
            "[{b}] {sms:?}"
        );

        // The gateway comes back: the text goes out on its retry and the warning clears.
        let refused = gateway.requests().len();
        gateway.respond_with(200);
        app.advance(minutes(1));
        app.pass(&a).await;
        let test = board(&app).await.channel_test.unwrap();
        assert!(
            test.channels.iter().all(|c| !c.failing && c.sent == 1),
            "[{b}] {test:?}"
        );
        assert_eq!(
            gateway.requests().len(),
            refused + 1,
            "[{b}] the text went out once when the gateway came back"
        );

        // The next morning: a new test.
        app.set(Utc.with_ymd_and_hms(2026, 11, 25, 7, 30, 0).unwrap());
        assert_eq!(app.pass(&other).await.channel_tests, 2, "[{b}]");
        assert_eq!(app.pass(&a).await.channel_tests, 0, "[{b}]");
        let test = board(&app).await.channel_test.unwrap();
        assert_eq!(test.date.to_string(), "2026-11-25", "[{b}]");
        assert_eq!(smtp.received().len(), 2, "[{b}]");
    }
}

#[tokio::test]
async fn without_a_set_time_or_any_outside_channel_no_test_is_sent() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let smtp = SmtpServer::start().await;
        let gateway = HttpRecorder::start().await;
        app.set(Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap());
        let unset = app.monitor(channels(&smtp, &gateway));
        assert_eq!(app.pass(&unset).await.channel_tests, 0);
        let no_channels = tested_at_half_past_seven(&app, "bare", Channels::default());
        assert_eq!(app.pass(&no_channels).await.channel_tests, 0);
        assert!(smtp.received().is_empty() && gateway.requests().is_empty());
    }
}

#[test]
fn the_test_time_is_read_as_a_time_of_day_and_a_bad_one_names_the_setting() {
    assert_eq!(
        app::monitor::parse_test_time("07:30"),
        Ok(NaiveTime::from_hms_opt(7, 30, 0).unwrap())
    );
    for bad in ["7.30am", "25:00", ""] {
        let e = app::monitor::parse_test_time(bad).unwrap_err();
        assert!(e.starts_with("DOORSTEP_DAILY_TEST_AT"), "{e}");
    }
}
