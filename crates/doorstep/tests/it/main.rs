//! Doorstep's integration tests, one binary to keep link time down: the policy scenarios, bad
//! input, every route tried by every role, each record class's access decision called directly,
//! and the command line. Each API test runs on SQLite and
//! on a throwaway PostgreSQL.

mod access;
// A panic is how a test fails.
#[allow(clippy::unwrap_used)]
mod accounts;
mod backup;
mod bad_input;
mod cli;
mod code_words;
// A panic is how a test fails; the workspace's `unwrap_used` lint is for production code.
#[allow(clippy::unwrap_used)]
mod edge;
mod helpers;
mod imports;
mod roles;
mod scenarios;
