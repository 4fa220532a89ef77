//! Tester C11: every text message is GSM-7 within three segments as the gateway receives it,
//! the office's own words too ("—", curly quotes, accents mapped; Arabic replaced by
//! "(see Doorstep)" rather than forcing the whole message into UCS-2).

use crate::helpers::{TestApp, backends};
use app::messages::gsm7::{is_gsm7, segments};
use app::{AlarmRequest, Channels};
use domain::monitor::AlarmKind;
use notify::testing::HttpRecorder;
use notify::{SmsGateway, SmsSettings};

#[tokio::test]
async fn office_typed_outcomes_reach_the_gateway_as_gsm7_within_three_segments() {
    for backend in backends() {
        let app = TestApp::start(backend, "reach2").await;
        let b = app.backend;
        let gateway = HttpRecorder::start().await;
        let channels = Channels {
            sms: Some(
                SmsGateway::new(&SmsSettings {
                    url: gateway.url("/sms"),
                    api_key: Some("key".into()),
                    sender: "Doorstep".into(),
                    timeout: std::time::Duration::from_secs(5),
                })
                .unwrap(),
            ),
            ..Channels::default()
        };
        let monitor = app.monitor(channels);
        let visit = app.out_on_a_visit().await;
        let request = AlarmRequest {
            kind: AlarmKind::Panic,
            raised_by: Some(app.people.teacher),
            detail: serde_json::json!({}),
        };
        let id = app::raise(&app.db, &visit, &request, app.now())
            .await
            .unwrap();
        app.pass(&monitor).await;
        let office = app.staff(app.people.office).await;
        let outcome = format!(
            "Staff safe — “all fine”, spoke to Zoë. تم الاتصال بالعائلة {}",
            "and the family will come in tomorrow morning to talk it through. ".repeat(12)
        );
        app::resolve(&app.db, id, &office, &outcome, app.now())
            .await
            .unwrap();
        app.pass(&monitor).await;

        let bodies: Vec<String> = gateway
            .requests()
            .iter()
            .map(|r| r.json()["body"].as_str().unwrap_or_default().to_string())
            .collect();
        let resolved: Vec<&String> = bodies
            .iter()
            .filter(|b| b.contains("Resolved by"))
            .collect();
        assert!(
            !resolved.is_empty(),
            "[{b}] the outcome is texted: {bodies:#?}"
        );
        for body in &bodies {
            assert!(is_gsm7(body), "[{b}] not GSM-7: {body}");
            assert!(
                segments(body).is_some_and(|n| (1..=3).contains(&n)),
                "[{b}] {body}"
            );
        }
        for body in resolved {
            assert!(
                body.contains(
                    "Staff safe - \"all fine\", spoke to Zoe. (see Doorstep) and the family"
                ),
                "[{b}] {body}"
            );
            assert!(body.ends_with("..."), "[{b}] cut at a word: {body}");
        }
        gateway.stop().await;
    }
}
