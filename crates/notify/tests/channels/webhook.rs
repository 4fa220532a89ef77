//! Signed webhooks to the HTTP recorder, and the crypto provider they need.

use doorstep_notify::testing::HttpRecorder;
use doorstep_notify::{
    DeliveryError, Webhook, WebhookEvent, install_crypto_provider, verify_signature,
};
use serde_json::json;

use crate::{assert_permanent, assert_temporary, webhook_settings};

#[tokio::test]
async fn webhook_body_arrives_signed_and_the_signature_verifies_only_with_the_secret() {
    let receiver = HttpRecorder::start().await;
    let hook = Webhook::new(&webhook_settings(receiver.url("/doorstep"))).unwrap();
    let payload = json!({ "event": "visit.overdue", "visit_id": 42, "minutes_late": 30 });

    hook.send(&WebhookEvent {
        idempotency_key: "alert-42-level-2-webhook".into(),
        payload: payload.clone(),
    })
    .await
    .unwrap();

    let requests = receiver.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.json(), payload);
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.header("idempotency-key"),
        Some("alert-42-level-2-webhook")
    );
    let timestamp = request.header("x-doorstep-timestamp").unwrap();
    assert!(timestamp.parse::<u64>().unwrap() > 1_700_000_000);
    let signature = request.header("x-doorstep-signature").unwrap();

    assert!(verify_signature(
        "whsec-shared",
        timestamp,
        &request.body,
        signature
    ));
    assert!(!verify_signature(
        "wrong-secret",
        timestamp,
        &request.body,
        signature
    ));
    assert!(!verify_signature(
        "whsec-shared",
        timestamp,
        br#"{"event":"visit.cancelled"}"#,
        signature
    ));
}

#[tokio::test]
async fn webhook_failures_are_classified() {
    let receiver = HttpRecorder::start().await;
    let hook = Webhook::new(&webhook_settings(receiver.url("/"))).unwrap();
    let event = WebhookEvent {
        idempotency_key: "k".into(),
        payload: json!({}),
    };

    receiver.respond_with(502);
    assert_temporary(hook.send(&event).await);
    receiver.respond_with(410);
    assert_permanent(hook.send(&event).await);
    receiver.respond_with(302);
    assert_permanent(hook.send(&event).await);

    receiver.stop().await;
    assert_temporary(hook.send(&event).await);
}

#[test]
fn a_webhook_without_a_secret_is_refused() {
    let mut settings = webhook_settings("https://school.example/hook".into());
    settings.secret = String::new();
    assert!(matches!(
        Webhook::new(&settings),
        Err(DeliveryError::Permanent(_))
    ));
}

#[test]
fn installing_the_crypto_provider_twice_is_harmless() {
    install_crypto_provider();
    install_crypto_provider();
    assert!(rustls::crypto::CryptoProvider::get_default().is_some());
}
