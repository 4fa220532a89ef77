//! [`App`]: what every use case reaches — the database, the clock, the check-in writer, the
//! monitor's wake-up and the reads shared between requests. Cheap to clone; built once at start.

use crate::group_commit::CheckInWriter;
use crate::read_batch::ReadBatcher;
use crate::{Clock, Refusal, Result};
use chrono::{DateTime, Utc};
use domain::{PolicyVersionId, VisitId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use store::{Db, PolicyVersion, StoreError, Visit};

#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    db: Db,
    clock: Clock,
    /// Wakes the safety monitor so a raised alarm goes out at once rather than on the next tick.
    monitor_waker: Option<Arc<tokio::sync::Notify>>,
    /// Group commit for check-ins; without it each check-in is its own transaction.
    check_in_writer: Option<CheckInWriter>,
    /// Policy versions already read. A version is never changed once stored (a new policy is a
    /// new version), so a cached one is always current.
    policy_versions: Arc<PolicyCache>,
    /// Requests reading the same visit at the same moment share one query.
    visits: Option<ReadBatcher<VisitId, Visit>>,
    /// How long login sessions last (idle timeout, absolute lifetime).
    session_limits: crate::school_admin::SessionLimits,
    /// Where people open Doorstep, for links in e-mails (password reset).
    links: Option<crate::messages::Links>,
    /// Whether e-mail can be sent (SMTP is set up): reset links by e-mail are offered only then.
    sends_email: bool,
    /// `doorstep demo`: messages on channels not set up are kept in the demo outbox.
    demo_outbox: bool,
}

/// The most policy versions kept; past it the cache starts again empty.
const POLICY_CACHE_MAX: usize = 1024;

#[derive(Default)]
struct PolicyCache(Mutex<HashMap<i64, Arc<PolicyVersion>>>);

impl App {
    pub fn new(db: Db, clock: Clock) -> Self {
        App {
            inner: Arc::new(Inner {
                db,
                clock,
                monitor_waker: None,
                check_in_writer: None,
                policy_versions: Arc::default(),
                visits: None,
                session_limits: Default::default(),
                links: None,
                sends_email: false,
                demo_outbox: false,
            }),
        }
    }

    fn rebuild(self, change: impl FnOnce(&mut Inner)) -> Self {
        let mut inner = (*self.inner).clone();
        change(&mut inner);
        App {
            inner: Arc::new(inner),
        }
    }

    /// Raised alarms wake the safety monitor at once.
    pub fn with_monitor_waker(self, waker: Arc<tokio::sync::Notify>) -> Self {
        self.rebuild(|i| i.monitor_waker = Some(waker))
    }

    /// Writes check-ins through a group commit (starts a task on the current tokio runtime).
    pub fn with_group_commit(self) -> Self {
        let writer = CheckInWriter::spawn(self.inner.db.clone());
        self.rebuild(|i| i.check_in_writer = Some(writer))
    }

    /// Batches reads of visits made by concurrent requests (starts a task on the current runtime).
    pub fn with_read_batching(self) -> Self {
        let db = self.inner.db.clone();
        let visits = ReadBatcher::spawn(move |keys: Vec<VisitId>| {
            let db = db.clone();
            async move {
                let found = db.visits_by_id(&keys).await?;
                Ok(found.into_iter().map(|v| (v.id, v)).collect())
            }
        });
        self.rebuild(|i| i.visits = Some(visits))
    }

    /// Login sessions last as `limits` say, not the default 12 hours unused / 24 hours.
    pub fn with_session_limits(self, limits: crate::school_admin::SessionLimits) -> Self {
        self.rebuild(|i| i.session_limits = limits)
    }

    /// Links in account e-mails (password reset) start with `links`; `sends_email`: SMTP is set
    /// up, so "Forgotten your password?" sends a reset link and password changes are e-mailed.
    pub fn with_account_mail(self, links: crate::messages::Links, sends_email: bool) -> Self {
        self.rebuild(|i| {
            i.links = Some(links);
            i.sends_email = sends_email;
        })
    }

    /// Where people open Doorstep, if the server was told (`--public-url`).
    pub fn links(&self) -> Option<&crate::messages::Links> {
        self.inner.links.as_ref()
    }

    /// Whether e-mail can be sent (SMTP is set up).
    pub fn sends_email(&self) -> bool {
        self.inner.sends_email
    }

    /// A demo: the /outbox page shows the messages kept instead of sent (issue #11 item 11).
    pub fn with_demo_outbox(self) -> Self {
        self.rebuild(|i| i.demo_outbox = true)
    }

    /// Whether this is a demo keeping its messages in the demo outbox.
    pub fn demo_outbox(&self) -> bool {
        self.inner.demo_outbox
    }

    /// How long login sessions last.
    pub fn session_limits(&self) -> crate::school_admin::SessionLimits {
        self.inner.session_limits
    }

    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    /// Now, in UTC, from the clock (moved by tests).
    pub fn now(&self) -> DateTime<Utc> {
        self.inner.clock.now()
    }

    pub fn check_in_writer(&self) -> Option<&CheckInWriter> {
        self.inner.check_in_writer.as_ref()
    }

    /// Whether a background task this process depends on has ended (the check-in writer):
    /// the process is then unfit to serve and `/healthz` fails.
    pub fn dead_task(&self) -> Option<&'static str> {
        match &self.inner.check_in_writer {
            Some(w) if w.is_closed() => Some("the check-in writer has stopped"),
            _ => None,
        }
    }

    pub fn has_monitor(&self) -> bool {
        self.inner.monitor_waker.is_some()
    }

    pub fn wake_monitor(&self) {
        if let Some(w) = &self.inner.monitor_waker {
            w.notify_one();
        }
    }

    /// The visit with its staff, batched with concurrent reads of visits.
    /// Errors: `NotFound("visit")`; a store fault is `Internal`.
    pub async fn visit(&self, id: VisitId) -> Result<Visit> {
        if let Some(visits) = &self.inner.visits
            && let Some(found) = visits.get(id).await
        {
            return found.ok_or_else(|| {
                StoreError::NotFound {
                    what: "visit",
                    id: id.0,
                }
                .into()
            });
        }
        Ok(self.inner.db.visit(id).await?)
    }

    /// A policy version, read once and then kept (versions are immutable).
    pub async fn policy_version(&self, id: PolicyVersionId) -> Result<Arc<PolicyVersion>> {
        let cache = &self.inner.policy_versions.0;
        if let Some(p) = cache.lock().ok().and_then(|c| c.get(&id.0).cloned()) {
            return Ok(p);
        }
        let p = Arc::new(
            self.inner
                .db
                .policy_version(id)
                .await
                .map_err(Refusal::from)?,
        );
        if let Ok(mut c) = cache.lock() {
            if c.len() >= POLICY_CACHE_MAX {
                c.clear();
            }
            c.insert(id.0, p.clone());
        }
        Ok(p)
    }
}
