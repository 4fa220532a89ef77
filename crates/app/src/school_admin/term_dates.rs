//! The school calendar's term dates, imported from an iCalendar file (RFC 5545, as local
//! authorities and school systems publish term dates): each event (VEVENT) is one term, named by
//! its SUMMARY, from DTSTART to DTEND. The terms replace those in the school's policy as a new
//! version (`calendar.terms`), read by "visits only take place on school days".

use super::policy_approval::DraftView;
use super::schools::{PolicyChangeInput, change_policy, current_policy};
use crate::{App, Result};
use chrono::{DateTime, Days, NaiveDate, Utc};
use domain::policy::Term;
use domain::{FieldError, SchoolId};
use store::Staff;

/// The most terms one file may hold (a few years of terms and half-terms).
const MAX_TERMS: usize = 60;

/// The terms of an iCalendar file. An all-day DTEND is the day after the term (RFC 5545 §3.6.1),
/// so the last day is the day before it; a DTEND with a time is the last day itself; no DTEND is
/// a one-day term. Errors name `ics`: unreadable, no events, a date that is not one, a term
/// that ends before it starts, more than 60 terms.
pub fn terms_from_ics(text: &str) -> std::result::Result<Vec<Term>, FieldError> {
    let bad = |why: String| FieldError::new("ics", why);
    let unfolded = icalendar::parser::unfold(domain::text::without_bom(text));
    let calendar = icalendar::parser::read_calendar(&unfolded)
        .map_err(|_| bad("is not an iCalendar file (BEGIN:VCALENDAR … END:VCALENDAR)".into()))?;
    let events = calendar
        .components
        .iter()
        .flat_map(|c| std::iter::once(c).chain(c.components.iter()))
        .filter(|c| c.name.as_str().eq_ignore_ascii_case("VEVENT"));
    let mut terms = Vec::new();
    for (i, event) in events.enumerate() {
        let value = |name: &str| {
            event
                .properties
                .iter()
                .find(|p| p.name.as_str().eq_ignore_ascii_case(name))
                .map(|p| p.val.as_str().trim().to_string())
        };
        let name = value("SUMMARY").unwrap_or_else(|| format!("Term {}", i + 1));
        let date = |raw: &str| {
            raw.get(..8)
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y%m%d").ok())
                .ok_or_else(|| bad(format!("'{name}' has a date that is not one: {raw}")))
        };
        let start = value("DTSTART").ok_or_else(|| bad(format!("'{name}' has no DTSTART")))?;
        let first_day = date(&start)?;
        let last_day = match value("DTEND") {
            None => first_day,
            Some(end) if end.len() == 8 => date(&end)?
                .checked_sub_days(Days::new(1))
                .unwrap_or(first_day),
            Some(end) => date(&end)?,
        };
        if last_day < first_day {
            return Err(bad(format!("'{name}' ends before it starts")));
        }
        terms.push(Term {
            name,
            first_day,
            last_day,
        });
    }
    if terms.is_empty() {
        return Err(bad("holds no events: list each term as an event".into()));
    }
    if terms.len() > MAX_TERMS {
        return Err(bad(format!("holds more than {MAX_TERMS} terms")));
    }
    terms.sort_by_key(|t| t.first_day);
    Ok(terms)
}

/// Replaces the school's term dates with those of `ics`: a policy draft like any other change,
/// in force once the policy's approving body approves it (G1; see [`change_policy`]). Errors: those of [`terms_from_ics`] and of
/// [`change_policy`] (`NotFound("school")`, `Forbidden` unless the head or a trust administrator).
pub async fn import_term_dates(
    app: &App,
    me: &Staff,
    school: SchoolId,
    ics: &str,
    now: DateTime<Utc>,
) -> Result<DraftView> {
    // The school first: an unknown school is not found, whatever the file says.
    let mut settings = current_policy(app, me, school).await?.settings.0;
    let terms = terms_from_ics(ics)?;
    let note = format!(
        "Term dates imported from the school calendar: {}.",
        terms
            .iter()
            .map(|t| format!("{} {} to {}", t.name, t.first_day, t.last_day))
            .collect::<Vec<_>>()
            .join("; ")
    );
    settings.calendar.terms = terms;
    let input = PolicyChangeInput {
        preset: None,
        settings: Some(settings),
        change_note: domain::MultiLine::parse(
            "change_note",
            &note.chars().take(1000).collect::<String>(),
        )?,
    };
    change_policy(app, me, school, &input, now).await
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is how a test fails
mod tests {
    use super::*;

    const TERMS: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example LA//Term dates//EN\r\n\
BEGIN:VEVENT\r\nUID:spring@example\r\nSUMMARY:Spring term\r\nDTSTART;VALUE=DATE:20270105\r\nDTEND;VALUE=DATE:20270327\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:autumn@example\r\nSUMMARY:Autumn term\r\nDTSTART;VALUE=DATE:20260903\r\nDTEND;VALUE=DATE:20261219\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";

    #[test]
    fn each_event_is_a_term_and_an_all_day_end_is_the_day_after() {
        let terms = terms_from_ics(TERMS).unwrap();
        assert_eq!(terms.len(), 2);
        assert_eq!(terms[0].name, "Autumn term");
        assert_eq!(
            terms[0].first_day,
            NaiveDate::from_ymd_opt(2026, 9, 3).unwrap()
        );
        assert_eq!(
            terms[0].last_day,
            NaiveDate::from_ymd_opt(2026, 12, 18).unwrap()
        );
        assert_eq!(
            terms[1].last_day,
            NaiveDate::from_ymd_opt(2027, 3, 26).unwrap()
        );
    }

    #[test]
    fn a_file_with_no_terms_or_a_bad_date_is_refused_naming_the_file() {
        let empty = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n";
        assert_eq!(terms_from_ics(empty).unwrap_err().field, "ics");
        let bad = TERMS.replace("20260903", "2026XX03");
        let err = terms_from_ics(&bad).unwrap_err();
        assert!(err.reason.contains("Autumn term"), "{err:?}");
        assert_eq!(terms_from_ics("hello").unwrap_err().field, "ics");
    }
}
