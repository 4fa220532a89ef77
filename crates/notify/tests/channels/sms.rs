//! SMS through the HTTP recorder standing in for the gateway.

use std::time::Duration;

use doorstep_notify::testing::{HttpRecorder, SilentServer};
use doorstep_notify::{DeliveryError, SmsGateway};
use serde_json::json;

use crate::{alarm_text, assert_permanent, assert_temporary, sms_settings};

#[tokio::test]
async fn sms_gateway_receives_json_with_bearer_key_and_idempotency_key() {
    let gateway = HttpRecorder::start().await;
    let sms = SmsGateway::new(&sms_settings(gateway.url("/v1/messages"))).unwrap();

    sms.send(&alarm_text(), "alert-7-level-1-sms")
        .await
        .unwrap();

    let requests = gateway.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v1/messages");
    assert_eq!(request.header("authorization"), Some("Bearer sms-key-123"));
    assert_eq!(
        request.header("idempotency-key"),
        Some("alert-7-level-1-sms")
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.json(),
        json!({
            "to": "+447700900123",
            "from": "Doorstep",
            "body": "Doorstep: Ms Patel is 30 min overdue at 14 Elm Road. Call her.",
        })
    );
}

#[tokio::test]
async fn sms_without_an_api_key_sends_no_authorization_header() {
    let gateway = HttpRecorder::start().await;
    let mut settings = sms_settings(gateway.url("/"));
    settings.api_key = None;
    let sms = SmsGateway::new(&settings).unwrap();

    sms.send(&alarm_text(), "k").await.unwrap();

    assert_eq!(gateway.requests()[0].header("authorization"), None);
}

#[tokio::test]
async fn sms_gateway_server_errors_and_throttling_are_temporary() {
    let gateway = HttpRecorder::start().await;
    let sms = SmsGateway::new(&sms_settings(gateway.url("/"))).unwrap();
    for status in [500, 503, 429, 408] {
        gateway.respond_with(status);
        assert_temporary(sms.send(&alarm_text(), "k").await);
    }
}

#[tokio::test]
async fn sms_gateway_client_errors_are_permanent() {
    let gateway = HttpRecorder::start().await;
    let sms = SmsGateway::new(&sms_settings(gateway.url("/"))).unwrap();
    for status in [400, 401, 404, 422] {
        gateway.respond_with(status);
        assert_permanent(sms.send(&alarm_text(), "k").await);
    }
}

#[tokio::test]
async fn sms_with_nothing_listening_is_temporary() {
    let gateway = HttpRecorder::start().await;
    let url = gateway.url("/");
    gateway.stop().await;
    let sms = SmsGateway::new(&sms_settings(url)).unwrap();

    assert_temporary(sms.send(&alarm_text(), "k").await);
}

#[tokio::test]
async fn a_gateway_that_never_answers_times_out_as_temporary() {
    let silent = SilentServer::start().await;
    let url = format!("http://{}/", silent.addr());
    let mut settings = sms_settings(url);
    settings.timeout = Duration::from_millis(300);
    let sms = SmsGateway::new(&settings).unwrap();

    assert_temporary(sms.send(&alarm_text(), "k").await);
}

#[test]
fn bad_gateway_settings_are_refused_as_permanent() {
    assert!(matches!(
        SmsGateway::new(&sms_settings("not a url".into())),
        Err(DeliveryError::Permanent(_))
    ));
    let mut settings = sms_settings("https://sms.example/send".into());
    settings.api_key = Some("line\nbreak".into());
    assert!(matches!(
        SmsGateway::new(&settings),
        Err(DeliveryError::Permanent(_))
    ));
}
