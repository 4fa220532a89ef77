//! Import from the MIS (issue 14) through the use case on a fresh SQLite database and, when
//! PostgreSQL is installed, a fresh PostgreSQL one: a CTF written from the DfE specification
//! (fixtures/ctf_full.xml), its re-import, the next week's file, a caution flag typed into
//! Doorstep, and the dry run.

// A panic is how a test fails; the workspace's `unwrap_used` lint is for production code.
#![allow(clippy::unwrap_used)]

extern crate doorstep_app as app;

#[allow(dead_code)]
#[path = "../ladder/helpers.rs"]
mod helpers;
#[allow(dead_code)]
#[path = "../ladder/school.rs"]
mod school;

mod ctf;
mod mis_id;
mod staff;
