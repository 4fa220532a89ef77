//! Decoding the domain's small enums (alarm kind and state, deadline kind and state, a message's
//! channel and delivery state, a check-in's kind, a visit's status, an incident's kind, a record
//! for the head's kind) once, at the store boundary.
//!
//! A row field marked `#[sqlx(try_from = "Stored<AlarmKind>")]` is read as text and checked by
//! the domain's `TryFrom<String>`; a name Doorstep does not know fails the read with
//! `ColumnDecode { index: "kind", source: "'…' is not an alarm kind Doorstep knows" }`, never a
//! row silently skipped or shown as something else. (The check runs inside `Decode`: sqlx's own
//! `try_from` error path prints the source as "unprintable error".)

use domain::monitor::{
    AlarmKind, AlarmState, CheckInKind, DeadlineKind, DeadlineState, DeliveryState,
};
use domain::policy::Channel;
use domain::recorded::{ReadOut, Recorded};
use domain::safeguarding::{HeadOnlyKind, IncidentKind};
use domain::stored::BoardChangeKind;
use domain::visit::VisitStatus;
use sqlx::error::BoxDynError;
use sqlx::{Database, Decode, Type};

/// A stored name, already checked to be a `T`.
pub struct Stored<T>(T);

impl<DB: Database, T> Type<DB> for Stored<T>
where
    String: Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <String as Type<DB>>::type_info()
    }

    fn compatible(ty: &DB::TypeInfo) -> bool {
        <String as Type<DB>>::compatible(ty)
    }
}

impl<'r, DB: Database, T> Decode<'r, DB> for Stored<T>
where
    String: Decode<'r, DB>,
    T: TryFrom<String>,
    T::Error: std::error::Error + Send + Sync + 'static,
{
    fn decode(value: DB::ValueRef<'r>) -> Result<Self, BoxDynError> {
        let name = <String as Decode<'r, DB>>::decode(value)?;
        Ok(Stored(T::try_from(name)?))
    }
}

macro_rules! unwrap_stored {
    ($($ty:ty),*) => {$(
        impl From<Stored<$ty>> for $ty {
            fn from(stored: Stored<$ty>) -> Self {
                stored.0
            }
        }
    )*};
}

unwrap_stored!(
    AlarmKind,
    AlarmState,
    DeadlineKind,
    DeadlineState,
    Channel,
    DeliveryState,
    CheckInKind,
    VisitStatus,
    IncidentKind,
    HeadOnlyKind,
    BoardChangeKind
);

/// A stored phone number, postcode or registration, decoded once with today's parser: a field
/// marked `#[sqlx(try_from = "StoredText<Recorded<Postcode>>")]` (or `Option<Recorded<…>>` for a
/// column that may be NULL) is read as text and becomes `Recorded::Checked`, or
/// `Recorded::AsStored` when the value was typed before the parser was stricter. Never an error,
/// never dropped: the office still sees what was typed.
pub struct StoredText<T>(T);

impl<DB: Database, T> Type<DB> for StoredText<T>
where
    String: Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <String as Type<DB>>::type_info()
    }

    fn compatible(ty: &DB::TypeInfo) -> bool {
        <String as Type<DB>>::compatible(ty)
    }
}

impl<'r, DB: Database, T: ReadOut> Decode<'r, DB> for StoredText<Recorded<T>>
where
    String: Decode<'r, DB>,
{
    fn decode(value: DB::ValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <String as Decode<'r, DB>>::decode(value)?;
        Ok(StoredText(Recorded::from_stored(&text)))
    }
}

impl<'r, DB: Database, T: ReadOut> Decode<'r, DB> for StoredText<Option<Recorded<T>>>
where
    Option<String>: Decode<'r, DB>,
{
    fn decode(value: DB::ValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <Option<String> as Decode<'r, DB>>::decode(value)?;
        Ok(StoredText(Recorded::from_stored_optional(text.as_deref())))
    }
}

impl<T> From<StoredText<Recorded<T>>> for Recorded<T> {
    fn from(stored: StoredText<Recorded<T>>) -> Self {
        stored.0
    }
}

impl<T> From<StoredText<Option<Recorded<T>>>> for Option<Recorded<T>> {
    fn from(stored: StoredText<Option<Recorded<T>>>) -> Self {
        stored.0
    }
}
