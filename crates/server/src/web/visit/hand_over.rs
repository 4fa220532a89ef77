//! "Hand over to another buddy" (#11 item 10, tester A4), on the visit's page and the buddy's
//! Today card: a choice of the colleagues who may take over (only those the hand-over would
//! accept) and a tick to confirm, posted as a plain form so it works without JavaScript. Both
//! call the one use case, [`app::out_on_visit::hand_over_buddy`].

use super::super::form::FormData;
use super::super::page::{Ctx, Errors, WebError};
use app::out_on_visit::HandedOver;
use app::{Refusal, access};
use domain::{StaffId, VisitId};
use store::Visit;

/// One colleague who may take over, as the choice shows them.
pub struct Candidate {
    pub id: i64,
    /// "Sam Senior (Deputy Headteacher), 07700 900103"
    pub label: String,
}

/// The hand-over box: shown to whoever may hand this visit's buddy role over while it is out.
pub struct HandOverBox {
    pub candidates: Vec<Candidate>,
}

/// The box for this person and visit, or `None` when the visit is not out or they may not hand
/// its buddy role over (a visitor, anyone but the buddy and the office, the DSL and the head).
pub async fn hand_over_box(ctx: &Ctx, visit: &Visit) -> Result<Option<HandOverBox>, WebError> {
    hand_over_box_among(ctx, visit, None).await
}

/// As [`hand_over_box`], choosing among `staff` when the page already read the school's staff
/// ([`access::school_staff`]) for its other visits.
pub async fn hand_over_box_among(
    ctx: &Ctx,
    visit: &Visit,
    staff: Option<&[store::Staff]>,
) -> Result<Option<HandOverBox>, WebError> {
    if !visit.state.is_out() {
        return Ok(None);
    }
    // The visit was read through the access check of its page.
    match access::handing_over(&ctx.state, &ctx.me, visit).await {
        Ok(_) => {}
        Err(Refusal::Forbidden(_) | Refusal::NotFound(_)) => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    let candidates = match staff {
        Some(staff) => access::buddies_among(staff, visit),
        None => access::eligible_buddies(&ctx.state, visit).await?,
    };
    let candidates = candidates
        .into_iter()
        .map(|s| {
            let title = s.job_title.map(|t| format!(" ({t})")).unwrap_or_default();
            Candidate {
                id: s.id.0,
                label: format!(
                    "{}{title}, {}",
                    s.name,
                    crate::web::shown(s.mobile.as_ref())
                ),
            }
        })
        .collect();
    Ok(Some(HandOverBox { candidates }))
}

/// The hand-over a form asks for: the chosen colleague (`to_staff_id`, blank when none is
/// chosen, which the use case refuses by name) once the confirm box (`confirm`) is ticked.
/// Errors: the use case's, and `Invalid("confirm")` when someone is chosen but it is not ticked.
pub async fn from_form(ctx: &Ctx, id: i64, form: &FormData) -> app::Result<HandedOver> {
    let to = form.get("to_staff_id").parse::<i64>().ok().map(StaffId);
    // Nobody chosen is the use case's refusal (after its access check); the tick comes next.
    if to.is_some() && form.get("confirm").is_empty() {
        return Err(Refusal::invalid(
            "confirm",
            "Tick to confirm the new buddy knows and can be phoned for the rest of the visit",
        ));
    }
    let now = ctx.state.now();
    app::out_on_visit::hand_over_buddy(&ctx.state, &ctx.me, VisitId(id), to, now).await
}

/// The errors of a refused hand-over, linked from the summary to the box of this visit (a
/// buddy's Today can hold several).
pub fn anchored(mut errors: Errors, id: i64) -> Errors {
    for m in &mut errors.list {
        if m.field == "to_staff_id" || m.field == "confirm" {
            m.anchor = format!("{}-{id}", m.field);
        }
    }
    errors
}
