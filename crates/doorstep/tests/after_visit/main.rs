//! After the visit (issue 5): outcomes and the chronology, Home Visit Slips and their deadline,
//! incident reports, safeguarding concerns, records for the head only, need-to-know, and the
//! documents and exports. Its own test binary; every test runs on SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod concerns;
mod drafts;
mod exports;
mod harness;
mod incidents;
mod need_to_know;
mod outcomes;
mod slips;
mod unicode_names;
