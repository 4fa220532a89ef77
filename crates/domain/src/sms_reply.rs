//! An answer texted back to a reminder by a visitor with no data (#11 item 6): `OK` is a
//! check-in, `OK` and a PIN a check-in carrying that PIN (the duress PIN raises a silent alarm
//! and is answered like any other), `HELP` a panic. Case and spacing do not matter.

/// What a text from a visitor asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmsReply {
    /// "OK", or "OK 1234" with a PIN.
    CheckIn { pin: Option<String> },
    /// "HELP".
    Help,
    /// Anything else: nothing is done.
    NotUnderstood,
}

impl SmsReply {
    pub fn parse(text: &str) -> SmsReply {
        let mut words = text.split_whitespace();
        let first = words.next().unwrap_or("").trim_end_matches(['.', '!']);
        let rest: Vec<&str> = words.collect();
        if first.eq_ignore_ascii_case("help") && rest.is_empty() {
            return SmsReply::Help;
        }
        if !first.eq_ignore_ascii_case("ok") {
            return SmsReply::NotUnderstood;
        }
        match rest.as_slice() {
            [] => SmsReply::CheckIn { pin: None },
            [pin] if pin.chars().all(|c| c.is_ascii_digit()) => SmsReply::CheckIn {
                pin: Some((*pin).to_string()),
            },
            _ => SmsReply::NotUnderstood,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ok_a_pin_and_help_are_read_in_any_case() {
        assert_eq!(SmsReply::parse("OK"), SmsReply::CheckIn { pin: None });
        assert_eq!(SmsReply::parse(" ok. "), SmsReply::CheckIn { pin: None });
        assert_eq!(
            SmsReply::parse("Ok 9911"),
            SmsReply::CheckIn {
                pin: Some("9911".into())
            }
        );
        assert_eq!(SmsReply::parse("help"), SmsReply::Help);
        assert_eq!(SmsReply::parse("HELP!"), SmsReply::Help);
        assert_eq!(SmsReply::parse("ok thanks"), SmsReply::NotUnderstood);
        assert_eq!(SmsReply::parse("see you"), SmsReply::NotUnderstood);
        assert_eq!(SmsReply::parse(""), SmsReply::NotUnderstood);
    }
}
