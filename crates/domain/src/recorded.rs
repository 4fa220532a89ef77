//! Stored phone numbers, postcodes and car registrations as the store hands them out: checked by
//! today's parser, or exactly as stored when that parser refuses a value typed before it was
//! stricter. The store decodes each once, where the row is read (`store::stored`); every reader
//! then holds a typed value and nothing is re-parsed or silently dropped.

use crate::inputs::{CarRegistration, FieldError, PhoneNumber, Postcode};
use serde::{Serialize, Serializer};
use std::fmt;

/// A value as it was recorded: checked by today's parser, or, when it was stored before the
/// parser became stricter (or typed in another form), as stored (trimmed). The pack reads a
/// number out to the police either way: a value that does not parse is never dropped.
/// In JSON it is a plain string: the normal form when checked, else the stored text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded<T> {
    Checked(T),
    AsStored(String),
}

/// A checked value: its normal form, and today's parser for a stored one.
pub trait ReadOut: Sized {
    /// The normal form, as read out and shown.
    fn read_out(&self) -> &str;
    /// Today's parser, for a value read back from the store (the field is named in the error
    /// only; a refusal keeps the value as stored).
    fn check(stored: &str) -> Result<Self, FieldError>;
}

impl<T: ReadOut> Recorded<T> {
    /// Decodes a stored value once: `parse` is the newtype's parser (e.g. `PhoneNumber::parse`).
    pub fn read<E>(stored: &str, parse: impl FnOnce(&str) -> Result<T, E>) -> Self {
        match parse(stored) {
            Ok(v) => Recorded::Checked(v),
            Err(_) => Recorded::AsStored(stored.trim().to_string()),
        }
    }

    /// Like [`Recorded::read`] for a value that may be missing or blank (`None` then).
    pub fn read_optional<E>(
        stored: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<Self> {
        stored
            .filter(|s| !s.trim().is_empty())
            .map(|s| Recorded::read(s, parse))
    }

    /// A stored column read back with today's parser ([`ReadOut::check`]); a blank one is
    /// `AsStored("")` (a column that may not be missing).
    pub fn from_stored(stored: &str) -> Self {
        Recorded::read(stored, T::check)
    }

    /// A stored column that may be missing: `None` when it is NULL or blank.
    pub fn from_stored_optional(stored: Option<&str>) -> Option<Self> {
        Recorded::read_optional(stored, T::check)
    }

    /// The value as shown: the normal form when checked, else as stored.
    pub fn as_str(&self) -> &str {
        match self {
            Recorded::Checked(v) => v.read_out(),
            Recorded::AsStored(s) => s,
        }
    }

    /// The checked value; `None` when today's parser refused the stored one (show it with
    /// [`Recorded::as_str`] instead of dropping it).
    pub fn checked(&self) -> Option<&T> {
        match self {
            Recorded::Checked(v) => Some(v),
            Recorded::AsStored(_) => None,
        }
    }

    /// Nothing was stored (a blank column that may not be NULL).
    pub fn is_blank(&self) -> bool {
        self.as_str().is_empty()
    }
}

impl ReadOut for PhoneNumber {
    fn read_out(&self) -> &str {
        self.as_str()
    }
    fn check(stored: &str) -> Result<Self, FieldError> {
        PhoneNumber::parse("phone", stored)
    }
}

impl ReadOut for Postcode {
    fn read_out(&self) -> &str {
        self.as_str()
    }
    fn check(stored: &str) -> Result<Self, FieldError> {
        Postcode::parse("postcode", stored)
    }
}

impl ReadOut for CarRegistration {
    fn read_out(&self) -> &str {
        self.as_str()
    }
    fn check(stored: &str) -> Result<Self, FieldError> {
        CarRegistration::parse("registration", stored)
    }
}

impl<T> From<T> for Recorded<T> {
    fn from(v: T) -> Self {
        Recorded::Checked(v)
    }
}

impl<T: ReadOut> fmt::Display for Recorded<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A plain string, as the column held before it was typed: the API's JSON is unchanged (the
/// row types name `value_type = String` for the OpenAPI description).
impl<T: ReadOut> Serialize for Recorded<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is how a test fails
mod tests {
    use super::*;

    #[test]
    fn a_stored_value_reads_back_checked_or_as_stored_and_is_json_text() {
        let good = Recorded::<Postcode>::from_stored("ne33 4ab");
        assert_eq!(good.as_str(), "NE33 4AB");
        assert!(good.checked().is_some());
        let old = Recorded::<PhoneNumber>::from_stored("01632 960 000 ext 2");
        assert_eq!(old, Recorded::AsStored("01632 960 000 ext 2".into()));
        assert_eq!(old.checked(), None);
        assert_eq!(
            serde_json::to_string(&old).unwrap(),
            "\"01632 960 000 ext 2\""
        );
        assert_eq!(serde_json::to_string(&good).unwrap(), "\"NE33 4AB\"");
        assert_eq!(
            Recorded::<PhoneNumber>::from_stored_optional(Some(" ")),
            None
        );
        assert!(Recorded::<Postcode>::from_stored("").is_blank());
    }
}
