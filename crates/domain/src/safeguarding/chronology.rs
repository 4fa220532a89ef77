//! A3: which entries of a pupil's chronology to show — by kind and by the school's local dates —
//! and the filter in words (for the audit trail and the printed chronology).

use crate::FieldError;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

/// What a chronology entry is about, in the order entries of one moment are listed.
pub const CHRONOLOGY_KINDS: [&str; 6] =
    ["visit", "outcome", "action", "slip", "concern", "incident"];

/// A checked filter: the kinds kept, and the half-open UTC range `[from, to)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChronologyFilter {
    pub kinds: Vec<&'static str>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// "everything", or "concern, incident from 01/09/2026 to 23/11/2026".
    pub words: String,
}

fn local_midnight(d: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let naive = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&naive)
        .earliest()
        .map_or_else(|| naive.and_utc(), |t| t.with_timezone(&Utc))
}

impl ChronologyFilter {
    /// Everything, all dates.
    pub fn everything() -> Self {
        ChronologyFilter {
            kinds: CHRONOLOGY_KINDS.to_vec(),
            from: None,
            to: None,
            words: "everything".into(),
        }
    }

    /// `kind`: comma-separated kinds (none: every kind); `from`/`to`: first and last day to
    /// include, in the school's time zone `tz`. Errors: `kind` names a kind that is not one;
    /// `to` is before `from`.
    pub fn parse(
        kind: Option<&str>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        tz: Tz,
    ) -> Result<Self, FieldError> {
        let mut kinds = Vec::new();
        for k in kind
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
        {
            match CHRONOLOGY_KINDS.iter().find(|known| **known == k) {
                Some(known) => kinds.push(*known),
                None => {
                    return Err(FieldError::new(
                        "kind",
                        format!("'{k}' is not one of: {}", CHRONOLOGY_KINDS.join(", ")),
                    ));
                }
            }
        }
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            return Err(FieldError::new("to", "must not be before from"));
        }
        let mut words = if kinds.is_empty() {
            "everything".to_string()
        } else {
            kinds.join(", ")
        };
        if let Some(from) = from {
            words.push_str(&format!(" from {}", from.format("%d/%m/%Y")));
        }
        if let Some(to) = to {
            words.push_str(&format!(" to {}", to.format("%d/%m/%Y")));
        }
        Ok(ChronologyFilter {
            kinds: if kinds.is_empty() {
                CHRONOLOGY_KINDS.to_vec()
            } else {
                kinds
            },
            from: from.map(|d| local_midnight(d, tz)),
            to: to.and_then(|d| d.succ_opt()).map(|d| local_midnight(d, tz)),
            words,
        })
    }

    /// Whether an entry of `kind` at `at` (UTC) is shown.
    pub fn keeps(&self, kind: &str, at: DateTime<Utc>) -> bool {
        self.kinds.contains(&kind)
            && self.from.is_none_or(|from| at >= from)
            && self.to.is_none_or(|to| at < to)
    }

    /// Where entries of `kind` come among entries of the same moment.
    pub fn rank(kind: &str) -> usize {
        CHRONOLOGY_KINDS
            .iter()
            .position(|k| *k == kind)
            .unwrap_or(CHRONOLOGY_KINDS.len())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn the_dates_are_whole_days_on_the_school_clock() {
        let london = chrono_tz::Europe::London;
        let f = ChronologyFilter::parse(
            Some("concern, incident"),
            Some(day(2)),
            Some(day(23)),
            london,
        )
        .unwrap();
        assert_eq!(f.kinds, ["concern", "incident"]);
        assert_eq!(f.words, "concern, incident from 02/11/2026 to 23/11/2026");
        let at = |d, h| Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap();
        assert!(f.keeps("concern", at(23, 23)));
        assert!(!f.keeps("concern", at(24, 0)));
        assert!(!f.keeps("visit", at(10, 10)));
        assert!(!f.keeps("incident", at(1, 23)));
    }

    #[test]
    fn no_filter_is_everything() {
        let f = ChronologyFilter::parse(None, None, None, chrono_tz::Europe::London).unwrap();
        assert_eq!(f, ChronologyFilter::everything());
    }

    #[test]
    fn an_unknown_kind_or_dates_the_wrong_way_round_name_their_field() {
        let london = chrono_tz::Europe::London;
        let e = ChronologyFilter::parse(Some("gossip"), None, None, london).unwrap_err();
        assert_eq!(e.field, "kind");
        assert!(e.reason.contains("'gossip' is not one of: visit, outcome"));
        let e = ChronologyFilter::parse(None, Some(day(23)), Some(day(2)), london).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.reason.as_str()),
            ("to", "must not be before from")
        );
    }
}
