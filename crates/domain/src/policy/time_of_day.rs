//! A time of day on the school's clock, as a school writes it ("17:30"): when the evening starts,
//! the working day's hours, the slip's "contact the school by 11:00", the end of the working day
//! for incident reports. Read from JSON, TOML and the policy form alike, and refused in the same
//! words wherever it was typed ("a time on the school clock, e.g. 17:30"), never a date-time's.
//! Stored as chrono writes it ("17:30:00"), so settings stored before read the same.

use chrono::NaiveTime;
use serde::de::{self, Unexpected, Visitor};
use serde::{Deserializer, Serializer};
use std::fmt;

/// What a time-of-day setting takes, in a school's words; a decoder's "expected …" says this.
pub const EXPECTED: &str = "a time on the school clock, e.g. 17:30";

/// What to type in a time-of-day setting's box, after its label ("Evening visits start:
/// enter it as a time on the school clock, e.g. 17:30").
pub const ASK: &str = "enter it as a time on the school clock, e.g. 17:30";

/// A time of day as typed: "17:30", "9:05" or "17:30:00" (and anything else chrono wrote,
/// as settings stored before were read); `None` for anything else ("25:99", "5pm").
pub fn parse(typed: &str) -> Option<NaiveTime> {
    let typed = typed.trim();
    ["%H:%M", "%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(typed, f).ok())
        .or_else(|| typed.parse().ok())
}

/// `#[serde(with = "time_of_day")]` on a `NaiveTime` setting: written as chrono writes it.
pub fn serialize<S: Serializer>(time: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(time)
}

/// `#[serde(with = "time_of_day")]` on a `NaiveTime` setting.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
    d.deserialize_str(TimeOfDay)
}

struct TimeOfDay;

impl Visitor<'_> for TimeOfDay {
    type Value = NaiveTime;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(EXPECTED)
    }

    fn visit_str<E: de::Error>(self, typed: &str) -> Result<NaiveTime, E> {
        parse(typed).ok_or_else(|| E::invalid_value(Unexpected::Str(typed), &self))
    }
}

/// `#[serde(with = "time_of_day::option")]` on an `Option<NaiveTime>` setting (null: none).
pub mod option {
    use super::TimeOfDay;
    use chrono::NaiveTime;
    use serde::de::{self, Visitor};
    use serde::{Deserializer, Serializer};
    use std::fmt;

    pub fn serialize<S: Serializer>(time: &Option<NaiveTime>, s: S) -> Result<S::Ok, S::Error> {
        match time {
            Some(t) => super::serialize(t, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveTime>, D::Error> {
        d.deserialize_option(Maybe)
    }

    struct Maybe;

    impl<'de> Visitor<'de> for Maybe {
        type Value = Option<NaiveTime>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(super::EXPECTED)
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_str(TimeOfDay).map(Some)
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is how a test fails
mod tests {
    use crate::policy::presets::preset;
    use crate::policy::{EveningRule, PolicySettings};

    #[test]
    fn a_time_is_read_as_a_school_writes_it_and_stored_as_before() {
        let rule: EveningRule =
            serde_json::from_str(r#"{"starts": "17:30", "lone_needs_backup_at_school": true}"#)
                .unwrap();
        assert_eq!(rule.starts.format("%H:%M").to_string(), "17:30");
        let stored = serde_json::to_value(&rule).unwrap();
        assert_eq!(stored["starts"], "17:30:00");
        let again: EveningRule = serde_json::from_value(stored).unwrap();
        assert_eq!(again, rule);
    }

    #[test]
    fn a_time_that_is_not_one_says_what_a_time_is_on_the_school_clock() {
        for typed in ["\"25:99\"", "\"5pm\"", "\"\"", "1730", "true"] {
            let text = format!(r#"{{"starts": {typed}, "lone_needs_backup_at_school": true}}"#);
            let e = serde_json::from_str::<EveningRule>(&text).unwrap_err();
            assert!(
                e.to_string()
                    .contains("expected a time on the school clock, e.g. 17:30"),
                "{typed}: {e}"
            );
        }
    }

    #[test]
    fn an_unset_reply_by_time_stays_unset_and_a_set_one_reads_back() {
        let mut p = preset("st-josephs").unwrap();
        assert_eq!(p.slip.respond_by_time, None);
        let json = serde_json::to_value(&p).unwrap();
        let back: PolicySettings = serde_json::from_value(json).unwrap();
        assert_eq!(back.slip.respond_by_time, None);
        p.slip.respond_by_time = super::parse("11:00");
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["slip"]["respond_by_time"], "11:00:00");
        let back: PolicySettings = serde_json::from_value(json).unwrap();
        assert_eq!(back.slip.respond_by_time, super::parse("11:00:00"));
    }
}
