//! An alarm nobody outside the app has heard about: every message of it on e-mail, SMS or webhook
//! has failed for good. The board shows such an alarm loudly, and the log says someone must act.

use crate::Result;
use crate::monitor::Inner;
use domain::monitor::DeliveryState;
use domain::policy::Channel;
use std::collections::BTreeSet;
use store::Notification;

fn every_outside_message_failed(sent: &[Notification]) -> bool {
    let mut outside = sent
        .iter()
        .filter(|n| n.channel != Channel::InApp)
        .peekable();
    outside.peek().is_some() && outside.all(|n| n.state == DeliveryState::Failed)
}

/// "Shown loudly on the board": every message of the alarm outside the app has failed for good.
/// The alarms newly in that state are flagged together, in one transaction.
pub(super) async fn flag_if_every_channel_failed(
    inner: &Inner,
    alarms: &BTreeSet<i64>,
) -> Result<()> {
    let mut to_flag = Vec::new();
    for &alarm in alarms {
        let newly = async {
            let sent = inner.db.notifications_of_alarm(alarm).await?;
            Ok::<bool, store::StoreError>(
                every_outside_message_failed(&sent)
                    && !inner.db.alarm(alarm).await?.all_channels_failed,
            )
        };
        match newly.await {
            Ok(true) => to_flag.push(alarm),
            Ok(false) => {}
            Err(e) => {
                tracing::error!(alarm.id = alarm, error = %e, "could not check whether every channel of an alarm failed");
            }
        }
    }
    if to_flag.is_empty() {
        return Ok(());
    }
    let mut tx = inner.db.begin().await?;
    for &alarm in &to_flag {
        tx.flag_all_channels_failed(alarm).await?;
    }
    tx.commit().await?;
    for alarm in to_flag {
        tracing::error!(
            alarm.id = alarm,
            "every channel failed for this alarm: nobody outside the app has been told"
        );
    }
    Ok(())
}
