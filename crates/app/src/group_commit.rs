//! Group commit for check-ins: every check-in waiting at the same moment is written in one
//! transaction, so one disk flush makes many of them durable. Each caller is answered only after
//! that commit, exactly as if it had been written alone.

use crate::watch::{
    CheckInInput, CheckInOutcome, PreparedCheckIn, apply_check_in, apply_check_ins,
    prepare_check_in,
};
use crate::{Refusal, Result};
use chrono::{DateTime, Utc};
use domain::StaffId;
use domain::policy::PolicySettings;
use store::{Db, Visit};
use tokio::sync::{mpsc, oneshot};

/// The most check-ins written in one transaction.
const MAX_GROUP: usize = 256;

struct Job {
    prepared: PreparedCheckIn,
    reply: oneshot::Sender<Result<CheckInOutcome>>,
}

/// A handle on the writer task. Cheap to clone; the task ends when every handle is dropped.
#[derive(Clone)]
pub struct CheckInWriter {
    db: Db,
    jobs: mpsc::Sender<Job>,
    task: tokio::task::AbortHandle,
}

impl CheckInWriter {
    /// Starts the writer task on the current tokio runtime.
    pub fn spawn(db: Db) -> Self {
        let (jobs, rx) = mpsc::channel(4 * MAX_GROUP);
        let task = tokio::spawn(write_groups(db.clone(), rx)).abort_handle();
        CheckInWriter { db, jobs, task }
    }

    /// Whether the writer task has ended (it panicked or its runtime stopped): check-ins can
    /// then not be written here, and the process must be restarted.
    pub fn is_closed(&self) -> bool {
        self.jobs.is_closed()
    }

    /// Ends the writer task as a crash would, for tests of what callers see then (a 503 that
    /// the phone retries, a failing `/healthz`). Not for use in the running service.
    #[doc(hidden)]
    pub fn stop_for_test(&self) {
        self.task.abort();
    }

    /// Resolves when the writer task has ended.
    pub async fn closed(&self) {
        self.jobs.closed().await
    }

    /// Checks and reads as [`crate::check_in`] does, then waits for the group commit.
    pub async fn check_in(
        &self,
        visit: &Visit,
        staff: StaffId,
        input: &CheckInInput,
        policy: &PolicySettings,
        now: DateTime<Utc>,
    ) -> Result<CheckInOutcome> {
        let prepared = prepare_check_in(&self.db, visit, staff, input, policy, now).await?;
        let (reply, answer) = oneshot::channel();
        // Not "not out": the phone's queue would drop the tap as final. 503 makes it retry.
        let writer_gone = || {
            Refusal::Unavailable(
                "the check-in could not be written just now; it will be sent again".into(),
            )
        };
        self.jobs
            .send(Job { prepared, reply })
            .await
            .map_err(|_| writer_gone())?;
        answer.await.map_err(|_| writer_gone())?
    }
}

async fn write_groups(db: Db, mut rx: mpsc::Receiver<Job>) {
    while let Some(first) = rx.recv().await {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match rx.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        match write_together(&db, &group).await {
            Ok(outcomes) => {
                for (job, outcome) in group.into_iter().zip(outcomes) {
                    let _ = job.reply.send(outcome);
                }
            }
            Err(e) => {
                // One bad check-in must not cost the others theirs: write each alone.
                // Each check-in's own outcome is logged or answered; a fault logs itself.
                tracing::debug!(error = %e, group.size = group.len(), "group commit failed; writing the check-ins one by one");
                for job in group {
                    let _ = job.reply.send(write_alone(&db, &job.prepared).await);
                }
            }
        }
    }
}

async fn write_together(db: &Db, group: &[Job]) -> Result<Vec<Result<CheckInOutcome>>> {
    let prepared: Vec<&PreparedCheckIn> = group.iter().map(|j| &j.prepared).collect();
    let mut tx = db.begin().await?;
    let outcomes = apply_check_ins(&mut tx, &prepared).await?;
    tx.commit().await?;
    Ok(outcomes)
}

async fn write_alone(db: &Db, prepared: &PreparedCheckIn) -> Result<CheckInOutcome> {
    let mut tx = db.begin().await?;
    let outcome = apply_check_in(&mut tx, prepared).await?;
    tx.commit().await?;
    Ok(outcome)
}
