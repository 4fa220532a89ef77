//! Practice alarms (drills, #11 item 9) on a moved clock against real SMTP and SMS listeners:
//! the school's real ladder on time with DRILL in every message, the acknowledgement timed per
//! rung, the police-contact rung without the real pack, an ended drill silent, only the head and
//! DSL starting or ending one, and the governors' real alarm figures without drills.

use crate::helpers::{TestApp, backends, minutes};
use app::drills::{self, StartDrill};
use app::reports::{governors_report, parse_range};
use app::{Channels, Refusal};
use notify::testing::{HttpRecorder, SmtpServer};
use notify::{Mailer, SmsGateway, SmsSettings};

fn channels(mail: &SmtpServer, gateway: &HttpRecorder) -> Channels {
    Channels {
        mailer: Some(Mailer::new(&mail.settings()).unwrap()),
        sms: Some(
            SmsGateway::new(&SmsSettings {
                url: gateway.url("/sms"),
                api_key: None,
                sender: "Doorstep".into(),
                timeout: std::time::Duration::from_secs(5),
            })
            .unwrap(),
        ),
        webhook: None,
    }
}

fn texts(gateway: &HttpRecorder) -> Vec<String> {
    let requests = gateway.requests();
    requests
        .iter()
        .map(|r| r.json()["body"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_drill_climbs_the_real_ladder_on_time_marked_drill_and_times_the_acknowledgement() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let b = app.backend;
        let (mail, gateway) = (SmtpServer::start().await, HttpRecorder::start().await);
        let monitor = app.monitor(channels(&mail, &gateway));
        let visit = app.out_on_a_visit().await;
        let head = app.staff(app.people.head).await;
        let t0 = app.now();
        let id = drills::start(
            &app.app(),
            &head,
            &StartDrill {
                visit_id: Some(visit.id.0),
                ..StartDrill::default()
            },
            t0,
        )
        .await
        .unwrap();
        let drill = app.db.alarm(id).await.unwrap();
        assert!(drill.drill, "[{b}]");

        // Rung 1 at once: the visitors, in the app and by text, each text marked DRILL.
        let s = app.pass(&monitor).await;
        assert_eq!(s.levels_fired, 1, "[{b}] {s:?}");
        let sent = texts(&gateway);
        assert_eq!(sent.len(), 2, "[{b}] both visitors: {sent:?}");
        assert!(
            sent.iter().all(|t| t.starts_with("DRILL ")),
            "[{b}] {sent:?}"
        );

        // Rung 2 is not due a minute early, and is five minutes on.
        app.set(t0 + minutes(5) - chrono::Duration::seconds(1));
        assert_eq!(app.pass(&monitor).await.levels_fired, 0, "[{b}]");
        app.set(t0 + minutes(5));
        assert_eq!(app.pass(&monitor).await.levels_fired, 1, "[{b}]");
        assert_eq!(
            app.told_at_level(&drill, 1).await.len(),
            2,
            "[{b}] buddy, office"
        );
        let sent = texts(&gateway);
        assert_eq!(sent.len(), 4, "[{b}]");
        assert!(
            sent.iter().all(|t| t.starts_with("DRILL ")),
            "[{b}] {sent:?}"
        );
        let mails = mail.received();
        assert_eq!(mails.len(), 2, "[{b}] buddy and office by e-mail");
        assert!(mails.iter().all(|m| m.data.contains("DRILL")), "[{b}]");
        for n in app.notifications(&drill).await {
            assert!(n.subject.starts_with("DRILL"), "[{b}] {n:?}");
            assert!(n.body.starts_with("DRILL"), "[{b}] {n:?}");
        }

        // The buddy acknowledges two minutes after rung 2: the ladder stops.
        app.set(t0 + minutes(7));
        let buddy = app.staff(app.people.buddy).await;
        app::board::acknowledge(&app.app(), &buddy, id, "Phoned them, all fine", app.now())
            .await
            .unwrap();
        app.set(t0 + minutes(25));
        app.pass(&monitor).await;
        assert_eq!(
            app.levels_fired(&drill).await,
            [0, 1],
            "[{b}] stopped at rung 2"
        );

        let range = parse_range(
            None,
            Some("2026-11-23"),
            Some("2026-11-23"),
            t0.date_naive(),
        )
        .unwrap();
        let report = drills::report(&app.app(), &head, None, range.clone())
            .await
            .unwrap();
        assert_eq!(report.drills.len(), 1, "[{b}]");
        let d = &report.drills[0];
        assert_eq!(d.state, "acknowledged");
        assert_eq!(d.acknowledged_by.as_deref(), Some(buddy.name.as_str()));
        assert_eq!(d.seconds_to_acknowledge, Some(7 * 60), "[{b}]");
        let rungs: Vec<_> = d
            .rungs
            .iter()
            .map(|r| (r.rung, r.sent_at, r.seconds_to_acknowledge))
            .collect();
        assert_eq!(
            rungs,
            [(1, t0, None), (2, t0 + minutes(5), Some(120))],
            "[{b}]"
        );
        assert_eq!(report.median_seconds_to_acknowledge, Some(420));
        let csv = report.table().to_csv();
        assert!(
            csv.contains(",2,2026-11-23 10:05,2026-11-23 10:07,"),
            "[{b}] {csv}"
        );

        // The head ends it; the governors' real alarm figures leave it out.
        drills::end(&app.app(), &head, id, app.now()).await.unwrap();
        let again = drills::end(&app.app(), &head, id, app.now()).await;
        assert!(
            matches!(again, Err(Refusal::Conflict { .. })),
            "[{b}] {again:?}"
        );
        let governors = governors_report(&app.app(), &head, None, range)
            .await
            .unwrap();
        assert_eq!(governors.alarms.len(), 0, "[{b}] {:?}", governors.alarms);
        let trail = app
            .db
            .audit_trail(head.trust_id, Some(app.school), Some(("alarm", id)), 10)
            .await
            .unwrap();
        let mut actions: Vec<_> = trail.iter().map(|e| e.action.as_str()).collect();
        actions.sort_unstable();
        assert_eq!(
            actions,
            ["drill.acknowledge", "drill.end", "drill.start"],
            "[{b}]"
        );
        gateway.stop().await;
        mail.stop().await;
    }
}

#[tokio::test]
async fn a_drills_police_rung_carries_no_real_pack_and_an_ended_drill_goes_quiet() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let b = app.backend;
        let (mail, gateway) = (SmtpServer::start().await, HttpRecorder::start().await);
        let monitor = app.monitor(channels(&mail, &gateway));
        let visit = app.out_on_a_visit().await;
        let dsl = app.staff(app.people.dsl).await;
        let t0 = app.now();
        let id = drills::start(
            &app.app(),
            &dsl,
            &StartDrill {
                visit_id: Some(visit.id.0),
                ..StartDrill::default()
            },
            t0,
        )
        .await
        .unwrap();
        let drill = app.db.alarm(id).await.unwrap();
        for at in [0, 5, 15, 30] {
            app.set(t0 + minutes(at));
            assert_eq!(app.pass(&monitor).await.levels_fired, 1, "[{b}] +{at} min");
        }
        // The police-contact rung went to the school's own staff, with no address or family.
        let top = app.level_messages(&drill, 3).await;
        assert!(!top.is_empty(), "[{b}]");
        for n in top.iter().filter(|n| n.channel == "email") {
            assert!(
                n.body.contains("Do not phone the police"),
                "[{b}] {}",
                n.body
            );
            assert!(
                !n.body.contains("Westoe Road") && !n.body.contains("NE33"),
                "[{b}]"
            );
        }

        drills::end(&app.app(), &dsl, id, app.now()).await.unwrap();
        // Past the top rung's repeat (every 5 minutes in the presets): nothing more climbs.
        app.set(t0 + minutes(36));
        app.pass(&monitor).await;
        assert_eq!(
            app.levels_fired(&drill).await,
            [0, 1, 2, 3],
            "[{b}] no repeat"
        );
        // Everyone it reached hears it ended, marked DRILL, and the texts were sent.
        let updates: Vec<_> = app
            .notifications(&drill)
            .await
            .into_iter()
            .filter(|n| n.idempotency_key.contains(":resolved:"))
            .collect();
        assert!(
            updates.iter().any(|n| n.channel == "sms"),
            "[{b}] {updates:?}"
        );
        for n in &updates {
            assert!(
                n.subject.starts_with("DRILL") && n.body.starts_with("DRILL"),
                "[{b}] {n:?}"
            );
            assert_eq!(n.state, "sent", "[{b}] {n:?}");
        }
        gateway.stop().await;
        mail.stop().await;
    }
}

#[tokio::test]
async fn only_the_head_and_dsl_start_or_end_a_drill_and_only_on_a_visit_that_is_out() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let b = app.backend;
        let visit = app.out_on_a_visit().await;
        let start = StartDrill {
            visit_id: Some(visit.id.0),
            ..StartDrill::default()
        };
        let teacher = app.staff(app.people.teacher).await;
        let refused = drills::start(&app.app(), &teacher, &start, app.now()).await;
        assert!(
            matches!(refused, Err(Refusal::Forbidden(_))),
            "[{b}] {refused:?}"
        );
        let office = app.staff(app.people.office).await;
        let refused = drills::start(&app.app(), &office, &start, app.now()).await;
        assert!(
            matches!(refused, Err(Refusal::Forbidden(_))),
            "[{b}] {refused:?}"
        );

        let not_out = app.authorised_visit(60, 90).await;
        let head = app.staff(app.people.head).await;
        let refused = drills::start(
            &app.app(),
            &head,
            &StartDrill {
                visit_id: Some(not_out.id.0),
                ..StartDrill::default()
            },
            app.now(),
        )
        .await;
        match refused {
            Err(Refusal::Invalid { field, .. }) => assert_eq!(field, "visit_id", "[{b}]"),
            other => panic!("[{b}] {other:?}"),
        }

        // The office sees and may acknowledge the drill, but not end it, on the board or here.
        let id = drills::start(&app.app(), &head, &start, app.now())
            .await
            .unwrap();
        let refused = app::board::resolve(&app.app(), &office, id, "done", app.now()).await;
        assert!(
            matches!(refused, Err(Refusal::Forbidden(_))),
            "[{b}] {refused:?}"
        );
        let refused = drills::end(&app.app(), &office, id, app.now()).await;
        assert!(
            matches!(refused, Err(Refusal::Forbidden(_))),
            "[{b}] {refused:?}"
        );
        assert!(
            app.db.alarm(id).await.unwrap().resolved_at.is_none(),
            "[{b}]"
        );
        // A real alarm cannot be ended as a drill.
        let real = app::raise(
            &app.db,
            &visit,
            &app::AlarmRequest {
                kind: domain::monitor::AlarmKind::Panic,
                raised_by: Some(app.people.teacher),
                detail: serde_json::json!({}),
            },
            app.now(),
        )
        .await
        .unwrap();
        let refused = drills::end(&app.app(), &head, real, app.now()).await;
        assert!(
            matches!(refused, Err(Refusal::NotFound(_))),
            "[{b}] {refused:?}"
        );
    }
}
