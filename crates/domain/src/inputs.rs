//! Values parsed once at the edge. Past this module a `PhoneNumber` is a phone number.
//!
//! Every refusal names the field and says why in words an office manager understands.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A refused input: which field, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct FieldError {
    pub field: String,
    pub reason: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// Free text with a length limit and no control characters (other than new lines).
/// Script or SQL in text is stored as typed and escaped wherever it is shown; it is not an error.
pub fn text(field: &str, value: &str, max_chars: usize) -> Result<String, FieldError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new(field, "must not be empty"));
    }
    optional_text(field, trimmed, max_chars).map(|t| t.unwrap_or_default())
}

/// Like [`text`] but an empty value is allowed and becomes `None`.
pub fn optional_text(
    field: &str,
    value: &str,
    max_chars: usize,
) -> Result<Option<String>, FieldError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    let count = trimmed.chars().count();
    if count > max_chars {
        return Err(FieldError::new(
            field,
            format!("is {count} characters long; at most {max_chars} are allowed"),
        ));
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(FieldError::new(field, "contains control characters"));
    }
    Ok(Some(trimmed.to_string()))
}

/// Checks a phone's reported position: `latitude` −90..=90 and `longitude` −180..=180 (degrees,
/// WGS 84), both or neither; `accuracy_m` (metres) 0..=100,000 — a phone reports its accuracy
/// as a radius, never negative. Errors name the field.
pub fn position(
    latitude: Option<f64>,
    longitude: Option<f64>,
    accuracy_m: Option<f64>,
) -> Result<(), FieldError> {
    if latitude.is_some_and(|l| !(-90.0..=90.0).contains(&l)) {
        return Err(FieldError::new("latitude", "must be between -90 and 90"));
    }
    if longitude.is_some_and(|l| !(-180.0..=180.0).contains(&l)) {
        return Err(FieldError::new("longitude", "must be between -180 and 180"));
    }
    if accuracy_m.is_some_and(|a| !(0.0..=100_000.0).contains(&a)) {
        return Err(FieldError::new(
            "accuracy_m",
            "must be between 0 and 100000 metres",
        ));
    }
    if latitude.is_some() != longitude.is_some() {
        return Err(FieldError::new(
            "longitude",
            "give both latitude and longitude, or neither",
        ));
    }
    Ok(())
}

/// A UK phone number (mobile or landline), stored without spaces, in +44 or 0 form as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(field: &str, value: &str) -> Result<Self, FieldError> {
        let compact: String = value
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
            .collect();
        let digits = compact.strip_prefix('+').unwrap_or(&compact);
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(FieldError::new(
                field,
                "must be a phone number made of digits, e.g. 07700 900123",
            ));
        }
        // "00" dialled before a country code is the same as "+" (0044 7700 900123).
        let significant = match compact.starts_with('+') {
            true => digits,
            false => digits.strip_prefix("00").unwrap_or(digits),
        };
        if !(10..=13).contains(&significant.len()) {
            return Err(FieldError::new(
                field,
                format!(
                    "has {} digits; a UK phone number has 10 to 13",
                    significant.len()
                ),
            ));
        }
        Ok(PhoneNumber(compact))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number in UK national form ("07700900123"), so "+44 7700 900123", "0044 7700 900123"
    /// and "07700 900123" compare equal (an SMS gateway sends the international form).
    pub fn national(&self) -> String {
        let s = self.0.as_str();
        match s.strip_prefix("+44").or_else(|| s.strip_prefix("0044")) {
            Some(rest) => format!("0{}", rest.strip_prefix('0').unwrap_or(rest)),
            None => s.to_string(),
        }
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A UK postcode, normalised to upper case with one space before the inward code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Postcode(String);

impl Postcode {
    pub fn parse(field: &str, value: &str) -> Result<Self, FieldError> {
        let compact: String = value
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        let valid_shape = (5..=7).contains(&compact.len())
            && compact.chars().all(|c| c.is_ascii_alphanumeric())
            && compact.starts_with(|c: char| c.is_ascii_alphabetic())
            && {
                let inward = &compact[compact.len() - 3..];
                let b = inward.as_bytes();
                b[0].is_ascii_digit() && b[1].is_ascii_alphabetic() && b[2].is_ascii_alphabetic()
            };
        if !valid_shape {
            return Err(FieldError::new(field, "is not a UK postcode, e.g. SS9 4AW"));
        }
        let split = compact.len() - 3;
        Ok(Postcode(format!(
            "{} {}",
            &compact[..split],
            &compact[split..]
        )))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A vehicle registration mark, upper case without spaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CarRegistration(String);

impl CarRegistration {
    pub fn parse(field: &str, value: &str) -> Result<Self, FieldError> {
        let compact: String = value
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        if !(2..=8).contains(&compact.len()) || !compact.chars().all(|c| c.is_ascii_alphanumeric())
        {
            return Err(FieldError::new(
                field,
                "is not a vehicle registration: 2 to 8 letters and digits, e.g. AB12 CDE",
            ));
        }
        Ok(CarRegistration(compact))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An e-mail address, lower-cased. Deliberately simple: one '@', a dot in the domain, no spaces.
pub fn email(field: &str, value: &str) -> Result<String, FieldError> {
    let v = value.trim().to_lowercase();
    let ok = v.len() <= 254
        && !v.contains(char::is_whitespace)
        && v.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        });
    if ok {
        Ok(v)
    } else {
        Err(FieldError::new(
            field,
            "is not an e-mail address, e.g. j.smith@school.org.uk",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_keep_their_digits_and_refuse_letters() {
        assert_eq!(
            PhoneNumber::parse("mobile", "07700 900123")
                .unwrap()
                .as_str(),
            "07700900123"
        );
        assert_eq!(
            PhoneNumber::parse("mobile", "+44 7700 900123")
                .unwrap()
                .as_str(),
            "+447700900123"
        );
        let national = |v: &str| PhoneNumber::parse("mobile", v).unwrap().national();
        assert_eq!(national("+44 7700 900123"), "07700900123");
        assert_eq!(national("0044 7700 900123"), "07700900123");
        assert_eq!(national("+44 (0)7700 900123"), "07700900123");
        assert_eq!(national("07700 900123"), "07700900123");
        let err = PhoneNumber::parse("mobile", "call me").unwrap_err();
        assert_eq!(err.field, "mobile");
        assert!(PhoneNumber::parse("mobile", "123").is_err());
    }

    #[test]
    fn positions_off_the_earth_and_negative_accuracy_are_refused() {
        assert!(position(Some(51.5), Some(-0.1), Some(12.0)).is_ok());
        assert_eq!(
            position(Some(1000.0), Some(0.0), None).unwrap_err().field,
            "latitude"
        );
        assert_eq!(
            position(Some(0.0), Some(-181.0), None).unwrap_err().field,
            "longitude"
        );
        assert_eq!(
            position(None, None, Some(-1.0)).unwrap_err().field,
            "accuracy_m"
        );
        assert_eq!(
            position(Some(0.0), None, None).unwrap_err().field,
            "longitude"
        );
    }

    #[test]
    fn postcodes_are_normalised_and_nonsense_is_refused() {
        assert_eq!(
            Postcode::parse("postcode", "ss94aw").unwrap().as_str(),
            "SS9 4AW"
        );
        assert_eq!(
            Postcode::parse("postcode", "NE34 6DL").unwrap().as_str(),
            "NE34 6DL"
        );
        assert!(Postcode::parse("postcode", "hello").is_err());
        assert!(Postcode::parse("postcode", "'; drop table").is_err());
    }

    #[test]
    fn text_refuses_empty_and_over_long_values_naming_the_field() {
        assert_eq!(text("purpose", "  x ", 10).unwrap(), "x");
        assert_eq!(
            text("purpose", "   ", 10).unwrap_err().reason,
            "must not be empty"
        );
        let long = "a".repeat(11);
        let err = text("purpose", &long, 10).unwrap_err();
        assert_eq!(err.field, "purpose");
        assert!(err.reason.contains("at most 10"));
        assert_eq!(
            text("purpose", "<script>alert(1)</script>", 100).unwrap(),
            "<script>alert(1)</script>"
        );
    }

    #[test]
    fn car_registrations_and_emails() {
        assert_eq!(
            CarRegistration::parse("car", "ab12 cde").unwrap().as_str(),
            "AB12CDE"
        );
        assert!(CarRegistration::parse("car", "!!").is_err());
        assert_eq!(
            email("email", " J.Smith@School.org.uk ").unwrap(),
            "j.smith@school.org.uk"
        );
        assert!(email("email", "not-an-email").is_err());
    }
}
