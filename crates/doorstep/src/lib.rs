//! The `doorstep` command's library half: demo data and account set-up, shared with the tests.

pub mod demo;
