//! Doorstep's integration tests, one binary to keep link time down: the policy scenarios, bad
//! input, every route tried by every role, each record class's access decision called directly,
//! and the command line. Each API test runs on SQLite and
//! on a throwaway PostgreSQL.

mod access;
mod backup;
mod bad_input;
mod cli;
mod code_words;
mod edge;
mod helpers;
mod roles;
mod scenarios;
