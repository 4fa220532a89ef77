//! On the way to the house: arrived (D2) and nobody home (D9) as taps that may have been kept on
//! the phone with no signal (recorded when tapped), and turning back before reaching the house
//! (A9), after which the staff are still watched until they tap "Back at school" or "Home safe".

use super::read::VisitDetail;
use super::step::{StepRecord, take};
use crate::access::visit_as_visitor;
use crate::{App, Result};
use chrono::{DateTime, Utc};
use domain::VisitId;
use domain::text::MultiLine;
use domain::visit::VisitStep;
use serde::Deserialize;
use serde_json::json;
use store::Staff;

/// A one-tap step with nothing to say but, when it was kept on the phone with no signal, when it
/// was tapped.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TapInput {
    /// When it was tapped (UTC), for a tap sent later from the phone's offline queue; within
    /// the visit's time out and at most 2 minutes ahead of the school's clock.
    #[serde(default)]
    pub tapped_at: Option<DateTime<Utc>>,
}

/// D2: arrived at the property, at `tapped_at` when sent later. Errors: `Invalid("tapped_at")`
/// outside [`domain::tap::tap_time`]'s bounds; `IllegalStep` unless signed out.
pub async fn arrived_tapped(
    app: &App,
    me: &Staff,
    id: VisitId,
    input: TapInput,
) -> Result<VisitDetail> {
    let visit = visit_as_visitor(app, me, id, "record arrival").await?;
    let record = StepRecord::simple(VisitStep::Arrive, "arrived").tapped(input.tapped_at);
    take(app, me, &visit, record).await
}

/// D9: nobody answered; a slip or card is left; at `tapped_at` when sent later. Errors as
/// [`arrived_tapped`]; `IllegalStep` unless out.
pub async fn nobody_home_tapped(
    app: &App,
    me: &Staff,
    id: VisitId,
    input: TapInput,
) -> Result<VisitDetail> {
    let visit = visit_as_visitor(app, me, id, "record that nobody was home").await?;
    let record = StepRecord::simple(VisitStep::NobodyHome, "nobody_home").tapped(input.tapped_at);
    take(app, me, &visit, record).await
}

/// Turning back before reaching the house.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TurnBackInput {
    /// Why the visitors turned back, in their words ("Road closed", "Family rang to cancel").
    pub reason: MultiLine<1000>,
    /// When it was tapped (UTC), for a tap sent later from the phone's offline queue.
    #[serde(default)]
    pub tapped_at: Option<DateTime<Utc>>,
}

/// A9: "Turned back — did not reach the house". A signed-out visit that has not arrived is called
/// off on the way, with the reason. The safety monitor stops watching the house's deadlines
/// (leaving the property) and keeps watching check-ins and getting back, until the visitors tap
/// "Back at school" or "Home safe" ([`super::returned`]); then the visit may be planned again.
/// The buddy is told in the app and by SMS; the step is a visit event and audited
/// (`visit.turned_back`). The same tap sent again changes nothing.
///
/// Errors: `Invalid("reason")` when empty or over 1000 characters; `Invalid("tapped_at")` outside
/// [`domain::tap::tap_time`]'s bounds; `Forbidden` unless one of the visitors; `IllegalStep`
/// unless signed out and not yet arrived.
pub async fn turn_back(
    app: &App,
    me: &Staff,
    id: VisitId,
    input: TurnBackInput,
) -> Result<VisitDetail> {
    let reason = input.reason.trim().to_string();
    let visit = visit_as_visitor(app, me, id, "turn back from this visit").await?;
    let detail = json!({ "reason": reason });
    let step = VisitStep::TurnBack {
        reason: reason.clone(),
    };
    let mut record = StepRecord::with_detail(step, "turned_back", detail).tapped(input.tapped_at);
    record.tell_buddy = Some((
        "Doorstep: visit turned back",
        format!(
            "{} turned back before reaching the house: {reason}. You are still their buddy \
             until they tap Back at school or Home safe.",
            me.name
        ),
    ));
    take(app, me, &visit, record).await
}
