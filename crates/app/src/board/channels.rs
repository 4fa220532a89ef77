//! Which outside channels of an alarm are failing now, from the first failed attempt (not once
//! every retry is used up), and whether nobody outside the app has been told yet. Worked out
//! from the alarm's deliveries each time the board is read, so the warning clears as soon as the
//! messages go out.

use chrono::{DateTime, Utc};
use domain::monitor::DeliveryState;
use domain::policy::Channel;
use serde::Serialize;
use std::collections::BTreeMap;
use store::Notification;

/// One outside channel (e-mail, SMS, webhook) of one alarm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ChannelState {
    pub channel: String,
    pub sent: usize,
    /// Queued or being retried.
    pub waiting: usize,
    /// Given up for good, including those to people it cannot reach.
    pub failed: usize,
    /// Why some people could not be told on it at all, e.g. "no mobile number on record for
    /// Helen Head": recorded as failed at once, never tried, and no fault of the channel.
    pub unreachable: Vec<String>,
    /// A message on it has failed and not yet gone out (not counting people it cannot reach).
    pub failing: bool,
    /// The first failure of the messages not yet out (UTC).
    pub failing_since: Option<DateTime<Utc>>,
    /// The newest failure's error, in the channel's words.
    pub last_error: Option<String>,
}

/// How the alarm's messages outside the app are doing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Reach {
    pub channels: Vec<ChannelState>,
    /// Ladder rungs (0 = first) whose every outside message has failed at least once and none
    /// has gone out.
    pub rungs_unreached: Vec<i64>,
    /// No outside message has gone out, and every outside message of some rung has failed
    /// at least once: only the app knows of this alarm.
    pub nobody_told: bool,
}

/// The rung a message was queued for, from its idempotency key (`alarm:{id}:level:{n}:…`).
fn rung(n: &Notification) -> Option<i64> {
    let mut parts = n.idempotency_key.split(':');
    while let Some(p) = parts.next() {
        if p == "level" {
            return parts.next()?.parse().ok();
        }
    }
    None
}

fn has_failed(n: &Notification) -> bool {
    n.state != DeliveryState::Sent && (n.state == DeliveryState::Failed || n.last_error.is_some())
}

/// Recorded as failed at once because the person has no address on the channel.
fn unreachable(n: &Notification) -> bool {
    n.state == DeliveryState::Failed && n.address == store::UNREACHABLE
}

/// The reach of one alarm's `deliveries`.
pub fn reach(deliveries: &[Notification]) -> Reach {
    let outside: Vec<&Notification> = deliveries
        .iter()
        .filter(|n| n.channel != Channel::InApp)
        .collect();
    let mut by_channel: BTreeMap<&str, Vec<&Notification>> = BTreeMap::new();
    let mut by_rung: BTreeMap<i64, Vec<&Notification>> = BTreeMap::new();
    for n in &outside {
        by_channel.entry(n.channel.as_str()).or_default().push(n);
        if let Some(r) = rung(n) {
            by_rung.entry(r).or_default().push(n);
        }
    }
    let channels = by_channel
        .into_iter()
        .map(|(channel, ns)| {
            let failing: Vec<&&Notification> = ns
                .iter()
                .filter(|n| has_failed(n) && !unreachable(n))
                .collect();
            ChannelState {
                channel: channel.to_string(),
                sent: ns.iter().filter(|n| n.state == DeliveryState::Sent).count(),
                waiting: ns
                    .iter()
                    .filter(|n| matches!(n.state, DeliveryState::Pending | DeliveryState::Sending))
                    .count(),
                failed: ns
                    .iter()
                    .filter(|n| n.state == DeliveryState::Failed)
                    .count(),
                unreachable: ns
                    .iter()
                    .filter(|n| unreachable(n))
                    .filter_map(|n| n.last_error.clone())
                    .collect(),
                failing: !failing.is_empty(),
                failing_since: failing
                    .iter()
                    .filter_map(|n| n.first_failed_at.or(Some(n.created_at)))
                    .min(),
                last_error: failing
                    .iter()
                    .max_by_key(|n| n.first_failed_at)
                    .and_then(|n| n.last_error.clone()),
            }
        })
        .collect();
    let rungs_unreached: Vec<i64> = by_rung
        .into_iter()
        .filter(|(_, ns)| ns.iter().all(|n| has_failed(n)))
        .map(|(r, _)| r)
        .collect();
    let any_sent = outside.iter().any(|n| n.state == DeliveryState::Sent);
    Reach {
        channels,
        nobody_told: !any_sent && !rungs_unreached.is_empty(),
        rungs_unreached,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn message(
        key: &str,
        channel: Channel,
        address: &str,
        state: DeliveryState,
        error: Option<&str>,
    ) -> Notification {
        let at = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).single();
        let at = at.unwrap_or_default();
        Notification {
            id: 1,
            alarm_id: Some(1),
            visit_id: Some(1),
            staff_id: Some(1),
            channel,
            address: address.into(),
            subject: String::new(),
            body: String::new(),
            idempotency_key: key.into(),
            state,
            attempts: 0,
            next_attempt_at: at,
            last_error: error.map(str::to_string),
            created_at: at,
            sent_at: (state == DeliveryState::Sent).then_some(at),
            first_failed_at: error.map(|_| at),
            demo_outbox: false,
        }
    }

    #[test]
    fn a_rung_whose_only_text_could_not_be_sent_has_told_nobody_outside_the_app() {
        let reason = "no mobile number on record for Helen Head";
        let deliveries = [
            message(
                "alarm:1:level:0:staff:1:in_app",
                Channel::InApp,
                "staff:1",
                DeliveryState::Sent,
                None,
            ),
            message(
                "alarm:1:level:0:staff:1:sms",
                Channel::Sms,
                store::UNREACHABLE,
                DeliveryState::Failed,
                Some(reason),
            ),
        ];
        let r = reach(&deliveries);
        assert!(r.nobody_told);
        assert_eq!(r.rungs_unreached, vec![0]);
        let sms = &r.channels[0];
        assert!(!sms.failing, "the gateway itself has not failed");
        assert_eq!(
            (sms.failed, sms.unreachable.clone()),
            (1, vec![reason.to_string()])
        );
    }
}
