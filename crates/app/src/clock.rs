//! The time, as an input. Production reads the wall clock; tests set and move a fixed one.

use chrono::{DateTime, Duration, DurationRound, Utc};
use std::sync::{Arc, Mutex};

#[derive(Clone, Debug)]
pub enum Clock {
    System,
    /// The wall clock shifted by a fixed amount: a fire drill or a test of a real process starts
    /// "at" a chosen time and then runs at real speed.
    Offset(Duration),
    Manual(Arc<Mutex<DateTime<Utc>>>),
}

impl Clock {
    pub fn manual(start: DateTime<Utc>) -> Self {
        Clock::Manual(Arc::new(Mutex::new(start)))
    }

    /// A clock that reads `start` now and runs on at real speed.
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        Clock::Offset(start - Utc::now())
    }

    /// Now, to the millisecond, so the same instant reads back identically from either database.
    pub fn now(&self) -> DateTime<Utc> {
        let now = match self {
            Clock::System => Utc::now(),
            Clock::Offset(by) => Utc::now() + *by,
            Clock::Manual(t) => *t.lock().unwrap_or_else(|p| p.into_inner()),
        };
        now.duration_trunc(Duration::milliseconds(1)).unwrap_or(now)
    }

    /// Moves a manual clock on; the system clock cannot be moved.
    pub fn advance(&self, by: Duration) {
        if let Clock::Manual(t) = self {
            let mut guard = t.lock().unwrap_or_else(|p| p.into_inner());
            *guard += by;
        }
    }

    pub fn set(&self, to: DateTime<Utc>) {
        if let Clock::Manual(t) = self {
            *t.lock().unwrap_or_else(|p| p.into_inner()) = to;
        }
    }
}
