//! The steps of a pass that work through a batch of due rows: raising the alarms of missed
//! deadlines, queueing check-in reminders and firing ladder levels. Each batch goes in one
//! transaction; if that fails, row by row, so a single bad row cannot hold back the others.

use super::Inner;
use crate::{Refusal, Result, alarms};
use chrono::{DateTime, Utc};

/// The outcome of trying a batch's items one by one: an error when none could be handled (the
/// caller's loop logs and backs off), one log line when only some failed (a bad row).
fn one_by_one_outcome(what: &str, handled: usize, errors: Vec<Refusal>) -> Result<()> {
    let Some(first) = errors.first() else {
        return Ok(());
    };
    if handled == 0 {
        return Err(Refusal::internal(format!("{what}: {first}")));
    }
    tracing::error!(failed = errors.len(), handled, error = %first,
        "{what}: some could not be handled; trying them again next pass");
    Ok(())
}

impl Inner {
    /// Fires every deadline due at `now`, batch after batch; how many alarms were raised.
    pub(super) async fn fire_all_due(&self, now: DateTime<Utc>) -> Result<usize> {
        let _firing = self.firing.lock().await;
        let mut fired = 0;
        loop {
            let (n, more) = self.fire_deadlines(now).await?;
            fired += n;
            if !more {
                return Ok(fired);
            }
        }
    }

    async fn fire_deadlines(&self, now: DateTime<Utc>) -> Result<(usize, bool)> {
        let due = self.db.due_deadlines(now, self.settings.batch).await?;
        if due.is_empty() {
            return Ok((0, false));
        }
        // Most urgent first, all in one transaction; one by one if that fails, so a single bad
        // row cannot hold back the others.
        if let Ok(alarms) = alarms::fire_due_deadlines(&self.db, &due, now).await {
            let fired = alarms.iter().filter(|a| a.is_some()).count();
            return Ok((fired, self.is_full(due.len(), due.len())));
        }
        let (taken, mut handled, mut fired, mut errors) = (due.len(), 0, 0, Vec::new());
        for d in due {
            match alarms::fire_due_deadline(&self.db, &d, now).await {
                Ok(Some(alarm)) => {
                    handled += 1;
                    fired += 1;
                    tracing::debug!(visit.id = d.visit_id, alarm.id = alarm, deadline.kind = %d.kind, "deadline missed: alarm raised");
                }
                // Fired already, by another pass or instance.
                Ok(None) => handled += 1,
                Err(e) => {
                    tracing::debug!(deadline.id = d.id, visit.id = d.visit_id, error = %e, "could not raise an alarm");
                    errors.push(e);
                }
            }
        }
        one_by_one_outcome("raising the alarms of missed deadlines", handled, errors)?;
        Ok((fired, self.is_full(taken, handled)))
    }

    pub(super) async fn send_reminders(&self, now: DateTime<Utc>) -> Result<(usize, bool)> {
        let due = self.db.due_reminders(now, self.settings.batch).await?;
        if due.is_empty() {
            return Ok((0, false));
        }
        // All in one transaction; one by one if that fails, so a single bad row cannot hold back
        // the others.
        if let Ok(queued) = alarms::remind_all(&self.db, &due, &self.settings.links, now).await {
            let sent = queued.iter().filter(|q| **q).count();
            return Ok((sent, self.is_full(due.len(), due.len())));
        }
        let (taken, mut handled, mut sent, mut errors) = (due.len(), 0, 0, Vec::new());
        for d in due {
            match alarms::remind(&self.db, &d, &self.settings.links, now).await {
                Ok(true) => (handled, sent) = (handled + 1, sent + 1),
                Ok(false) => handled += 1,
                Err(e) => errors.push(e),
            }
        }
        one_by_one_outcome("queueing check-in reminders", handled, errors)?;
        Ok((sent, self.is_full(taken, handled)))
    }

    pub(super) async fn climb_ladders(&self, now: DateTime<Utc>) -> Result<(usize, bool)> {
        let due = self.db.escalations_due(now, self.settings.batch).await?;
        let webhook = self.channels.webhook.as_ref().map(|(_, url)| url.as_str());
        if due.is_empty() {
            return Ok((0, false));
        }
        // All in one transaction; one by one if that fails, so a single bad alarm cannot hold
        // back the others.
        if let Ok(counts) =
            alarms::fire_due_levels_of_all(&self.db, &due, webhook, &self.settings.links, now).await
        {
            let fired = counts.iter().sum();
            return Ok((fired, self.is_full(due.len(), due.len())));
        }
        let (taken, mut handled, mut fired, mut errors) = (due.len(), 0, 0, Vec::new());
        for alarm in due {
            match alarms::fire_due_levels(&self.db, &alarm, webhook, &self.settings.links, now)
                .await
            {
                Ok(n) => (handled, fired) = (handled + 1, fired + n),
                Err(e) => {
                    tracing::debug!(alarm.id = alarm.id, error = %e, "could not fire a ladder level");
                    errors.push(e);
                }
            }
        }
        one_by_one_outcome("firing alarms' ladder levels", handled, errors)?;
        Ok((fired, self.is_full(taken, handled)))
    }

    /// A step took a whole batch and got somewhere with it: more may be waiting. (A batch of
    /// items that all fail must not make the loop spin.)
    fn is_full(&self, taken: usize, handled: usize) -> bool {
        handled > 0 && i64::try_from(taken).is_ok_and(|n| n >= self.settings.batch)
    }
}
