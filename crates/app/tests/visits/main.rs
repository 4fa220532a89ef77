//! The visit use cases as one transaction each: a step's policy check sees what was committed
//! just before it (the visit row locked on PostgreSQL, the write lock held on SQLite), and a
//! step whose audit row cannot be written is not taken at all. Each test runs on a fresh SQLite
//! database and, when PostgreSQL is installed, on a fresh PostgreSQL one. Also single sign-on's
//! decision of who is signed in (`single_sign_on`), which needs the same seeded school.

// A panic is how a test fails; the workspace's `unwrap_used` lint is for production code.
#![allow(clippy::unwrap_used)]

extern crate doorstep_app as app;

// The ladder suite's seeded school and helpers, shared rather than copied.
#[allow(dead_code)]
#[path = "../ladder/helpers.rs"]
mod helpers;
#[allow(dead_code)]
#[path = "../ladder/school.rs"]
mod school;

mod door;
mod evening;
mod one_transaction;
mod reason_defaults;
mod single_sign_on;
