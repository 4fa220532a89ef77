//! What the visitor's phone shows about the alarms of the visit they are on (#11 item 4): that
//! help is coming after a panic and who took charge, and a missed check-in with what the ladder
//! tells the visitors to do. A duress alarm is never shown here: it is covert, and a phone that
//! changed could give the visitor away. Also the pocket-tap guard of the panic button: the first
//! tap and a cancel are recorded, and a cancelled panic raises nothing.

use crate::{App, Result, access, audit};
use chrono::{DateTime, Utc};
use domain::inputs::PhoneNumber;
use domain::monitor::{AlarmKind, Audience, ladder_for_policy};
use domain::policy::Recipient;
use domain::recorded::Recorded;
use domain::{StaffId, VisitId};
use serde::Serialize;
use store::{Alarm, Staff};

/// The Today card's live line about the visit's alarms.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PhoneStatus {
    pub visit_id: i64,
    /// The newest panic still open: when it was sent, and who is dealing with it.
    pub help: Option<HelpComing>,
    /// A missed check-in (or overdue leaving or return) still open: the Today card turns red.
    pub missed: Option<Missed>,
    /// Tester C2: school closed the visit's missed check-in or overdue alarm and nobody has
    /// checked in since: "School has closed the alarm for your visit at 14:10: tap I'm OK at
    /// your next check-in." (school's clock). `None` while an overdue alarm is still open.
    pub closed: Option<String>,
}

/// A panic the school has received.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct HelpComing {
    pub alarm_id: i64,
    /// When the panic was recorded (UTC).
    pub sent_at: DateTime<Utc>,
    /// The person who acknowledged it ("I am dealing with it"), once someone has.
    pub taken_by: Option<String>,
    /// When they acknowledged it (UTC).
    pub taken_at: Option<DateTime<Utc>>,
}

/// An overdue alarm the visitors must answer.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Missed {
    pub alarm_id: i64,
    /// `missed_check_in`, `overdue_arrival`, `overdue_leaving` or `overdue_return`.
    pub kind: AlarmKind,
    /// When the deadline was found missed (UTC).
    pub raised_at: DateTime<Utc>,
    /// The red box's heading on the visitors' card, naming the deadline ("Not left the property
    /// on time."), and on the buddy's card ("The visitors are not back on time.").
    pub heading: String,
    pub buddy_heading: String,
    /// The instruction of the highest rung fired so far that tells the visitors, in the
    /// policy's words (REAch2: "… Phone your buddy now.").
    pub instruction: String,
    /// The buddy now (after a hand-over, the new one), to phone.
    pub buddy_name: Option<String>,
    // Checked, or as stored when typed before the parser was stricter (the doc would change
    // the API description).
    #[schema(value_type = Option<String>)]
    pub buddy_mobile: Option<Recorded<PhoneNumber>>,
    /// Who acknowledged the alarm, once someone has.
    pub taken_by: Option<String>,
}

const OVERDUE: [AlarmKind; 4] = AlarmKind::OVERDUE;

/// The visit's open panic and overdue alarm as the people on the visit see them on Today.
/// Duress alarms are left out for everyone (covert, D4). Nothing here is sensitive (no child's
/// name or address), so reading it is not audited; it is polled every few seconds.
/// Errors: `NotFound("visit")`, `Forbidden` for someone neither on the visit nor watching it.
pub async fn phone_status(
    app: &App,
    me: &Staff,
    visit: VisitId,
    _now: DateTime<Utc>,
) -> Result<PhoneStatus> {
    let visit = access::visit_to_act_on(app, me, visit, "see the visit's alarms").await?;
    let all = app.db().alarms_of_visit(visit.id).await?;
    status_from(app, &visit, all, None).await
}

/// What a page showing many visits (Today) already read of one: whether it is watched, and its
/// check-ins, oldest first.
pub(crate) struct AlreadyRead<'a> {
    pub watched: bool,
    pub check_ins: &'a [store::CheckIn],
}

/// [`PhoneStatus`] of a visit the person may see, from all its alarms (`all`, oldest first);
/// the watch and check-ins are read only when a closed alarm needs them and `known` lacks them.
pub(crate) async fn status_from(
    app: &App,
    visit: &store::Visit,
    all: Vec<Alarm>,
    known: Option<AlreadyRead<'_>>,
) -> Result<PhoneStatus> {
    let db = app.db();
    let open: Vec<(Alarm, AlarmKind)> = all
        .iter()
        .filter(|a| a.resolved_at.is_none())
        .cloned()
        .map(|a| {
            let k = a.kind;
            (a, k)
        })
        .collect();
    let name_of = |id: Option<i64>| async move {
        match id {
            Some(id) => db.staff(StaffId(id)).await.map(|s| Some(s.name)),
            None => Ok(None),
        }
    };
    let help = match open
        .iter()
        .filter(|(_, k)| *k == AlarmKind::Panic)
        .max_by_key(|(a, _)| a.raised_at)
    {
        Some((a, _)) => Some(HelpComing {
            alarm_id: a.id,
            sent_at: a.raised_at,
            taken_by: name_of(a.acknowledged_by).await?,
            taken_at: a.acknowledged_at,
        }),
        None => None,
    };
    let missed = match open
        .iter()
        .filter(|(_, k)| OVERDUE.contains(k))
        .max_by_key(|(a, _)| a.raised_at)
    {
        Some((a, kind)) => {
            let policy = app.policy_version(visit.policy_version_id).await?;
            let ladder = ladder_for_policy(*kind, &policy.settings);
            let fired = db.alarm_levels_fired(a.id).await?;
            // The highest rung fired that speaks to the visitors; before the first fires, rung 0.
            let rung = fired
                .iter()
                .rev()
                .filter_map(|(l, _)| usize::try_from(*l).ok().and_then(|l| ladder.get(l)))
                .find(|r| r.notify.contains(&Recipient::Visitors))
                .or_else(|| ladder.first());
            let buddy = match visit.buddy_staff_id {
                Some(b) => Some(db.staff(StaffId(b)).await?),
                None => None,
            };
            Some(Missed {
                alarm_id: a.id,
                kind: *kind,
                raised_at: a.raised_at,
                heading: kind.heading_on_today(Audience::Visitors).to_string(),
                buddy_heading: kind.heading_on_today(Audience::Buddy).to_string(),
                instruction: rung.map(|r| r.instruction.clone()).unwrap_or_default(),
                buddy_name: buddy.as_ref().map(|b| b.name.clone()),
                buddy_mobile: buddy.and_then(|b| b.mobile),
                taken_by: name_of(a.acknowledged_by).await?,
            })
        }
        None => None,
    };
    let closed = match missed {
        Some(_) => None,
        None => closed_line(app, visit, &all, known).await?,
    };
    Ok(PhoneStatus {
        visit_id: visit.id.0,
        help,
        missed,
        closed,
    })
}

/// The line for an overdue alarm school closed while the visitors are out, until the next
/// check-in: the newest such alarm closed by someone not on the visit, when no check-in has been
/// recorded since and the visit is still watched. Never a duress alarm or a drill.
async fn closed_line(
    app: &App,
    visit: &store::Visit,
    alarms: &[Alarm],
    known: Option<AlreadyRead<'_>>,
) -> Result<Option<String>> {
    let visitors: Vec<StaffId> = visit.staff.iter().map(|s| s.staff_id).collect();
    let Some(closed_at) = alarms
        .iter()
        .filter(|a| crate::board::closed::is_told(a))
        .filter(|a| crate::board::closed::closed_by_school(a, &visitors))
        .filter_map(|a| a.resolved_at)
        .max()
    else {
        return Ok(None);
    };
    let db = app.db();
    let read;
    let check_ins = match known {
        Some(k) if !k.watched => return Ok(None),
        Some(k) => k.check_ins,
        None if db.watch(visit.id).await?.is_none() => return Ok(None),
        None => {
            read = db.check_ins_of(visit.id).await?;
            &read
        }
    };
    let answered = check_ins.iter().any(|c| c.at >= closed_at);
    if answered {
        return Ok(None);
    }
    let tz = app
        .policy_version(visit.policy_version_id)
        .await?
        .settings
        .tz();
    Ok(Some(crate::words::alarm_closed_for_visitors(closed_at, tz)))
}

/// The first tap on the panic button (the pocket-tap guard): recorded as `visit.panic_pressed`,
/// raising nothing yet. The phone then asks for a second tap to send, or a cancel.
/// Errors: `NotFound("visit")`, `Forbidden`.
pub async fn panic_pressed(
    app: &App,
    me: &Staff,
    visit: VisitId,
    now: DateTime<Utc>,
) -> Result<()> {
    record(app, me, visit, "visit.panic_pressed", now).await
}

/// A panic taken back before it was sent (a pocket tap): recorded as `visit.panic_cancelled`;
/// no alarm is raised. Errors: `NotFound("visit")`, `Forbidden`.
pub async fn panic_cancelled(
    app: &App,
    me: &Staff,
    visit: VisitId,
    now: DateTime<Utc>,
) -> Result<()> {
    record(app, me, visit, "visit.panic_cancelled", now).await
}

async fn record(
    app: &App,
    me: &Staff,
    visit: VisitId,
    action: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let visit = access::visit_to_act_on(app, me, visit, "use the panic button").await?;
    let mut e = audit::entry(
        app,
        me,
        action,
        "visit",
        visit.id.0,
        Some(visit.school_id),
        serde_json::json!({}),
    );
    e.at = now;
    Ok(app.db().append_audit(&e).await?)
}

/// A check-in the office takes by telephone (#11 item 6): who phoned, and a note.
#[derive(Debug, Clone, Default)]
pub struct PhonedInInput {
    /// The visitor who phoned: one of the visit's visiting staff.
    pub caller: Option<StaffId>,
    pub note: Option<String>,
    pub client_ref: Option<String>,
}

/// Records a check-in phoned in to school, as the person who took the call (the check-in's
/// `staff_id` and its audit row name them), its note naming the visitor who phoned. The same
/// watch, deadlines and alarm answering as "I'm OK". Errors: `Invalid("caller")` when the caller
/// is not one of the visitors, `Invalid("note")` over 500 characters, and [`super::check_in`]'s.
pub async fn phoned_in(
    app: &App,
    me: &Staff,
    visit: VisitId,
    input: &PhonedInInput,
    now: DateTime<Utc>,
) -> Result<super::CheckInOutcome> {
    let found = access::visit_to_act_on(app, me, visit, "record a phoned-in check-in").await?;
    let caller = input
        .caller
        .and_then(|c| found.staff.iter().find(|s| s.staff_id == c))
        .ok_or_else(|| {
            crate::Refusal::invalid("caller", "choose the member of staff who phoned")
        })?;
    let note = domain::inputs::optional_text("note", input.note.as_deref().unwrap_or(""), 500)?;
    let mut text = format!("Phoned in by {}; call taken by {}", caller.name, me.name);
    if let Some(n) = note {
        text = format!("{text}: {n}");
    }
    let check_in = super::CheckInInput {
        note: Some(text),
        client_ref: input.client_ref.clone(),
        ..Default::default()
    };
    super::write_check_in(app, me, &found, &check_in, now).await
}
