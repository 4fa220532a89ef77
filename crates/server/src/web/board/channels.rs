//! The board's lines about the alarm channels: the last test of each, and which cannot reach anyone.

use super::*;

/// Per channel: how the newest daily test went, in the office's words.
pub(super) fn test_lines(t: &app::monitor::ChannelTest, local: &Local) -> Vec<TestLine> {
    t.channels
        .iter()
        .map(|c| {
            let total = c.sent + c.waiting + c.failed;
            let when = format!("{} at {}", t.date.format("%-d %B"), local.time(t.queued_at));
            let (text, failing) = if c.failing {
                (
                    format!(
                        "{}: test of {when} NOT delivered ({}). Alarms on this channel may not get out: tell the technician.",
                        channel_label(&c.channel),
                        c.last_error.as_deref().unwrap_or("no detail")
                    ),
                    true,
                )
            } else if c.sent == total {
                (
                    format!(
                        "{}: test of {when} delivered ({} of {total}).",
                        channel_label(&c.channel),
                        c.sent
                    ),
                    false,
                )
            } else {
                (
                    format!(
                        "{}: test of {when} being sent ({} of {total} so far).",
                        channel_label(&c.channel),
                        c.sent
                    ),
                    false,
                )
            };
            TestLine { text, failing }
        })
        .collect()
}

pub(super) fn channel_label(channel: &str) -> &str {
    match channel {
        "email" => "E-mail",
        "sms" => "Text messages (SMS)",
        "webhook" => "The school's alert webhook",
        other => other,
    }
}

/// "Text messages (SMS) could not be sent: no mobile number on record for Helen Head", once per
/// channel and reason however many rungs and repeats met it.
pub(super) fn unreachable_lines(channels: &[board::ChannelState]) -> Vec<String> {
    let mut lines = std::collections::BTreeSet::new();
    for c in channels {
        for reason in &c.unreachable {
            lines.insert(format!(
                "{} could not be sent: {reason}",
                channel_label(&c.channel)
            ));
        }
    }
    lines.into_iter().collect()
}
