//! The one typed way to queue a message: every notification (alarm rungs, reminders, concerns,
//! incident reminders, follow-up actions) goes into the outbox here, in the caller's transaction,
//! with an idempotency key of one format: `{topic}:staff:{person}:{channel}`. The monitor's
//! delivery loop sends what is queued; the board and the live feed read the same rows.

use crate::Result;
use chrono::{DateTime, Utc};
use domain::VisitId;
use domain::policy::Channel;
use domain::recorded::Recorded;
use store::{NewNotification, Staff, Tx};

/// One message to one person on one channel.
pub struct Outgoing<'a> {
    /// What the message is about, unique per occasion (e.g. `concern:12`, `alarm:7:level:2`):
    /// queueing the same topic for the same person and channel twice queues it once.
    pub topic: &'a str,
    pub to: &'a Staff,
    pub channel: Channel,
    pub subject: &'a str,
    pub body: &'a str,
    pub visit: Option<VisitId>,
    pub alarm: Option<i64>,
    /// The webhook's address, for [`Channel::Webhook`].
    pub webhook: Option<&'a str>,
}

/// The channel's name as stored.
pub fn channel_name(channel: Channel) -> &'static str {
    match channel {
        Channel::InApp => "in_app",
        Channel::Email => "email",
        Channel::Sms => "sms",
        Channel::Webhook => "webhook",
    }
}

/// Where a message on `channel` goes for this person, if they can be reached that way.
pub fn address(channel: Channel, person: &Staff, webhook: Option<&str>) -> Option<String> {
    let given = |a: &str| Some(a.trim().to_string()).filter(|a| !a.is_empty());
    match channel {
        Channel::InApp => Some(store::in_app_address(person.id)),
        Channel::Email => given(&person.email),
        // A text goes to a checked number only: one stored before the parser was stricter is
        // recorded as unreachable with the number as stored (see `unreachable_reason`).
        Channel::Sms => person
            .mobile
            .as_ref()
            .and_then(Recorded::checked)
            .map(|m| m.as_str().to_string()),
        Channel::Webhook => webhook.and_then(given),
    }
}

/// Why a person cannot be reached on `channel`, as the office would say it.
pub fn unreachable_reason(channel: Channel, person: &Staff) -> String {
    match channel {
        Channel::Sms => match &person.mobile {
            Some(m) => format!(
                "the mobile number on record for {}, \"{m}\", is not a phone number a text can go to: correct it on the staff page",
                person.name
            ),
            None => format!("no mobile number on record for {}", person.name),
        },
        Channel::Email => format!("no e-mail address on record for {}", person.name),
        Channel::Webhook => "no webhook address is set up".to_string(),
        Channel::InApp => format!("{} cannot be told in Doorstep", person.name),
    }
}

/// The idempotency key of a message: one format for every message Doorstep sends.
pub fn key(topic: &str, person: &Staff, channel: Channel) -> String {
    format!("{topic}:staff:{}:{}", person.id, channel_name(channel))
}

/// Queues one message in `tx`. When the person cannot be reached on that channel (no mobile
/// for SMS, no webhook set) the message is recorded as failed at once with the reason (see
/// [`unreachable_reason`]) and never tried, so the board says who was not told; returns `false`
/// then, `true` when queued to be sent.
pub async fn queue(tx: &mut Tx, m: &Outgoing<'_>, now: DateTime<Utc>) -> Result<bool> {
    let address = address(m.channel, m.to, m.webhook);
    // Every text goes out in GSM-7 within its segment limit, whoever wrote it (C11).
    let body = match m.channel {
        Channel::Sms => crate::messages::sms::plain(m.body),
        _ => m.body.to_string(),
    };
    let n = NewNotification {
        alarm: m.alarm,
        visit: m.visit,
        staff: Some(m.to.id),
        channel: m.channel,
        address: address.as_deref().unwrap_or(store::UNREACHABLE),
        subject: m.subject,
        body: &body,
        idempotency_key: &key(m.topic, m.to, m.channel),
        at: now,
    };
    if address.is_none() {
        let reason = unreachable_reason(m.channel, m.to);
        tx.record_unreachable(&n, &reason).await?;
        return Ok(false);
    }
    tx.enqueue_notification(&n).await?;
    Ok(true)
}

/// Tells each person in the app and by e-mail, once per `topic` and person. Returns how many
/// people were told.
pub async fn tell(
    tx: &mut Tx,
    people: &[Staff],
    topic: &str,
    subject: &str,
    body: &str,
    visit: Option<VisitId>,
    now: DateTime<Utc>,
) -> Result<usize> {
    for person in people {
        for channel in [Channel::InApp, Channel::Email] {
            let m = Outgoing {
                topic,
                to: person,
                channel,
                subject,
                body,
                visit,
                alarm: None,
                webhook: None,
            };
            queue(tx, &m, now).await?;
        }
    }
    Ok(people.len())
}
