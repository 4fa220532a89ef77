//! Who was told of an alarm, in plain words: "Helen Head — text message — 10:32 — delivered".
//! Read from the alarm's deliveries each time, so the office sees each message go out, fail or
//! wait without reading delivery keys.

use crate::Result;
use chrono::{DateTime, Utc};
use domain::monitor::DeliveryState;
use serde::Serialize;
use std::collections::HashMap;
use store::{Db, Notification};

/// One message of an alarm: who, how, when and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Told {
    /// The person's name, or "The school's alert webhook".
    pub who: String,
    /// "text message", "e-mail", "in Doorstep" or "alert webhook".
    pub channel: String,
    /// When it went out, or when it was queued if it has not (UTC).
    pub at: DateTime<Utc>,
    /// "delivered", "kept in the demo outbox" (`doorstep demo` with the channel not set up),
    /// "waiting to be sent", "not delivered yet, trying again: …", "failed: …", or "not sent: no
    /// mobile number on record for …".
    pub outcome: String,
    /// Whether it reached the person's phone, inbox or screen (handed to the gateway or server);
    /// false for a message the demo outbox kept.
    pub delivered: bool,
    /// All of it in one line, at the school's local time: "Helen Head — text message — 10:32 —
    /// delivered".
    pub line: String,
}

/// The channel as the office says it.
pub fn channel_words(channel: &str) -> &str {
    match channel {
        "sms" => "text message",
        "email" => "e-mail",
        "in_app" => "in Doorstep",
        "webhook" => "alert webhook",
        other => other,
    }
}

fn outcome(n: &Notification) -> String {
    let error = n.last_error.as_deref().unwrap_or("no detail");
    match n.state.as_str() {
        "sent" if n.demo_outbox => "kept in the demo outbox".to_string(),
        "sent" => "delivered".to_string(),
        "failed" if n.address == store::UNREACHABLE => format!("not sent: {error}"),
        "failed" => format!("failed: {error}"),
        "sending" => "being sent now".to_string(),
        _ if n.last_error.is_some() => format!("not delivered yet, trying again: {error}"),
        _ => "waiting to be sent".to_string(),
    }
}

/// The alarm's `deliveries` in plain words, oldest first, times on the school's clock `tz`.
/// Errors: a store error reading the recipients' names (one read for all of them).
pub async fn told(db: &Db, deliveries: &[Notification], tz: chrono_tz::Tz) -> Result<Vec<Told>> {
    let names = names_of(db, deliveries.iter().filter_map(|n| n.staff_id)).await?;
    Ok(told_with(deliveries, tz, &names))
}

/// The names of the staff `ids` by id, in one read however many (the board names everyone told
/// of twenty alarms, and whoever took charge of each, at once).
pub(crate) async fn names_of(
    db: &Db,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, String>> {
    let ids: Vec<i64> = ids.into_iter().collect();
    Ok(db.staff_names(&ids).await?.into_iter().collect())
}

/// [`told`] with the recipients' names already read (`names`, by staff id; one missing reads
/// "A former member of staff").
pub(crate) fn told_with(
    deliveries: &[Notification],
    tz: chrono_tz::Tz,
    names: &HashMap<i64, String>,
) -> Vec<Told> {
    let mut out = Vec::with_capacity(deliveries.len());
    for n in deliveries {
        let who = match n.staff_id {
            Some(id) => names
                .get(&id)
                .cloned()
                .unwrap_or_else(|| "A former member of staff".to_string()),
            None => "The school's alert webhook".to_string(),
        };
        let at = n.sent_at.unwrap_or(n.created_at);
        let channel = channel_words(n.channel.as_str()).to_string();
        let outcome = outcome(n);
        let line = format!(
            "{who} — {channel} — {} — {outcome}",
            at.with_timezone(&tz).format("%H:%M")
        );
        out.push(Told {
            who,
            channel,
            at,
            delivered: n.state == DeliveryState::Sent && !n.demo_outbox,
            outcome,
            line,
        });
    }
    out.sort_by_key(|t| t.at);
    out
}
