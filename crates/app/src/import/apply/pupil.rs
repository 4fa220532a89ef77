//! One pupil of the file against the pupil the school holds: found by UPN, else by the MIS's
//! own id (`ApplicationReference`) so a pupil whose UPN changed is updated, not added twice.

use super::super::ctf::CtfPupil;
use super::Run;
use crate::Result;
use domain::{HouseholdId, PupilId};
use std::collections::HashMap;
use store::{ImportedPupil, PupilFromMis, Tx};

/// The school's pupils by UPN and by MIS id.
pub(super) struct Known<'a> {
    by_upn: HashMap<&'a str, &'a ImportedPupil>,
    by_mis_id: HashMap<&'a str, &'a ImportedPupil>,
}

impl<'a> Known<'a> {
    pub(super) fn new(pupils: &'a [ImportedPupil]) -> Self {
        Known {
            by_upn: pupils
                .iter()
                .filter_map(|p| p.upn.as_deref().map(|u| (u, p)))
                .collect(),
            by_mis_id: pupils
                .iter()
                .filter_map(|p| p.mis_id.as_deref().map(|m| (m, p)))
                .collect(),
        }
    }

    /// The held pupil with the file pupil's UPN; else the one with its MIS id (the UPN changed).
    pub(super) fn find(&self, p: &CtfPupil) -> Option<&'a ImportedPupil> {
        self.by_upn.get(p.upn.as_str()).copied().or_else(|| {
            p.mis_id
                .as_deref()
                .and_then(|m| self.by_mis_id.get(m).copied())
        })
    }
}

pub(super) async fn write(
    run: &mut Run<'_>,
    tx: &mut Tx,
    household: Option<HouseholdId>,
    p: &CtfPupil,
    existing: Option<&ImportedPupil>,
) -> Result<()> {
    let label = format!("{} ({})", p.name, p.upn.as_str());
    let row = |h: HouseholdId| PupilFromMis {
        household: h,
        upn: p.upn.as_str(),
        // A file without the MIS id keeps the one an earlier file gave.
        mis_id: p
            .mis_id
            .as_deref()
            .or(existing.and_then(|e| e.mis_id.as_deref())),
        name: &p.name,
        date_of_birth: p.date_of_birth,
        year_group: p.year_group.as_deref(),
    };
    match existing {
        None => {
            let id = match (run.write, household) {
                (true, Some(h)) => Some(tx.insert_pupil_from_mis(run.school, &row(h)).await?.0),
                _ => None,
            };
            run.note("add", "pupil", id, label, vec![]);
        }
        Some(e) => {
            let mut changed = Vec::new();
            if e.upn.as_deref() != Some(p.upn.as_str()) {
                changed.push("UPN");
            }
            if p.mis_id.is_some() && e.mis_id != p.mis_id {
                changed.push("MIS id");
            }
            if e.name != p.name {
                changed.push("name");
            }
            if e.date_of_birth != p.date_of_birth {
                changed.push("date of birth");
            }
            if e.year_group.as_deref() != p.year_group.as_deref() {
                changed.push("year group");
            }
            if household.is_none_or(|h| h.0 != e.household_id) {
                changed.push("household");
            }
            if e.left_at.is_some() {
                changed.push("back on roll");
            }
            if changed.is_empty() {
                run.report.unchanged += 1;
                return Ok(());
            }
            if let (true, Some(h)) = (run.write, household) {
                tx.update_pupil_from_mis(PupilId(e.id), &row(h)).await?;
            }
            run.note("change", "pupil", Some(e.id), label, changed);
        }
    }
    Ok(())
}
