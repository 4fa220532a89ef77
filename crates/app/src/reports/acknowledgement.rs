//! G2 in the governors' report: how many staff have acknowledged the school's current policy.
//! Doorstep does not record acknowledgement yet (it is being built separately); this is the one
//! place the report asks for it, so the figures arrive in the JSON, page, CSV and PDF at once.

use super::ACKNOWLEDGEMENT_NOT_RECORDED;
use crate::{App, Result};
use domain::SchoolId;

/// The "Staff acknowledgement" cell of the policy table for `policy`, the current version of
/// `school`'s policy: today always [`ACKNOWLEDGEMENT_NOT_RECORDED`].
///
/// Hook for the acknowledgement work: once staff acknowledge a policy version, read here how
/// many of the school's staff have acknowledged `policy.version` of how many who must, and
/// answer e.g. "31 of 34 staff (3 not yet)". The report's other parts need no change.
pub(super) async fn staff_acknowledgement(
    _app: &App,
    _school: SchoolId,
    _policy: &store::PolicyVersion,
) -> Result<String> {
    Ok(ACKNOWLEDGEMENT_NOT_RECORDED.to_string())
}
