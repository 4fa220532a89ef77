//! The pushed board: open office boards follow the board feed (`store::BoardChange`, written
//! by triggers as each change commits) instead of re-reading themselves on a timer. One
//! [`FeedHub`] per process reads the feed for every open board and passes each new change on;
//! each board keeps only the changes its person may see ([`FeedScope`], decided once when it
//! opens, with the board's own access decision through [`crate::access`]).

use crate::permissions::ALARM_WATCHERS;
pub mod today;

use crate::{App, Result, access};
use domain::SchoolId;
use domain::monitor::CheckInKind;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;
use store::{Backend, BoardChange, Staff};
use tokio::sync::{Notify, broadcast};

/// How often the hub reads the feed while boards are open: bounds commit → board at this
/// plus the time to send (the target is under 500 ms for 50 boards, issue #11).
const POLL: Duration = Duration::from_millis(50);
/// On PostgreSQL ids are taken before commit, so a change may commit after a higher id was
/// read: the hub looks back this many ids for late arrivals (SQLite has one writer).
const LOOKBACK: i64 = 64;
/// Changes kept for a slow board; past it the board reads what it missed from the feed.
const BUFFER: usize = 1024;

/// The process's reader of the board feed. Cheap to clone; reads only while a board is open.
#[derive(Clone)]
pub struct FeedHub {
    tx: broadcast::Sender<Arc<BoardChange>>,
    opened: Arc<Notify>,
}

impl FeedHub {
    /// Starts the hub's task on the current tokio runtime.
    pub fn spawn(app: App) -> Self {
        let (tx, _) = broadcast::channel(BUFFER);
        let hub = FeedHub {
            tx,
            opened: Arc::new(Notify::new()),
        };
        tokio::spawn(hub.clone().run(app));
        hub
    }

    /// Every change committed from now on, in id order.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<BoardChange>> {
        let rx = self.tx.subscribe();
        self.opened.notify_one();
        rx
    }

    async fn run(self, app: App) {
        let db = app.db().clone();
        let lookback = if db.backend() == Backend::Postgres {
            LOOKBACK
        } else {
            0
        };
        // Ids at or below `floor` were committed before anyone watched: never sent.
        let mut floor: Option<i64> = None;
        let mut cursor = 0;
        let mut seen: BTreeSet<i64> = BTreeSet::new();
        loop {
            if self.tx.receiver_count() == 0 {
                floor = None;
                self.opened.notified().await;
                continue;
            }
            let floor_now = match floor {
                Some(f) => f,
                None => match db.board_feed_cursor().await {
                    Ok(c) => {
                        floor = Some(c);
                        cursor = c;
                        seen.clear();
                        c
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "board feed: cannot read where the feed is");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                },
            };
            let low = (cursor - lookback).max(floor_now);
            match db.board_changes(None, low, 500).await {
                Ok(changes) => {
                    for c in changes {
                        if !seen.insert(c.id) {
                            continue;
                        }
                        cursor = cursor.max(c.id);
                        // No receiver left is not an error: the next pass waits for one.
                        let _ = self.tx.send(Arc::new(c));
                    }
                    seen = seen.split_off(&(cursor - lookback));
                }
                Err(e) => tracing::warn!(error = %e, "board feed: cannot read changes"),
            }
            tokio::time::sleep(POLL).await;
        }
    }
}

/// Which changes one open page may receive.
#[derive(Debug, Clone)]
pub enum FeedScope {
    /// An office board: every change of the school (the board's own access decision), except
    /// that a person who is a visitor on a visit never receives its duress alarm, even its kind
    /// (covert, D4; tester A9), and sees its duress check-in as an ordinary one.
    School(Box<BoardScope>),
    /// A person's Today page: only the visits they are on, never a duress alarm (see
    /// [`today::TodayScope`]).
    Today(Box<today::TodayScope>),
}

/// The scope of an office board's feed: the same decision as [`super::board`].
/// Errors: `Forbidden` without an alarm watcher's role, `Invalid("school_id")` for a school out
/// of scope.
pub async fn board_scope(app: &App, me: &Staff, school_id: Option<i64>) -> Result<FeedScope> {
    access::require_any(me, &ALARM_WATCHERS, "see the office board")?;
    Ok(FeedScope::School(Box::new(BoardScope {
        school: access::school_in_scope(app, me, school_id).await?,
        staff: me.clone(),
        hidden: BTreeMap::new(),
        visiting: BTreeMap::new(),
    })))
}

/// One office board's feed: its school, and what its person may not be told.
#[derive(Debug, Clone)]
pub struct BoardScope {
    school: SchoolId,
    staff: Staff,
    /// Alarms looked up so far: whether each is hidden from this person
    /// ([`access::duress_hidden_from`]).
    hidden: BTreeMap<i64, bool>,
    /// Visits looked up so far: whether this person is one of its visitors.
    visiting: BTreeMap<i64, bool>,
}

impl BoardScope {
    async fn admit(&mut self, app: &App, change: &BoardChange) -> Result<Option<BoardChange>> {
        if change.school_id != self.school.0 {
            return Ok(None);
        }
        if let Some(alarm) = change.alarm_id {
            let hidden = match self.hidden.get(&alarm) {
                Some(known) => *known,
                None => {
                    let a = app.db().alarm(alarm).await?;
                    let hidden = access::duress_hidden_from(app, &self.staff, &a).await?;
                    self.hidden.insert(alarm, hidden);
                    hidden
                }
            };
            if hidden {
                return Ok(None);
            }
        }
        let mut change = change.clone();
        if let (Some(visit), "check_in", Some("duress")) = (
            change.visit_id,
            change.kind.as_str(),
            change.detail.as_deref(),
        ) && self.visits(app, visit).await?
        {
            change.detail = Some(CheckInKind::Ok.as_str().to_string());
        }
        Ok(Some(change))
    }

    async fn visits(&mut self, app: &App, visit: i64) -> Result<bool> {
        if let Some(known) = self.visiting.get(&visit) {
            return Ok(*known);
        }
        let v = app.visit(domain::VisitId(visit)).await?;
        let on_it = v.staff.iter().any(|s| s.staff_id == self.staff.id);
        self.visiting.insert(visit, on_it);
        Ok(on_it)
    }
}

impl FeedScope {
    /// Whether the page may receive this change, as the page is to see it (a Today page gets
    /// no alarm ids or details: see [`today::TodayScope::admit`]). Errors: the store failed.
    pub async fn admit(&mut self, app: &App, change: &BoardChange) -> Result<Option<BoardChange>> {
        match self {
            FeedScope::School(s) => s.admit(app, change).await,
            FeedScope::Today(t) => t.admit(app, change).await,
        }
    }

    /// The school whose missed changes are read (`None`: any, filtered by [`Self::admit`]).
    pub fn school(&self) -> Option<i64> {
        match self {
            FeedScope::School(s) => Some(s.school.0),
            FeedScope::Today(t) => t.school(),
        }
    }
}

/// What a page that comes back having seen the feed up to `after` is sent first.
#[derive(Debug)]
pub enum Resume {
    /// The changes it missed (and may see), oldest first, at most 100.
    Changes(Vec<BoardChange>),
    /// Changes it missed were pruned (kept 24 hours, [`crate::monitor::KEEP_FEED_FOR`]): it
    /// must read itself again in full, and follows the feed from `at` on.
    Refresh { at: i64 },
}

/// What a page resuming after feed id `after` (its Last-Event-ID) missed. Errors: the store
/// failed.
pub async fn resume(app: &App, scope: &mut FeedScope, after: i64) -> Result<Resume> {
    if after < app.db().board_feed_pruned_through().await? {
        return Ok(Resume::Refresh {
            at: cursor(app).await?,
        });
    }
    let mut admitted = Vec::new();
    for c in app.db().board_changes(scope.school(), after, 100).await? {
        if let Some(c) = scope.admit(app, &c).await? {
            admitted.push(c);
        }
    }
    Ok(Resume::Changes(admitted))
}

/// Where the feed is now: a page rendered after this read has seen every change up to it.
pub async fn cursor(app: &App) -> Result<i64> {
    Ok(app.db().board_feed_cursor().await?)
}
