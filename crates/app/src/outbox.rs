//! The one typed way to queue a message: every notification (alarm rungs, reminders, concerns,
//! incident reminders, follow-up actions) goes into the outbox here, in the caller's transaction,
//! with an idempotency key of one format: `{topic}:staff:{person}:{channel}`. The monitor's
//! delivery loop sends what is queued; the board and the live feed read the same rows.

use crate::Result;
use chrono::{DateTime, Utc};
use domain::VisitId;
use domain::policy::Channel;
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
    match channel {
        Channel::InApp => Some(store::in_app_address(person.id)),
        Channel::Email => Some(person.email.clone()),
        Channel::Sms => person.mobile.clone(),
        Channel::Webhook => webhook.map(str::to_string),
    }
}

/// The idempotency key of a message: one format for every message Doorstep sends.
pub fn key(topic: &str, person: &Staff, channel: Channel) -> String {
    format!("{topic}:staff:{}:{}", person.id, channel_name(channel))
}

/// Queues one message in `tx`. Returns `false` when the person cannot be reached on that channel
/// (no mobile for SMS, no webhook set).
pub async fn queue(tx: &mut Tx, m: &Outgoing<'_>, now: DateTime<Utc>) -> Result<bool> {
    let Some(address) = address(m.channel, m.to, m.webhook) else {
        return Ok(false);
    };
    tx.enqueue_notification(&NewNotification {
        alarm: m.alarm,
        visit: m.visit,
        staff: Some(m.to.id),
        channel: channel_name(m.channel),
        address: &address,
        subject: m.subject,
        body: m.body,
        idempotency_key: &key(m.topic, m.to, m.channel),
        at: now,
    })
    .await?;
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
