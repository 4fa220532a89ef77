//! Each channel against a real server the test starts on 127.0.0.1: what arrives, and how failures
//! are classified (retry later or give up).

// A panic is how a test fails; the workspace's `unwrap_used` lint is for production code.
#![allow(clippy::unwrap_used)]

mod email;
mod sms;
mod webhook;

use std::time::Duration;

use doorstep_notify::{DeliveryError, Message, SmsSettings, WebhookSettings};

fn alarm_email() -> Message {
    Message {
        to: "head@school.test".into(),
        subject: "Visit overdue: 14 Elm Road".into(),
        body: "Ms Patel has not signed out of her 14:00 visit.\nPlease call her now.".into(),
    }
}

fn alarm_text() -> Message {
    Message {
        to: "+447700900123".into(),
        subject: "ignored for SMS".into(),
        body: "Doorstep: Ms Patel is 30 min overdue at 14 Elm Road. Call her.".into(),
    }
}

fn sms_settings(url: String) -> SmsSettings {
    SmsSettings {
        url,
        api_key: Some("sms-key-123".into()),
        sender: "Doorstep".into(),
        timeout: Duration::from_secs(5),
    }
}

fn webhook_settings(url: String) -> WebhookSettings {
    WebhookSettings {
        url,
        secret: "whsec-shared".into(),
        timeout: Duration::from_secs(5),
    }
}

fn assert_temporary(result: Result<(), DeliveryError>) {
    assert!(
        matches!(result, Err(DeliveryError::Temporary(_))),
        "expected Temporary, got {result:?}"
    );
}

fn assert_permanent(result: Result<(), DeliveryError>) {
    assert!(
        matches!(result, Err(DeliveryError::Permanent(_))),
        "expected Permanent, got {result:?}"
    );
}
