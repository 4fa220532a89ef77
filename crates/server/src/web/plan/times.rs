//! C4: the plan form's four times, read on the visit's date. Out of order they are refused next
//! to the box that is out of order, not read as the next day — unless the planner ticks "The
//! visit runs past midnight", the explicit way to plan a late evening visit ending after 00:00.

use crate::web::page::Errors;
use crate::web::time::Local;
use chrono::{DateTime, Duration, Timelike, Utc};

/// The plan form's date and four time boxes as typed (leave school, arrive, leave the house,
/// back), and whether the visit runs past midnight.
pub(super) struct TypedTimes<'a> {
    pub visit_date: &'a str,
    pub planned_leave_school: &'a str,
    pub planned_arrive: &'a str,
    pub planned_leave_property: &'a str,
    pub planned_return: &'a str,
    pub past_midnight: bool,
}

/// The form's times (leave school, arrive, leave the house, back) as UTC; `None` for a box left
/// blank or unreadable. Each problem is added to `errors` by the box's name.
pub(super) fn read(
    form: &TypedTimes<'_>,
    local: &Local,
    errors: &mut Errors,
) -> [Option<DateTime<Utc>>; 4] {
    let parsed = local.parse_on_day(
        form.visit_date,
        [
            form.planned_leave_school,
            form.planned_arrive,
            form.planned_leave_property,
            form.planned_return,
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

/// When a new plan suggests leaving school: the next half hour at least 30 minutes from `now`
/// (UTC); or 09:30 on the school's clock when that visit (75 minutes) would run past midnight,
/// which the form refuses unless ticked (C4), or start before 07:00.
pub(super) fn suggested_start(now: DateTime<Utc>, local: &Local) -> DateTime<Utc> {
    let start = now + Duration::minutes(30);
    let start = start
        - Duration::minutes(i64::from(start.minute() % 30))
        - Duration::seconds(i64::from(start.second()));
    let day = if local.date_of(start) != local.date_of(start + Duration::minutes(75)) {
        start + Duration::days(1)
    } else if local.time(start).as_str() < "07:00" {
        start
    } else {
        return start;
    };
    local
        .parse(&local.date_input(day), "09:30")
        .unwrap_or(start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn london() -> Local {
        Local::of(&domain::policy::presets::preset("harton").expect("the Harton preset"))
    }

    #[test]
    fn a_plan_begun_in_the_afternoon_leaves_on_the_next_half_hour() {
        let now = Utc.with_ymd_and_hms(2026, 12, 3, 14, 10, 0).unwrap();
        let start = suggested_start(now, &london());
        assert_eq!(start, Utc.with_ymd_and_hms(2026, 12, 3, 14, 30, 0).unwrap());
    }

    #[test]
    fn a_plan_begun_late_in_the_evening_is_offered_tomorrow_morning_not_past_midnight() {
        let now = Utc.with_ymd_and_hms(2026, 12, 3, 22, 40, 0).unwrap();
        let start = suggested_start(now, &london());
        assert_eq!(start, Utc.with_ymd_and_hms(2026, 12, 4, 9, 30, 0).unwrap());
        let after_midnight = Utc.with_ymd_and_hms(2026, 12, 3, 23, 50, 0).unwrap();
        let start = suggested_start(after_midnight, &london());
        assert_eq!(start, Utc.with_ymd_and_hms(2026, 12, 4, 9, 30, 0).unwrap());
    }
}
