//! Two Doorstep instances on one PostgreSQL database, passes running side by side.

use crate::helpers::{Backend, TestApp, minutes};
use app::{Channels, Monitor, MonitorSettings, PassSummary};
use chrono::{DateTime, Utc};
use notify::testing::{HttpRecorder, SmtpServer};
use notify::{Mailer, SmsGateway, SmsSettings};
use std::collections::BTreeMap;
use store::{Db, Secrets};

const VISITS: usize = 200;

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

fn add(total: &mut PassSummary, s: PassSummary) {
    total.deadlines_fired += s.deadlines_fired;
    total.reminders += s.reminders;
    total.levels_fired += s.levels_fired;
    total.delivered += s.delivered;
    total.retried += s.retried;
    total.failed += s.failed;
}

/// Both instances pass at `now`, in parallel, until neither has anything left to do.
async fn both_until_quiet(a: &Monitor, b: &Monitor, now: DateTime<Utc>, total: &mut PassSummary) {
    for _ in 0..100 {
        let (ma, mb) = (a.clone(), b.clone());
        let ta = tokio::spawn(async move { ma.run_once(now).await });
        let tb = tokio::spawn(async move { mb.run_once(now).await });
        let (sa, sb) = (ta.await.unwrap().unwrap(), tb.await.unwrap().unwrap());
        add(total, sa);
        add(total, sb);
        if !sa.did_anything() && !sb.did_anything() {
            return;
        }
    }
    panic!("the monitors never went quiet");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_one_postgres_fire_every_level_of_two_hundred_alarms_exactly_once() {
    let Some(url) = testkit::fresh_postgres_url() else {
        eprintln!("PostgreSQL is not installed: skipping the two-instance test");
        return;
    };
    let app = TestApp::start(Backend::postgres(url.clone()), "harton").await;
    let (smtp, sms) = (SmtpServer::start().await, HttpRecorder::start().await);
    // Each instance has its own pool and adapters, as two processes would.
    let other_db = Db::connect(&url, Secrets::for_tests()).await.unwrap();
    let settings = |name: &str| MonitorSettings::new(name);
    let a = Monitor::new(
        app.db.clone(),
        app.clock.clone(),
        channels(&smtp, &sms),
        settings("instance-a"),
    );
    let b = Monitor::new(
        other_db,
        app.clock.clone(),
        channels(&smtp, &sms),
        settings("instance-b"),
    );
    let t0 = app.now();
    let mut visits = Vec::new();
    for _ in 0..VISITS {
        visits.push(app.out_on_a_visit().await);
    }

    // The reminder, the missed check-in (10:35) and each rung after it: +5, +15, +30 minutes.
    let mut total = PassSummary::default();
    for at in [25, 35, 40, 50, 65] {
        both_until_quiet(&a, &b, t0 + minutes(at), &mut total).await;
    }

    assert_eq!(total.deadlines_fired, VISITS, "{total:?}");
    assert_eq!(total.reminders, VISITS, "{total:?}");
    assert_eq!(total.levels_fired, VISITS * 4, "{total:?}");
    assert_eq!((total.retried, total.failed), (0, 0), "{total:?}");

    let alarms = app.db.all_alarms().await.unwrap();
    assert_eq!(alarms.len(), VISITS, "one alarm per visit");
    let mut alarm_sms = Vec::new();
    let mut alarm_messages = 0;
    let mut emails = 0;
    for (alarm, visit) in alarms.iter().zip(&visits) {
        assert_eq!(alarm.visit_id, Some(visit.id.0));
        assert_eq!(alarm.kind, "missed_check_in");
        assert_eq!(app.levels_fired(alarm).await, vec![0, 1, 2, 3]);
        let messages = app.notifications(alarm).await;
        // Visitors 2×2, buddy and office 2×3, senior leader and DSL 2×3, and the head too 3×3.
        assert_eq!(messages.len(), 4 + 6 + 6 + 9, "alarm {}", alarm.id);
        for n in &messages {
            assert_eq!(n.state, "sent", "{n:?}");
            assert_eq!(n.attempts, 1, "sent once: {n:?}");
            match n.channel.as_str() {
                "sms" => alarm_sms.push(n.idempotency_key.clone()),
                "email" => emails += 1,
                _ => {}
            }
        }
        alarm_messages += messages.len();
    }

    // Every text reached the gateway once, under its own key.
    let mut texts: BTreeMap<String, usize> = BTreeMap::new();
    for r in sms.requests() {
        let key = r.header("Idempotency-Key").unwrap().to_string();
        *texts.entry(key).or_default() += 1;
    }
    assert!(texts.values().all(|&n| n == 1), "a text went out twice");
    alarm_sms.sort();
    let sent_alarm_texts: Vec<String> = texts
        .keys()
        .filter(|k| k.starts_with("alarm:"))
        .cloned()
        .collect();
    assert_eq!(sent_alarm_texts, alarm_sms);
    let reminder_texts = texts.keys().filter(|k| k.starts_with("reminder:")).count();
    assert_eq!(reminder_texts, VISITS * 2);

    assert_eq!(smtp.received().len(), emails, "every e-mail once");
    // Each message was delivered by exactly one of the two instances: alarms' and reminders'
    // (two visitors, in the app and by text).
    assert_eq!(total.delivered, alarm_messages + VISITS * 4);
    let passes = app.db.monitor_passes().await.unwrap();
    assert_eq!(passes.len(), 2, "both instances recorded their passes");
}
