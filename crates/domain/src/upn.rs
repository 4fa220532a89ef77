//! The Unique Pupil Number (UPN): the DfE's identifier of a pupil in an English state school,
//! and the key an import from the MIS matches pupils by.

use crate::FieldError;
use serde::Serialize;

/// The 23 letters a check letter can be, in value order: A = 0 … Z = 22, skipping I, O and S
/// (DfE, UK Government Data Standards Catalogue, "Unique Pupil Number" v2.0, validations 3–5).
const CHECK_LETTERS: &[u8; 23] = b"ABCDEFGHJKLMNPQRTUVWXYZ";

/// A UPN whose shape and check letter are right: `Annnnnnnnnnnn` (permanent) or
/// `AnnnnnnnnnnnA` (temporary), upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Upn(String);

impl Upn {
    /// Parses a UPN, refusing it naming `field`: wrong length or characters, or a check letter
    /// that is not the modulo-23 sum of characters 2–13 weighted by their position (a temporary
    /// UPN's last letter counts as its check-letter value). Source: DfE UPN data standard v2.0;
    /// CTF specification ("UPN"), school census validation 1510.
    pub fn parse(field: &str, value: &str) -> Result<Self, FieldError> {
        let upn = value.trim().to_ascii_uppercase();
        let b = upn.as_bytes();
        let shape = b.len() == 13
            && b[1..12].iter().all(u8::is_ascii_digit)
            && (b[12].is_ascii_digit() || CHECK_LETTERS.contains(&b[12]))
            && b[0].is_ascii_alphabetic();
        if !shape {
            return Err(FieldError::new(
                field,
                "is not a UPN: a letter and 12 digits (a temporary UPN ends in a letter), e.g. B801200005001",
            ));
        }
        let mut sum = 0usize;
        for (i, c) in b.iter().enumerate().skip(1) {
            let value = if c.is_ascii_digit() {
                usize::from(c - b'0')
            } else {
                CHECK_LETTERS.iter().position(|l| l == c).unwrap_or(0)
            };
            sum += value * (i + 1);
        }
        let expected = char::from(CHECK_LETTERS[sum % 23]);
        if char::from(b[0]) != expected {
            return Err(FieldError::new(
                field,
                format!(
                    "has the wrong check letter: a UPN ending {} starts with {expected}",
                    &upn[1..]
                ),
            ));
        }
        Ok(Upn(upn))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The UPN for these 12 characters with its check letter put in front (test data, the
    /// import benchmark). `digits` must be 11 digits and a digit or check letter.
    pub fn with_check_letter(digits: &str) -> Result<Self, FieldError> {
        for letter in CHECK_LETTERS {
            let candidate = format!("{}{digits}", char::from(*letter));
            if let Ok(upn) = Upn::parse("upn", &candidate) {
                return Ok(upn);
            }
        }
        Err(FieldError::new("upn", "is not 12 UPN digits"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dfe_example_upn_is_valid_and_a_changed_check_letter_is_refused() {
        assert_eq!(
            Upn::parse("UPN", "b801200005001").unwrap().as_str(),
            "B801200005001"
        );
        let wrong = Upn::parse("UPN", "A801200005001").unwrap_err();
        assert_eq!(wrong.field, "UPN");
        assert!(wrong.reason.contains("starts with B"), "{}", wrong.reason);
    }

    #[test]
    fn malformed_upns_are_refused_naming_the_field() {
        for bad in [
            "",
            "B80120000500",
            "X80120000A001",
            "1801200005001",
            "B8012000050011",
        ] {
            assert!(Upn::parse("Pupil/UPN", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_temporary_upn_counts_its_last_letter() {
        let upn = Upn::with_check_letter("80120000500A").unwrap();
        assert!(upn.as_str().ends_with('A'));
        assert!(Upn::parse("UPN", upn.as_str()).is_ok());
    }
}
