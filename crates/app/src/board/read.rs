//! The board's reads: unresolved alarms most urgent first, one alarm in full, and everyone out
//! now. The JSON API and the office's web page show these same values.

use crate::permissions::ALARM_WATCHERS;
use crate::{App, Result, access};
use chrono::{DateTime, Utc};
use domain::inputs::{PhoneNumber, Postcode};
use domain::monitor::{Attention, attention_order};
use domain::recorded::Recorded;
use serde::Serialize;
use std::collections::HashSet;
use store::{Alarm, Notification, Staff};

/// An alarm as the board shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AlarmView {
    #[serde(flatten)]
    pub alarm: Alarm,
    pub label: String,
    /// Duress, panic and a child in immediate danger first ([`domain::monitor::AlarmKind::urgency`]).
    pub urgent: bool,
    /// Which outside channels are failing, and whether anyone outside the app has been told.
    pub reach: super::Reach,
    /// Who was told what, by which channel, when, and whether it was delivered, in plain words.
    pub told: Vec<super::Told>,
    /// The name of whoever took charge (`acknowledged_by`), when someone has.
    pub acknowledged_by_name: Option<String>,
}

impl From<Alarm> for AlarmView {
    fn from(alarm: Alarm) -> Self {
        AlarmView {
            // A drill is labelled as one wherever an alarm is shown (#11 item 9).
            label: match alarm.drill {
                true => format!("DRILL — {} (practice alarm)", alarm.kind.label()),
                false => alarm.kind.label().to_string(),
            },
            urgent: alarm.kind.is_urgent() && !alarm.drill,
            reach: super::Reach::default(),
            told: Vec::new(),
            acknowledged_by_name: None,
            alarm,
        }
    }
}

/// The school's unresolved alarms with how their messages are doing.
/// A duress alarm is left out for the staff visiting on it ([`access::duress_hidden_from`]).
/// Also the school's clock, from the policy read for it.
async fn unresolved(
    app: &App,
    me: &Staff,
    school: domain::SchoolId,
) -> Result<(Vec<AlarmView>, chrono_tz::Tz)> {
    let db = app.db();
    let (policy, all) = tokio::try_join!(db.current_policy(school), db.unresolved_alarms(school))?;
    let tz = policy.settings.tz();
    let mut shown = Vec::with_capacity(all.len());
    for alarm in all {
        if !access::duress_hidden_from(app, me, &alarm).await? {
            shown.push(alarm);
        }
    }
    // Every alarm's deliveries in one read, and everyone told or in charge named in one more.
    let ids: Vec<i64> = shown.iter().map(|a| a.id).collect();
    let deliveries = db.notifications_of_alarms(&ids).await?;
    let people = deliveries.iter().filter_map(|n| n.staff_id);
    let names = super::told::names_of(
        db,
        people.chain(shown.iter().filter_map(|a| a.acknowledged_by)),
    )
    .await?;
    let mut alarms = Vec::with_capacity(shown.len());
    for alarm in shown {
        let mine: Vec<Notification> = deliveries
            .iter()
            .filter(|n| n.alarm_id == Some(alarm.id))
            .cloned()
            .collect();
        let mut view = AlarmView::from(alarm);
        view.reach = super::reach(&mine);
        view.told = super::told::told_with(&mine, tz, &names);
        view.acknowledged_by_name = view
            .alarm
            .acknowledged_by
            .and_then(|b| names.get(&b).cloned());
        alarms.push(view);
    }
    Ok((alarms, tz))
}

/// The alarm with its reach and who was told, in the school's time zone; and its deliveries.
async fn view_with_deliveries(
    app: &App,
    alarm: Alarm,
    tz: chrono_tz::Tz,
) -> Result<(AlarmView, Vec<Notification>)> {
    let db = app.db();
    let deliveries = db.notifications_of_alarm(alarm.id).await?;
    let people = deliveries.iter().filter_map(|n| n.staff_id);
    let names = super::told::names_of(db, people.chain(alarm.acknowledged_by)).await?;
    let mut view = AlarmView::from(alarm);
    view.reach = super::reach(&deliveries);
    view.told = super::told::told_with(&deliveries, tz, &names);
    view.acknowledged_by_name = view
        .alarm
        .acknowledged_by
        .and_then(|b| names.get(&b).cloned());
    Ok((view, deliveries))
}

/// One alarm with the ladder levels fired and every delivery.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AlarmDetail {
    pub alarm: AlarmView,
    pub levels_fired: Vec<LevelFired>,
    /// Delivery status per recipient and channel.
    pub deliveries: Vec<Notification>,
    /// The deliveries in plain words, oldest first: "Helen Head — text message — 10:32 —
    /// delivered" (times on the school's clock).
    pub told: Vec<super::Told>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LevelFired {
    pub level: i64,
    pub fired_at: DateTime<Utc>,
}

/// A visit that is out now.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OutNow {
    pub visit_id: i64,
    pub status: domain::visit::VisitStatus,
    pub staff: Vec<String>,
    /// Each visitor's mobile number, in the order of `staff` (empty when none is on record).
    /// Shown to the board's users, who phone the staff when an alarm says so.
    // Checked, or as stored when typed before the parser was stricter (never hidden).
    pub staff_mobiles: Vec<String>,
    pub family_name: String,
    pub address: String,
    #[schema(value_type = String)]
    pub postcode: Recorded<Postcode>,
    pub buddy: Option<String>,
    /// The buddy's mobile number, when on record (and the buddy is still on site).
    #[schema(value_type = Option<String>)]
    pub buddy_mobile: Option<Recorded<PhoneNumber>>,
    /// The buddy left site with nobody taking over.
    pub buddy_missing: bool,
    pub signed_out_at: DateTime<Utc>,
    pub last_contact_at: DateTime<Utc>,
    /// The earliest deadline the visitors owe (UTC): the next check-in, arrival, leave-by or
    /// back-by, whichever is first.
    pub next_due: Option<DateTime<Utc>>,
    pub due_back: DateTime<Utc>,
    pub overdue: bool,
    /// What the visit is overdue for, when an alarm is open on it: the oldest open alarm's label
    /// ("not left the property on time") and when it was raised (UTC). The board shows this in
    /// place of the next check-in (tester C10).
    pub overdue_for: Option<(String, DateTime<Utc>)>,
    /// A check-in (or the return) is due and not yet made, but its grace has not run out: no
    /// alarm yet (the policy's grace, D3). Never set together with `overdue`.
    pub late_in_grace: bool,
}

/// The office board: alarms at the top, then everyone out now.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Board {
    pub school_id: i64,
    pub now: DateTime<Utc>,
    pub alarms: Vec<AlarmView>,
    pub out: Vec<OutNow>,
    /// The newest daily test of the outside channels (when the server runs one).
    pub channel_test: Option<crate::monitor::ChannelTest>,
    /// The school's clock, for showing these times (the API gives them in UTC).
    #[serde(skip)]
    pub tz: chrono_tz::Tz,
}

/// The school's unresolved alarms, duress and panic first, then oldest first. `school_id` names
/// a school in the person's scope (their own when `None`). Errors: `Forbidden` without an alarm
/// watcher's role or for a school out of scope.
pub async fn alarms(app: &App, me: &Staff, school_id: Option<i64>) -> Result<Vec<AlarmView>> {
    access::require_any(me, &ALARM_WATCHERS, "watch the school's alarms")?;
    let school = access::school_in_scope(app, me, school_id).await?;
    let (mut alarms, _) = unresolved(app, me, school).await?;
    alarms.sort_by_key(|a| (!a.urgent, a.alarm.raised_at));
    Ok(alarms)
}

/// One alarm with its levels fired and deliveries. Errors: `NotFound("alarm")`, also for one
/// the person may not see.
pub async fn alarm(app: &App, me: &Staff, id: i64) -> Result<AlarmDetail> {
    let alarm = access::visible_alarm(app, me, id).await?;
    let levels_fired = app
        .db()
        .alarm_levels_fired(alarm.id)
        .await?
        .into_iter()
        .map(|(level, fired_at)| LevelFired { level, fired_at })
        .collect();
    let tz = app
        .db()
        .current_policy(domain::SchoolId(alarm.school_id))
        .await?
        .settings
        .tz();
    let (view, deliveries) = view_with_deliveries(app, alarm, tz).await?;
    Ok(AlarmDetail {
        told: view.told.clone(),
        alarm: view,
        levels_fired,
        deliveries,
    })
}

/// The board at `now`: alarms (urgent, then those no channel reached, then oldest) and everyone
/// out, the one that needs a person first on top ([`domain::monitor::attention_order`]: open
/// urgent alarms, other open alarms, overdue, late in grace, then the earliest deadline owed), in one read of the visits however many are
/// out. Errors: `Forbidden` without an alarm watcher's role or for a school out of scope.
pub async fn board(
    app: &App,
    me: &Staff,
    school_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Board> {
    access::require_any(me, &ALARM_WATCHERS, "see the office board")?;
    let school = access::school_in_scope(app, me, school_id).await?;
    let db = app.db();
    // Independent reads side by side: each is a round trip to the store's worker.
    let ((mut alarms, tz), out_rows, channel_test) = tokio::try_join!(
        unresolved(app, me, school),
        async { Ok(db.out_now(school, now).await?) },
        crate::monitor::latest_channel_test(db, school),
    )?;
    alarms.sort_by_key(|a| (!a.urgent, !a.reach.nobody_told, a.alarm.raised_at));
    let alarmed: HashSet<i64> = alarms.iter().filter_map(|a| a.alarm.visit_id).collect();
    let overdue_for = |visit: i64| {
        alarms
            .iter()
            .filter(|a| a.alarm.visit_id == Some(visit))
            .min_by_key(|a| a.alarm.raised_at)
            .map(|a| (a.label.clone(), a.alarm.raised_at))
    };
    let out: Vec<OutNow> = out_rows
        .into_iter()
        .map(|row| {
            let on_site = row.buddy_left_at.is_none();
            let buddy = row.buddy_name.filter(|_| on_site);
            let overdue = row.late || alarmed.contains(&row.visit_id);
            OutNow {
                visit_id: row.visit_id,
                status: row.status,
                staff: row.staff,
                staff_mobiles: row
                    .staff_mobiles
                    .iter()
                    .map(|m| m.as_ref().map_or_else(String::new, ToString::to_string))
                    .collect(),
                buddy_mobile: row.buddy_mobile.filter(|_| on_site),
                family_name: row.family_name,
                address: row.address,
                postcode: row.postcode,
                buddy_missing: buddy.is_none(),
                buddy,
                signed_out_at: row.signed_out_at,
                last_contact_at: row.last_contact_at,
                next_due: row.next_due,
                due_back: row.return_due.unwrap_or(row.planned_return),
                overdue,
                overdue_for: overdue_for(row.visit_id),
                late_in_grace: !overdue && row.next_due.is_some_and(|d| d <= now),
            }
        })
        .collect();
    // Tester C9/C10: the row that needs a person first on top (domain::monitor::attention_order).
    let rows: Vec<Attention> = out
        .iter()
        .map(|o| {
            let on_visit = || {
                alarms
                    .iter()
                    .filter(|a| a.alarm.visit_id == Some(o.visit_id))
            };
            Attention {
                urgent_alarm: on_visit().any(|a| a.urgent),
                open_alarm: on_visit().next().is_some(),
                overdue: o.overdue,
                late_in_grace: o.late_in_grace,
                next_due: o.next_due,
            }
        })
        .collect();
    let mut slots: Vec<Option<OutNow>> = out.into_iter().map(Some).collect();
    let out: Vec<OutNow> = attention_order(&rows)
        .into_iter()
        .filter_map(|i| slots[i].take())
        .collect();
    Ok(Board {
        school_id: school.0,
        now,
        alarms,
        out,
        channel_test,
        tz,
    })
}
