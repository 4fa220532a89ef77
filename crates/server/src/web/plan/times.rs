//! C4: the plan form's four times, read on the visit's date. Out of order they are refused next
//! to the box that is out of order, not read as the next day — unless the planner ticks "The
//! visit runs past midnight", the explicit way to plan a late evening visit ending after 00:00.

use super::form::PlanForm;
use crate::web::page::Errors;
use crate::web::time::Local;
use chrono::{DateTime, Utc};

/// The form's times (leave school, arrive, leave the house, back) as UTC; `None` for a box left
/// blank or unreadable. Each problem is added to `errors` by the box's name.
pub(super) fn read(
    form: &PlanForm,
    local: &Local,
    errors: &mut Errors,
) -> [Option<DateTime<Utc>>; 4] {
    let parsed = local.parse_on_day(
        &form.visit_date,
        [
            form.planned_leave_school.as_str(),
            &form.planned_arrive,
            &form.planned_leave_property,
            &form.planned_return,
        ],
        form.past_midnight,
    );
    let boxes = [
        (
            "planned_leave_school",
            "when you leave school",
            "Leaving school",
        ),
        ("planned_arrive", "when you arrive", "Arriving"),
        (
            "planned_leave_property",
            "when you leave the house",
            "Leaving the house",
        ),
        ("planned_return", "when you will be back", "Being back"),
    ];
    // Leaving the house and coming back may be left blank: the use case fills them from the
    // reason's usual length (St Joseph's nursery visits: 30 minutes) or names the field.
    let typed = [
        true,
        true,
        !form.planned_leave_property.trim().is_empty(),
        !form.planned_return.trim().is_empty(),
    ];
    if form.visit_date.is_empty() {
        return parsed;
    }
    for (((field, label, _), at), typed) in boxes.iter().zip(&parsed).zip(typed) {
        if typed && at.is_none() {
            errors.add(field, format!("Enter {label} as a time, like 14:30"));
        }
    }
    // Each time against the last one read before it, in the order they happen.
    let mut before: Option<(usize, DateTime<Utc>)> = None;
    for (i, at) in parsed.iter().enumerate() {
        let Some(at) = *at else { continue };
        if let Some((b, was)) = before
            && at < was
        {
            let (field, _, this) = boxes[i];
            let (_, _, that) = boxes[b];
            errors.add(
                field,
                format!(
                    "{this} ({}) is before {} ({}): check the times, or tick \"The visit runs past midnight\"",
                    local.time(at),
                    that.to_lowercase(),
                    local.time(was)
                ),
            );
        }
        before = Some((i, at));
    }
    parsed
}
