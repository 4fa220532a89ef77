//! The daily channel test (#15, item 3): once a day, at a time of day the server sets, each
//! school's office gets one short message on every outside channel Doorstep is set up with
//! (e-mail, text, webhook), so a channel that has quietly stopped working is found on an
//! ordinary morning rather than during an alarm. The messages go through the same outbox as
//! alarms, so a failure shows on the board like any other and is retried like any other; the
//! board also lists the day's test with how each channel did ([`latest_channel_test`]).
//!
//! Exactly once per school, day, person and channel across instances: the idempotency key is
//! `channel-test:{school}:{local date}:staff:{person}:{channel}`.

use super::Inner;
use crate::Result;
use crate::board::{ChannelState, reach};
use crate::outbox;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use domain::policy::Channel;
use domain::{Role, SchoolId};
use serde::Serialize;
use store::{Db, NewNotification, School, Staff};

/// How often the monitor looks whether a school's test is due: a test a minute late is fine,
/// and the look reads every school's policy.
const LOOK_EVERY_SECONDS: i64 = 60;

fn topic(school: &School, date: NaiveDate) -> String {
    format!("{}{date}", topic_prefix(school.id))
}

/// The start of every key of a school's channel tests, whatever the day.
fn topic_prefix(school: SchoolId) -> String {
    format!("channel-test:{}:", school.0)
}

/// When the monitor last looked, and the (school, local date) pairs already queued by this
/// process, so that a school is looked at once a day rather than every minute.
#[derive(Default)]
pub(super) struct Looked {
    at: Option<DateTime<Utc>>,
    done: std::collections::HashSet<(i64, NaiveDate)>,
}

impl Inner {
    /// Queues today's test messages of every school whose local time has reached the set time
    /// of day and whose test is not yet queued. Returns how many messages were queued.
    pub(super) async fn queue_channel_tests(&self, now: DateTime<Utc>) -> Result<usize> {
        let Some(at) = self.settings.daily_test_at else {
            return Ok(0);
        };
        let channels = self.outside_channels();
        if channels.is_empty() {
            return Ok(0);
        }
        {
            let mut looked = self
                .channel_tests
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            // A clock set back (a test, a corrected server clock) looks again at once.
            if looked
                .at
                .is_some_and(|t| t <= now && (now - t).num_seconds() < LOOK_EVERY_SECONDS)
            {
                return Ok(0);
            }
            looked.at = Some(now);
        }
        let mut queued = 0;
        for school in self.db.all_schools().await? {
            let tz = self.db.current_policy(school.id).await?.settings.tz();
            let local = now.with_timezone(&tz);
            let date = local.date_naive();
            if local.time() < at || self.already_queued(&school, date) {
                continue;
            }
            queued +=
                queue_for_school(&self.db, &school, date, &channels, self.webhook(), now).await?;
            self.channel_tests
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .done
                .insert((school.id.0, date));
        }
        Ok(queued)
    }

    fn already_queued(&self, school: &School, date: NaiveDate) -> bool {
        self.channel_tests
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .done
            .contains(&(school.id.0, date))
    }

    fn outside_channels(&self) -> Vec<Channel> {
        let c = &self.channels;
        [
            (c.mailer.is_some(), Channel::Email),
            (c.sms.is_some(), Channel::Sms),
            (c.webhook.is_some(), Channel::Webhook),
        ]
        .into_iter()
        .filter_map(|(set_up, channel)| set_up.then_some(channel))
        .collect()
    }

    fn webhook(&self) -> Option<&str> {
        self.channels.webhook.as_ref().map(|(_, url)| url.as_str())
    }
}

/// The office staff of the school, or its headteacher where nobody holds the office role: the
/// test must reach someone who would notice it missing.
async fn recipients(db: &Db, school: &School) -> Result<Vec<Staff>> {
    let staff: Vec<Staff> = db
        .staff_list(school.trust_id, Some(school.id))
        .await?
        .into_iter()
        .filter(|s| s.active)
        .collect();
    let office: Vec<Staff> = staff
        .iter()
        .filter(|s| s.roles.any_of(&[Role::Office]))
        .cloned()
        .collect();
    if !office.is_empty() {
        return Ok(office);
    }
    Ok(staff
        .into_iter()
        .filter(|s| s.roles.any_of(&[Role::Headteacher]))
        .collect())
}

async fn queue_for_school(
    db: &Db,
    school: &School,
    date: NaiveDate,
    channels: &[Channel],
    webhook: Option<&str>,
    now: DateTime<Utc>,
) -> Result<usize> {
    let people = recipients(db, school).await?;
    let topic = topic(school, date);
    let subject = format!("Doorstep daily test for {}", school.name);
    let mut tx = db.begin().await?;
    let mut queued = 0;
    for person in &people {
        for &channel in channels {
            // The webhook is one address for the whole school: tested once, through the first person.
            if channel == Channel::Webhook && person.id != people[0].id {
                continue;
            }
            let address = outbox::address(channel, person, webhook);
            // No mobile: the board's test lists only who could be sent one. A mobile stored
            // before the parser was stricter is listed as not reached, with the number.
            let untextable = channel == Channel::Sms && person.mobile.is_some();
            if address.is_none() && !untextable {
                continue;
            }
            let body = body(school, channel);
            let n = NewNotification {
                alarm: None,
                visit: None,
                staff: Some(person.id),
                channel,
                address: address.as_deref().unwrap_or(store::UNREACHABLE),
                subject: &subject,
                body: &body,
                idempotency_key: &outbox::key(&topic, person, channel),
                at: now,
            };
            if address.is_none() {
                let reason = outbox::unreachable_reason(channel, person);
                tx.record_unreachable(&n, &reason).await?;
                continue;
            }
            let fresh = tx.enqueue_notification(&n).await?;
            // Another instance may have queued today's test first: count only ours.
            if fresh {
                queued += 1;
            }
        }
    }
    tx.commit().await?;
    Ok(queued)
}

fn body(school: &School, channel: Channel) -> String {
    let name = match channel {
        Channel::Email => "e-mail",
        Channel::Sms => "text message",
        Channel::Webhook => "webhook",
        Channel::InApp => "app",
    };
    if channel == Channel::Sms {
        return format!(
            "Doorstep daily test for {}: alarms by text reach this phone. No reply needed.",
            school.name
        );
    }
    format!(
        "This is Doorstep's daily test of the {name} channel for {}.\n\n\
         It arrived, so alarms sent this way will reach you. There is nothing to do.\n\
         If one morning it does not arrive, tell the school's technician: alarms may not be \
         getting out this way either.",
        school.name
    )
}

/// The school's newest daily channel test, as the board shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ChannelTest {
    /// The school's local date of the test.
    pub date: NaiveDate,
    /// When it was queued (UTC).
    pub queued_at: DateTime<Utc>,
    /// Per channel: sent, waiting, failed, and the error if it is failing.
    pub channels: Vec<ChannelState>,
}

/// The school's newest daily test and how each channel did, or `None` before the first.
pub async fn latest_channel_test(db: &Db, school: SchoolId) -> Result<Option<ChannelTest>> {
    let prefix = topic_prefix(school);
    let rows = db.notifications_with_key_prefix(&prefix, 200).await?;
    let Some(newest) = rows.first() else {
        return Ok(None);
    };
    let date_of = |key: &str| key.get(prefix.len()..prefix.len() + 10).map(str::to_string);
    let day = date_of(&newest.idempotency_key);
    let Some(date) = day
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    else {
        return Ok(None);
    };
    let today: Vec<_> = rows
        .iter()
        .filter(|n| date_of(&n.idempotency_key) == day)
        .cloned()
        .collect();
    let queued_at = today
        .iter()
        .map(|n| n.created_at)
        .min()
        .unwrap_or(newest.created_at);
    Ok(Some(ChannelTest {
        date,
        queued_at,
        channels: reach(&today).channels,
    }))
}

/// Parses the server's daily test time ("07:30", school local time). Errors name the setting.
pub fn parse_test_time(text: &str) -> std::result::Result<NaiveTime, String> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M").map_err(|_| {
        format!("DOORSTEP_DAILY_TEST_AT: '{text}' is not a time of day such as 07:30 (24-hour clock, the school's local time)")
    })
}
