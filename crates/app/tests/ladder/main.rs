//! The safety monitor end to end through `run_once` on a moved clock: each preset's ladder, duress,
//! panic, acknowledgement, resolution, extension, reminders, delivery against real SMTP and HTTP
//! servers, and two instances on one PostgreSQL database. Each test runs on a fresh SQLite
//! database and, when PostgreSQL is installed, on a fresh PostgreSQL one.

// A panic is how a test fails; the workspace's `unwrap_used` lint is for production code.
#![allow(clippy::unwrap_used)]

// The crate under test, by the name the rest of the workspace uses for it.
extern crate doorstep_app as app;

mod alarms;
mod arrival;
mod channel_recovery;
mod channel_test;
mod child_missing;
mod deadlines;
mod delivery;
mod drill_webhook;
mod drills;
mod duress_pin;
mod group_commit;
mod health;
mod helpers;
mod messages;
mod names;
mod out_on_visit;
mod pack;
mod phone;
mod presets;
mod private_mail;
mod repeats;
mod reports;
mod scale_out;
mod school;
mod slow_channel;
mod sms_text;
mod take_over;
mod told;
mod urgent;
mod words;
