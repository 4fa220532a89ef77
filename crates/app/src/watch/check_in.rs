//! D3: "I'm OK". A check-in is checked and read first ([`prepare_check_in`]), then written alone
//! or with others in one group transaction ([`apply_check_ins`]): the check-in, the watch, the
//! deadlines, the answered alarms and the audit rows together.

use super::timeline;
use crate::alarms::{self, AlarmRequest};
use crate::{Refusal, Result};
use chrono::{DateTime, Utc};
use domain::VisitId;
use domain::monitor::{self, AlarmKind};
use domain::policy::PolicySettings;
use domain::{StaffId, inputs};
use store::{AuditEntry, Db, NewCheckIn, NewDeadline, Tx, Visit, VisitDeadlines, Watch};

/// "I'm OK", optionally with a note and where the phone was.
#[derive(Debug, Default, Clone)]
pub struct CheckInInput {
    pub note: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub accuracy_m: Option<f64>,
    /// A PIN typed with the check-in. The member of staff's duress PIN raises a silent alarm.
    pub pin: Option<String>,
    /// The phone's id for this action (offline queue): the same action is applied once.
    pub client_ref: Option<String>,
}

/// What the caller is told. Deliberately the same shape for an ordinary and a duress check-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckInOutcome {
    pub recorded_at: DateTime<Utc>,
    pub next_check_in_due: Option<DateTime<Utc>>,
    /// Never shown to the visitor; for the server's logs and tests.
    pub duress_alarm: Option<i64>,
}

fn check_location(input: &CheckInInput) -> Result<()> {
    inputs::position(input.latitude, input.longitude, input.accuracy_m)?;
    Ok(())
}

/// A check-in checked and read, ready to be written (alone, or in a group commit).
pub struct PreparedCheckIn {
    visit: Visit,
    staff: StaffId,
    note: Option<String>,
    client_ref: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    accuracy_m: Option<f64>,
    duress: bool,
    policy: PolicySettings,
    now: DateTime<Utc>,
}

/// Checks the input and reads what the write needs. Nothing is written. The watch is read in the
/// write's own transaction, so check-ins of one visit in one group each see the one before.
pub async fn prepare_check_in(
    db: &Db,
    visit: &Visit,
    staff: StaffId,
    input: &CheckInInput,
    policy: &PolicySettings,
    now: DateTime<Utc>,
) -> Result<PreparedCheckIn> {
    check_location(input)?;
    let note = inputs::optional_text("note", input.note.as_deref().unwrap_or(""), 1000)?;
    let client_ref =
        inputs::optional_text("client_ref", input.client_ref.as_deref().unwrap_or(""), 100)?;
    if !visit.state.is_out() {
        return Err(Refusal::not_out(format!(
            "this visit is {}; check-ins are for staff who are out",
            visit.status
        )));
    }
    // The stored PIN is read only when a PIN was typed: an ordinary check-in needs no more.
    let duress = match &input.pin {
        Some(pin) => match db.duress_pin_hash(staff).await? {
            Some(hash) => super::duress_pin::pin_matches(staff, pin, &hash).await?,
            None => false,
        },
        None => false,
    };
    Ok(PreparedCheckIn {
        visit: visit.clone(),
        staff,
        note,
        client_ref,
        latitude: input.latitude,
        longitude: input.longitude,
        accuracy_m: input.accuracy_m,
        duress,
        policy: policy.clone(),
        now,
    })
}

/// Writes a prepared check-in inside `tx`. Under duress the phone must behave exactly as after
/// an ordinary check-in (the next check-in and its reminder fall due as usual), so nothing on it
/// gives the visitor away; the duress alarm itself goes straight to the top of the ladder.
pub async fn apply_check_in(tx: &mut Tx, p: &PreparedCheckIn) -> Result<CheckInOutcome> {
    let mut outcomes = apply_check_ins(tx, &[p]).await?;
    outcomes
        .pop()
        .unwrap_or_else(|| Err(Refusal::not_out("the check-in was not written")))
}

fn next_check_in_due(p: &PreparedCheckIn, w: &Watch) -> Option<DateTime<Utc>> {
    monitor::deadlines(&p.policy.check_in, &timeline(&p.visit, w))
        .into_iter()
        .find(|d| d.kind == monitor::DeadlineKind::CheckIn)
        .map(|d| d.due_at)
}

fn not_watched() -> Refusal {
    Refusal::not_out("this visit is not being watched; sign out first")
}

/// Writes prepared check-ins inside `tx`, in order, with the same result as writing them one
/// after another ([`apply_check_in`] each), but in a few multi-row statements for the whole
/// group: the watches read, the check-ins stored, then each visit's watch and deadlines as its
/// last check-in leaves them, then the overdue check-in alarms they answer, and one audit row per
/// check-in written (one multi-row insert for the group). Each check-in has its
/// own result: one for a visit no longer watched fails alone, and nothing of it is written.
pub async fn apply_check_ins(
    tx: &mut Tx,
    group: &[&PreparedCheckIn],
) -> Result<Vec<Result<CheckInOutcome>>> {
    let mut ids: Vec<VisitId> = Vec::new();
    for p in group {
        if !ids.contains(&p.visit.id) {
            ids.push(p.visit.id);
        }
    }
    // The watches as they stand in this transaction; updated as each check-in is applied.
    let mut watches: Vec<Watch> = tx.watches_of_visits(&ids).await?;
    let folded = bursts(tx, group, &ids).await?;
    let watched: Vec<&PreparedCheckIn> = group
        .iter()
        .zip(&folded)
        .filter(|(p, f)| f.is_none() && watches.iter().any(|w| w.visit_id == p.visit.id.0))
        .map(|(p, _)| *p)
        .collect();
    let rows: Vec<NewCheckIn<'_>> = watched
        .iter()
        .map(|p| NewCheckIn {
            visit: p.visit.id,
            staff: Some(p.staff),
            kind: if p.duress {
                monitor::CheckInKind::Duress
            } else {
                monitor::CheckInKind::Ok
            },
            at: p.now,
            note: p.note.as_deref(),
            latitude: p.latitude,
            longitude: p.longitude,
            accuracy_m: p.accuracy_m,
            client_ref: p.client_ref.as_deref(),
        })
        .collect();
    let mut recorded = tx.record_check_ins(&rows).await?.into_iter();
    let mut outcomes = Vec::with_capacity(group.len());
    // Every write is audited; a duress check-in's row is the same as an ordinary one's.
    let mut audit: Vec<AuditEntry> = Vec::new();
    // The visits written to, each with the first check-in that was stored for it.
    let mut touched: Vec<(VisitId, &PreparedCheckIn)> = Vec::new();
    for (p, first) in group.iter().zip(&folded) {
        let Some(w) = watches.iter_mut().find(|w| w.visit_id == p.visit.id.0) else {
            outcomes.push(Err(not_watched()));
            continue;
        };
        if let Some(first) = first {
            // A second tap of a burst: answered as the first, nothing new written.
            outcomes.push(Ok(CheckInOutcome {
                recorded_at: *first,
                next_check_in_due: next_check_in_due(p, w),
                duress_alarm: None,
            }));
            continue;
        }
        if recorded.next() != Some(true) {
            // The phone sent this action before; it was applied then.
            outcomes.push(Ok(CheckInOutcome {
                recorded_at: p.now,
                next_check_in_due: next_check_in_due(p, w),
                duress_alarm: None,
            }));
            continue;
        }
        audit.push(AuditEntry {
            at: p.now,
            actor: Some(p.staff),
            school: Some(p.visit.school_id),
            action: "visit.check_in".into(),
            subject_type: "visit",
            subject_id: Some(p.visit.id.0),
            detail: serde_json::json!({}),
        });
        let duress_alarm = if p.duress {
            let request = AlarmRequest {
                kind: AlarmKind::Duress,
                raised_by: Some(p.staff),
                detail: serde_json::json!({ "how": "duress PIN at check-in", "latitude": p.latitude, "longitude": p.longitude }),
            };
            alarms::raise_in(tx, &p.visit, &request, p.now).await?
        } else {
            None
        };
        // A check-in kept offline and sent after a later contact does not move contact back.
        w.last_contact_at = w.last_contact_at.max(p.now);
        if p.latitude.is_some() {
            w.last_latitude = p.latitude;
            w.last_longitude = p.longitude;
        }
        outcomes.push(Ok(CheckInOutcome {
            recorded_at: p.now,
            next_check_in_due: next_check_in_due(p, w),
            duress_alarm,
        }));
        if !touched.iter().any(|(v, _)| *v == p.visit.id) {
            touched.push((p.visit.id, p));
        }
    }
    if touched.is_empty() {
        return Ok(outcomes);
    }
    tx.append_audits(&audit).await?;
    watches.retain(|w| touched.iter().any(|(v, _)| v.0 == w.visit_id));
    tx.put_watches(&watches).await?;
    // Each visit's deadlines as its last check-in in the group leaves them.
    let due: Vec<Vec<NewDeadline<'_>>> = touched
        .iter()
        .map(|(visit, p)| {
            let w = watches.iter().find(|w| w.visit_id == visit.0);
            w.map(|w| {
                monitor::deadlines(&p.policy.check_in, &timeline(&p.visit, w))
                    .iter()
                    .map(|d| NewDeadline {
                        kind: d.kind.as_str(),
                        due_at: d.due_at,
                        fires_at: d.fires_at,
                        remind_at: d.remind_at,
                    })
                    .collect()
            })
            .unwrap_or_default()
        })
        .collect();
    let per_visit: Vec<VisitDeadlines<'_>> = touched
        .iter()
        .zip(&due)
        .map(|((visit, p), deadlines)| VisitDeadlines {
            visit: *visit,
            school: p.visit.school_id,
            deadlines,
        })
        .collect();
    tx.set_deadlines_of_visits(&per_visit).await?;
    // A check-in answers its visit's overdue check-in alarm; the first check-in of the visit in
    // the group is the one that resolves it, as when written one after another.
    let ids: Vec<VisitId> = touched.iter().map(|(v, _)| *v).collect();
    let open = tx
        .unresolved_alarms_of_visits(&ids, AlarmKind::MissedCheckIn.as_str())
        .await?;
    for (visit, p) in &touched {
        let answered: Vec<store::Alarm> = open
            .iter()
            .filter(|a| a.visit_id == Some(visit.0))
            .cloned()
            .collect();
        if answered.is_empty() {
            continue;
        }
        let said = format!(
            "Checked in at {}.",
            p.now.with_timezone(&p.policy.tz()).format("%H:%M")
        );
        alarms::resolve_alarms(tx, &answered, Some(p.staff), &said, p.now).await?;
    }
    Ok(outcomes)
}

/// How close together (seconds) two ordinary taps of "I'm OK" by one person on one visit are one
/// tap: a shaky hand, or a double tap on the page without JavaScript (#11 C5).
pub const BURST_SECONDS: i64 = 5;

/// For each check-in of `group`, when it is the second tap of a burst, the time of the check-in
/// it repeats (UTC): one recorded, or written earlier in the group, by the same person on the
/// same visit with the same note within [`BURST_SECONDS`] (a phoned-in check-in with its own note
/// is a record of its own). Only an ordinary check-in with no `client_ref` is folded
/// (one with a `client_ref` is matched by it); a duress check-in is never folded, whatever came
/// before, so the silent alarm is always raised.
async fn bursts(
    tx: &mut Tx,
    group: &[&PreparedCheckIn],
    ids: &[VisitId],
) -> Result<Vec<Option<DateTime<Utc>>>> {
    let window = chrono::Duration::seconds(BURST_SECONDS);
    let foldable = |p: &PreparedCheckIn| !p.duress && p.client_ref.is_none();
    let Some(since) = group
        .iter()
        .filter(|p| foldable(p))
        .map(|p| p.now - window)
        .min()
    else {
        return Ok(vec![None; group.len()]);
    };
    /// A check-in already taken: visit, person, when (UTC) and note.
    type Taken = (VisitId, Option<StaffId>, DateTime<Utc>, Option<String>);
    let mut earlier: Vec<Taken> = tx
        .check_ins_since(ids, since)
        .await?
        .into_iter()
        .map(|c| (VisitId(c.visit_id), c.staff_id.map(StaffId), c.at, c.note))
        .collect();
    let mut folded = Vec::with_capacity(group.len());
    for p in group {
        // The same tap repeated: same person, same visit, same note (none, from a phone), close.
        let first = earlier
            .iter()
            .filter(|(v, s, at, note)| {
                *v == p.visit.id
                    && *s == Some(p.staff)
                    && *note == p.note
                    && (p.now - *at).abs() <= window
            })
            .map(|(_, _, at, _)| *at)
            .min()
            .filter(|_| foldable(p));
        if first.is_none() {
            earlier.push((p.visit.id, Some(p.staff), p.now, p.note.clone()));
        }
        folded.push(first);
    }
    Ok(folded)
}

/// D3: a check-in in its own transaction. Durable before it returns.
pub async fn check_in(
    db: &Db,
    visit: &Visit,
    staff: StaffId,
    input: &CheckInInput,
    policy: &PolicySettings,
    now: DateTime<Utc>,
) -> Result<CheckInOutcome> {
    let prepared = prepare_check_in(db, visit, staff, input, policy, now).await?;
    let mut tx = db.begin().await?;
    let outcome = apply_check_in(&mut tx, &prepared).await?;
    tx.commit().await?;
    Ok(outcome)
}
