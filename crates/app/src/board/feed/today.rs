//! The pushed Today page: the phone of a person on a visit follows the board feed for the
//! visits they are on (as visitor or buddy), so "someone is dealing with it" and a missed
//! check-in reach it as they commit. A **duress** alarm is covert: nothing about it — raised,
//! acknowledged, resolved, a message about it sent — ever reaches a visitor's stream, and a
//! duress check-in reaches it exactly like an ordinary one (issue #11 items 1 and 4).

use crate::{App, Result};
use domain::SchoolId;
use domain::monitor::AlarmKind;
use domain::stored::BoardChangeKind;
use std::collections::{BTreeMap, BTreeSet};
use store::{BoardChange, Staff, VisitFilter};

/// The visits whose changes a person's Today page receives, decided when the page opens and
/// read again when a visit step or watch change of another visit commits (a new visit, a
/// buddy hand-over to them).
#[derive(Debug, Clone)]
pub struct TodayScope {
    staff: Staff,
    /// `None` for trust staff: their visits may be in any of the trust's schools.
    school: Option<SchoolId>,
    visits: BTreeSet<i64>,
    /// Alarms looked up so far: whether each is a duress alarm.
    duress: BTreeMap<i64, bool>,
}

/// The scope of `me`'s Today page feed: the visits of their school they are on. Errors: the
/// store failed.
pub async fn today_scope(app: &App, me: &Staff) -> Result<super::FeedScope> {
    let visits = visits_of(app, me).await?;
    Ok(super::FeedScope::Today(Box::new(TodayScope {
        staff: me.clone(),
        school: me.school_id,
        visits,
        duress: BTreeMap::new(),
    })))
}

async fn visits_of(app: &App, me: &Staff) -> Result<BTreeSet<i64>> {
    Ok(app
        .db()
        .visits(&VisitFilter {
            trust: Some(me.trust_id),
            involving: Some(me.id),
            limit: Some(200),
            ..Default::default()
        })
        .await?
        .into_iter()
        .map(|v| v.id.0)
        .collect())
}

impl TodayScope {
    pub fn school(&self) -> Option<i64> {
        self.school.map(|s| s.0)
    }

    /// The change as this Today page sees it — its id, kind and visit only, so a duress
    /// check-in and an ordinary one look the same — or `None` when it is not about the
    /// person's visits or is about a duress alarm. Errors: the store failed.
    pub async fn admit(&mut self, app: &App, change: &BoardChange) -> Result<Option<BoardChange>> {
        let Some(visit) = change.visit_id else {
            return Ok(None);
        };
        if self.school().is_some_and(|s| s != change.school_id) {
            return Ok(None);
        }
        if !self.visits.contains(&visit) {
            if !matches!(
                change.kind,
                BoardChangeKind::VisitStep | BoardChangeKind::Watch
            ) {
                return Ok(None);
            }
            self.visits = visits_of(app, &self.staff).await?;
            if !self.visits.contains(&visit) {
                return Ok(None);
            }
        }
        if let Some(alarm) = change.alarm_id
            && self.is_duress(app, alarm, change).await?
        {
            return Ok(None);
        }
        Ok(Some(BoardChange {
            id: change.id,
            school_id: change.school_id,
            visit_id: change.visit_id,
            alarm_id: None,
            kind: change.kind,
            detail: None,
        }))
    }

    async fn is_duress(&mut self, app: &App, alarm: i64, change: &BoardChange) -> Result<bool> {
        if let Some(known) = self.duress.get(&alarm) {
            return Ok(*known);
        }
        let duress = if change.kind == BoardChangeKind::Alarm {
            change.detail.as_deref() == Some(AlarmKind::Duress.as_str())
        } else {
            app.db().alarm(alarm).await?.kind == AlarmKind::Duress
        };
        self.duress.insert(alarm, duress);
        Ok(duress)
    }
}
