//! G5: the pure parts of the governors' and trust's report — which dates a report covers (a
//! term or a `from`/`to` range), percentiles of times to acknowledge, and keeping children's
//! names out of the free text the report quotes.
//!
//! No clock and no database: "today" is passed in (the school's local date).

use crate::FieldError;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// The dates a report covers, both inclusive, with the words it is shown under ("Autumn term
/// 2026", "1 Sep 2026 to 30 Nov 2026").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub label: String,
}

/// The longest range one report covers: two school years.
pub const MAX_REPORT_DAYS: i64 = 731;

/// Which English default term a date falls in. Without a school calendar Doorstep uses these
/// (say so wherever a term is shown): autumn 1 September – 31 December, spring 1 January –
/// 31 March (Easter moves; the spring term is taken to end with March), summer 1 April –
/// 31 August.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term {
    Autumn,
    Spring,
    Summer,
}

/// Said under every term chosen from the defaults.
pub const DEFAULT_TERMS_NOTE: &str = "Terms are the English default terms (autumn 1 September to 31 December, \
spring 1 January to 31 March, summer 1 April to 31 August): Doorstep holds no school calendar.";

impl Term {
    fn of(day: NaiveDate) -> Term {
        match day.month() {
            9..=12 => Term::Autumn,
            1..=3 => Term::Spring,
            _ => Term::Summer,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Term::Autumn => "Autumn",
            Term::Spring => "Spring",
            Term::Summer => "Summer",
        }
    }

    /// The term of this kind in calendar year `year`.
    fn range(self, year: i32) -> Option<ReportRange> {
        let (from, to) = match self {
            Term::Autumn => ((year, 9, 1), (year, 12, 31)),
            Term::Spring => ((year, 1, 1), (year, 3, 31)),
            Term::Summer => ((year, 4, 1), (year, 8, 31)),
        };
        Some(ReportRange {
            from: NaiveDate::from_ymd_opt(from.0, from.1, from.2)?,
            to: NaiveDate::from_ymd_opt(to.0, to.1, to.2)?,
            label: format!("{} term {year}", self.name()),
        })
    }
}

/// The term `today` falls in.
pub fn this_term(today: NaiveDate) -> Option<ReportRange> {
    Term::of(today).range(today.year())
}

/// The term before the one `today` falls in.
pub fn last_term(today: NaiveDate) -> Option<ReportRange> {
    match Term::of(today) {
        Term::Autumn => Term::Summer.range(today.year()),
        Term::Spring => Term::Autumn.range(today.year() - 1),
        Term::Summer => Term::Spring.range(today.year()),
    }
}

/// The range a request names: `term` (`this` or `last`), or `from` and `to` (YYYY-MM-DD, both
/// inclusive); with neither, this term. Errors name the field: `term` for an unknown term,
/// `from`/`to` for a date that is not a date, `to` when it is before `from` or the range is
/// longer than [`MAX_REPORT_DAYS`], `from` when only one of the two is given.
pub fn parse_range(
    term: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    today: NaiveDate,
) -> Result<ReportRange, FieldError> {
    let (term, from, to) = (blank(term), blank(from), blank(to));
    let no_term = || FieldError::new("term", "there is no such term");
    match (from, to) {
        (None, None) => match term.unwrap_or("this") {
            "this" => this_term(today).ok_or_else(no_term),
            "last" => last_term(today).ok_or_else(no_term),
            _ => Err(FieldError::new(
                "term",
                "choose \"this\" (this term) or \"last\" (last term), or give from and to dates",
            )),
        },
        (Some(_), None) => Err(FieldError::new("to", "give the last day too (YYYY-MM-DD)")),
        (None, Some(_)) => Err(FieldError::new(
            "from",
            "give the first day too (YYYY-MM-DD)",
        )),
        (Some(f), Some(t)) => {
            let from = date("from", f)?;
            let to = date("to", t)?;
            if to < from {
                return Err(FieldError::new("to", "must not be before the first day"));
            }
            if (to - from).num_days() >= MAX_REPORT_DAYS {
                return Err(FieldError::new(
                    "to",
                    "a report covers at most two school years (731 days)",
                ));
            }
            Ok(ReportRange {
                from,
                to,
                label: format!("{} to {}", from.format("%-d %b %Y"), to.format("%-d %b %Y")),
            })
        }
    }
}

fn blank(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|v| !v.is_empty())
}

fn date(field: &str, value: &str) -> Result<NaiveDate, FieldError> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|_| FieldError::new(field, "must be a date written YYYY-MM-DD, e.g. 2026-09-01"))
}

/// The median and 90th percentile of `minutes` (nearest rank: the smallest value with at least
/// that share of values at or below it), or `None` for no values.
pub fn median_and_p90(minutes: &[i64]) -> Option<(i64, i64)> {
    if minutes.is_empty() {
        return None;
    }
    let mut sorted = minutes.to_vec();
    sorted.sort_unstable();
    let rank = |p: usize| {
        let n = sorted.len();
        let r = (p * n).div_ceil(100).max(1);
        sorted[r - 1]
    };
    Some((rank(50), rank(90)))
}

/// Free text quoted in a governors' report (a reason a visit was declined) with every child's
/// name in `names` replaced by "[child]": the whole name and each part of it of three letters or
/// more, matched without regard to case. No child is named in a governors' report.
pub fn without_names(text: &str, names: &[String]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for name in names {
        parts.push(name.trim().to_lowercase());
        for p in name.split_whitespace() {
            if p.chars().count() >= 3 {
                parts.push(p.to_lowercase());
            }
        }
    }
    // Longest first, so "Ava Smith" goes as one before "Ava" is looked for.
    parts.sort_by_key(|p| std::cmp::Reverse(p.len()));
    parts.dedup();
    let mut out = text.to_string();
    for part in parts.iter().filter(|p| !p.is_empty()) {
        out = replace_ignoring_case(&out, part, "[child]");
    }
    out
}

fn replace_ignoring_case(text: &str, lower_needle: &str, with: &str) -> String {
    let lower = text.to_lowercase();
    // Lower-casing can change byte lengths outside ASCII; then fall back to an exact match.
    if lower.len() != text.len() {
        return text.replace(lower_needle, with);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    for (at, _) in lower.match_indices(lower_needle) {
        if at < rest {
            continue;
        }
        out.push_str(&text[rest..at]);
        out.push_str(with);
        rest = at + lower_needle.len();
    }
    out.push_str(&text[rest..]);
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn terms_follow_the_english_defaults() {
        let t = this_term(d(2026, 12, 3)).unwrap();
        assert_eq!((t.from, t.to), (d(2026, 9, 1), d(2026, 12, 31)));
        assert_eq!(t.label, "Autumn term 2026");
        let l = last_term(d(2026, 12, 3)).unwrap();
        assert_eq!((l.from, l.to), (d(2026, 4, 1), d(2026, 8, 31)));
        let l = last_term(d(2027, 2, 1)).unwrap();
        assert_eq!(
            (l.from, l.to, l.label.as_str()),
            (d(2026, 9, 1), d(2026, 12, 31), "Autumn term 2026")
        );
    }

    #[test]
    fn bad_dates_name_the_field() {
        let today = d(2026, 12, 3);
        let e = parse_range(None, Some("2026-13-01"), Some("2026-12-01"), today).unwrap_err();
        assert_eq!(e.field, "from");
        let e = parse_range(None, Some("2026-09-01"), Some("1 Dec"), today).unwrap_err();
        assert_eq!(e.field, "to");
        let e = parse_range(None, Some("2026-09-02"), Some("2026-09-01"), today).unwrap_err();
        assert_eq!(e.field, "to");
        let e = parse_range(Some("next"), None, None, today).unwrap_err();
        assert_eq!(e.field, "term");
        let e = parse_range(None, Some("2026-09-01"), None, today).unwrap_err();
        assert_eq!(e.field, "to");
        let r = parse_range(None, Some("2026-09-01"), Some("2026-09-30"), today).unwrap();
        assert_eq!(r.label, "1 Sep 2026 to 30 Sep 2026");
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        assert_eq!(median_and_p90(&[]), None);
        assert_eq!(median_and_p90(&[7]), Some((7, 7)));
        assert_eq!(
            median_and_p90(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
            Some((5, 9))
        );
        assert_eq!(median_and_p90(&[12, 2, 5]), Some((5, 12)));
    }

    #[test]
    fn children_are_not_named() {
        let names = vec!["Ava Smith".to_string()];
        assert_eq!(
            without_names("AVA SMITH is known to police; ask about ava", &names),
            "[child] is known to police; ask about [child]"
        );
    }
}
