//! The visit in progress, as the visiting staff (and the office on their behalf) act on it from
//! a phone: "I'm OK" ([`check_in`]), "need more time" ([`extend`]), panic, duress and doorstep
//! observations ([`raise_alarm`]), the buddy's hand-over ([`hand_over_buddy`]), the covert duress
//! PIN ([`set_duress_pin`]), and what the phone shows of the visit's alarms ([`phone_status`]) with
//! the panic button's pocket-tap guard ([`panic_pressed`], [`panic_cancelled`]).
//!
//! Each use case takes the acting person, typed input and `now` (UTC), decides access through
//! [`crate::access`], and writes its change with its audit row in one transaction, durable before
//! it returns. No HTTP and no SQL here.

mod cards;
mod extend;
mod hand_over;
mod phone;
mod pin;
mod raise;

pub use crate::watch::{CheckInInput, CheckInOutcome};
pub use cards::{CardFacts, cards};
pub use extend::{ExtendInput, Extended, extend};
pub use hand_over::{HandedOver, hand_over_buddy};
pub use phone::{
    HelpComing, Missed, PhoneStatus, PhonedInInput, panic_cancelled, panic_pressed, phone_status,
    phoned_in,
};
pub use pin::set_duress_pin;
pub use raise::{AlarmInput, Raised, raise_alarm, raise_alarm_tapped};

use crate::{App, Result, access};
use chrono::{DateTime, Utc};
use domain::VisitId;
use store::Staff;

/// D3: "I'm OK" (with an optional note, the phone's location and an optional PIN), or a
/// check-in the office records after a phone call. Written through the group commit when the
/// app has one, else in its own transaction; the check-in, the watch, its deadlines, any
/// answered missed-check-in alarm and the audit row are written together.
///
/// The answer is the same for an ordinary and a duress check-in (the duress PIN raises a silent
/// alarm and wakes the monitor). Errors: `NotFound("visit")`, `Forbidden` (not one of the visiting
/// staff: others record a [`phoned_in`] check-in), `Conflict("status")` when staff are not out, `Invalid` for the note, location
/// or client_ref, `Unavailable` when the group-commit writer has stopped (the phone retries).
pub async fn check_in(
    app: &App,
    me: &Staff,
    visit: VisitId,
    input: &CheckInInput,
    now: DateTime<Utc>,
) -> Result<CheckInOutcome> {
    check_in_tapped(app, me, visit, input, None, now).await
}

/// [`check_in`] kept on the phone with no signal and sent later: recorded at `tapped_at` (UTC)
/// within [`domain::tap::tap_time`]'s bounds (not before the visit was signed out, at most 2
/// minutes ahead of `now`). Errors as [`check_in`]; `Invalid("tapped_at")` outside the bounds.
pub async fn check_in_tapped(
    app: &App,
    me: &Staff,
    visit: VisitId,
    input: &CheckInInput,
    tapped_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<CheckInOutcome> {
    // The position is checked first, whoever sends it: it says nothing about the visit.
    domain::inputs::position(input.latitude, input.longitude, input.accuracy_m)?;
    let visit = access::visit_as_visitor(app, me, visit, "check in").await?;
    let at = tap_time(app, &visit, tapped_at, now).await?;
    write_check_in(app, me, &visit, input, at).await
}

/// When a tap on `visit` is recorded: `now`, or `tapped_at` within the visit's time out (see
/// [`domain::tap::tap_time`]). Reads the watch only for a tap sent later.
pub(crate) async fn tap_time(
    app: &App,
    visit: &store::Visit,
    tapped_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>> {
    let signed_out_at = match tapped_at {
        Some(_) => app.db().watch(visit.id).await?.map(|w| w.signed_out_at),
        None => None,
    };
    Ok(domain::tap::tap_time(tapped_at, signed_out_at, now)?)
}

/// The check-in itself, for a visit already decided on: the visitors' own ([`check_in`]) or one
/// phoned in ([`phoned_in`]).
async fn write_check_in(
    app: &App,
    me: &Staff,
    visit: &store::Visit,
    input: &CheckInInput,
    now: DateTime<Utc>,
) -> Result<CheckInOutcome> {
    let policy = app.policy_version(visit.policy_version_id).await?;
    let outcome = match app.check_in_writer() {
        Some(writer) => {
            writer
                .check_in(visit, me.id, input, &policy.settings, now)
                .await?
        }
        None => {
            crate::watch::check_in(app.db(), visit, me.id, input, &policy.settings, now).await?
        }
    };
    if outcome.duress_alarm.is_some() {
        tracing::warn!(visit.id = %visit.id, "covert duress raised at check-in");
        app.wake_monitor();
    }
    Ok(outcome)
}
