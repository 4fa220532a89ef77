//! Today's cards in one go (#9): the visits a person is on or buddies for, each with what its
//! card shows (household, pupil, watch and deadlines, check-ins, buddy, alarm lines), read with
//! one query per kind of record for the whole page rather than a round of reads per card.

use super::phone::{AlreadyRead, PhoneStatus, status_from};
use crate::{App, Result, access};
use domain::{PupilId, StaffId, VisitId};
use std::sync::Arc;
use store::{Alarm, CheckIn, DeadlineRow, Household, PolicyVersion, Staff, Visit, Watch};

/// One card's facts, with access decided as for a single visit: the visit with its code word
/// only for its people ([`access::visible_visits`]), the household as
/// [`access::households_of_visits`] allows, and the pupil's name from the school's roll.
pub struct CardFacts {
    pub visit: Visit,
    /// The code word was shown (the audit row of the read says so; never the word).
    pub code_word_shown: bool,
    /// The policy version the visit was planned under.
    pub policy: Arc<PolicyVersion>,
    pub household: Household,
    pub pupil: String,
    /// The monitor's watch while the visitors are out; `None` before and after.
    pub watch: Option<Watch>,
    /// The deadlines the visitors still owe while watched (none otherwise), in firing order.
    pub deadlines: Vec<DeadlineRow>,
    /// Check-ins recorded while watched.
    pub check_ins: usize,
    /// The buddy now, from the directory of the person's trust.
    pub buddy: Option<Staff>,
    /// The alarm lines of a watched visit ([`super::phone_status`]).
    pub status: Option<PhoneStatus>,
}

/// The cards of `ids`, in that order, for `me`. Reads: the visits, households, pupils,
/// watches, deadlines, check-ins and alarms of all of them (one query each), then the buddies
/// and anything an open alarm needs. Errors: `NotFound("visit")` when any is not theirs to see,
/// and the store's.
pub async fn cards(app: &App, me: &Staff, ids: &[VisitId]) -> Result<Vec<CardFacts>> {
    let visits = access::visible_visits(app, me, ids).await?;
    let pupil_ids: Vec<PupilId> = visits.iter().map(|v| v.pupil_id).collect();
    let db = app.db();
    let (households, pupils, watches, deadlines, check_ins, alarms) = tokio::try_join!(
        access::households_of_visits(app, me, &visits),
        crate::school::pupil_names(app, me, &pupil_ids),
        async { Ok(db.watches_of_visits(ids).await?) },
        async { Ok(db.deadlines_of_visits(ids).await?) },
        async { Ok(db.check_ins_of_visits(ids).await?) },
        async { Ok::<_, crate::Refusal>(db.alarms_of_visits(ids).await?) },
    )?;
    let mut buddies: Vec<Staff> = Vec::new();
    for id in visits.iter().filter_map(|v| v.buddy_staff_id) {
        if !buddies.iter().any(|b| b.id.0 == id) {
            buddies.push(crate::school::colleague(app, me, StaffId(id)).await?);
        }
    }
    let mut out = Vec::with_capacity(visits.len());
    for ((visit, household), pupil) in visits.into_iter().zip(households).zip(pupils) {
        let of = |v: i64| v == visit.id.0;
        let watch = watches.iter().find(|w| of(w.visit_id)).cloned();
        let visit_check_ins: Vec<CheckIn> = check_ins
            .iter()
            .filter(|c| of(c.visit_id))
            .cloned()
            .collect();
        let status = match &watch {
            Some(_) => {
                let all: Vec<Alarm> = alarms
                    .iter()
                    .filter(|a| a.visit_id == Some(visit.id.0))
                    .cloned()
                    .collect();
                let known = AlreadyRead {
                    watched: true,
                    check_ins: &visit_check_ins,
                };
                Some(status_from(app, &visit, all, Some(known)).await?)
            }
            None => None,
        };
        out.push(CardFacts {
            code_word_shown: visit.involves(me.id) && visit.code_word.is_some(),
            policy: app.policy_version(visit.policy_version_id).await?,
            household,
            pupil,
            deadlines: match watch {
                Some(_) => deadlines
                    .iter()
                    .filter(|d| of(d.visit_id))
                    .cloned()
                    .collect(),
                None => Vec::new(),
            },
            check_ins: if watch.is_some() {
                visit_check_ins.len()
            } else {
                0
            },
            buddy: visit
                .buddy_staff_id
                .and_then(|b| buddies.iter().find(|s| s.id.0 == b).cloned()),
            watch,
            status,
            visit,
        });
    }
    Ok(out)
}
