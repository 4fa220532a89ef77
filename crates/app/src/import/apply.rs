//! Comparing a read CTF with what the school holds, and writing the difference: households
//! grouped by address and shared adults, contacts matched by name, pupils by UPN and then by
//! the MIS's own id ([`pupil::Known`]).

mod pupil;

use super::ctf::{Contact, CtfFile, CtfPupil};
use super::{ImportLine, ImportReport, Importer};
use crate::{App, Result};
use chrono::{DateTime, Utc};
use domain::inputs::PhoneNumber;
use domain::recorded::Recorded;
use domain::{HouseholdId, HouseholdMemberId, PupilId, SchoolId};
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};
use store::{AuditEntry, ContactFromMis, ImportedContact, NewHousehold, Tx};

/// Pupils of one file that become one household.
struct Group<'a> {
    key: String,
    pupils: Vec<&'a CtfPupil>,
    /// Contacts of all its pupils, one per person (by name), in priority order.
    contacts: Vec<&'a Contact>,
}

fn norm(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Pupils at one address whose adults with parental responsibility (all contacts when none
/// has it) are the same people are one household.
fn groups(file: &CtfFile) -> Vec<Group<'_>> {
    let mut by_key: BTreeMap<String, Group<'_>> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for p in &file.pupils {
        let pr: Vec<&Contact> = p
            .contacts
            .iter()
            .filter(|c| c.parental_responsibility)
            .collect();
        let adults = if pr.is_empty() {
            p.contacts.iter().collect()
        } else {
            pr
        };
        let mut names: Vec<String> = adults.iter().map(|c| norm(&c.name)).collect();
        names.sort();
        if names.is_empty() {
            names.push(norm(&p.surname));
        }
        let key = format!(
            "{}|{}|{}",
            p.address.postcode.as_str(),
            norm(&p.address.lines),
            names.join(",")
        );
        let g = by_key.entry(key.clone()).or_insert_with(|| {
            order.push(key.clone());
            Group {
                key,
                pupils: Vec::new(),
                contacts: Vec::new(),
            }
        });
        g.pupils.push(p);
        for c in &p.contacts {
            if !g.contacts.iter().any(|k| norm(&k.name) == norm(&c.name)) {
                g.contacts.push(c);
            }
        }
    }
    order
        .into_iter()
        .filter_map(|k| by_key.remove(&k))
        .map(|mut g| {
            g.contacts.sort_by_key(|c| c.order);
            g
        })
        .collect()
}

struct Run<'a> {
    app: &'a App,
    by: Importer<'a>,
    school: SchoolId,
    write: bool,
    report: ImportReport,
    audits: Vec<AuditEntry>,
}

impl Run<'_> {
    fn note(
        &mut self,
        kind: &str,
        what: &'static str,
        id: Option<i64>,
        name: String,
        detail: Vec<&str>,
    ) {
        let line = ImportLine {
            what,
            name,
            detail: detail.join(", "),
        };
        if self.write {
            self.audits.push(AuditEntry {
                at: self.app.now(),
                actor: self.by.actor(),
                school: Some(self.school),
                action: format!(
                    "import.{}.{kind}",
                    if what == "contact" { "contact" } else { what }
                ),
                subject_type: if what == "contact" {
                    "household_member"
                } else {
                    what
                },
                subject_id: id,
                detail: json!({ "kind": "import", "name": line.name, "changed": line.detail }),
            });
        }
        match kind {
            "add" => self.report.added.push(line),
            "change" => self.report.changed.push(line),
            _ => self.report.left.push(line),
        }
    }
}

pub(super) async fn apply(
    app: &App,
    by: Importer<'_>,
    school: SchoolId,
    file: &CtfFile,
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<ImportReport> {
    let mut tx = app.db().begin().await?;
    let pupils = tx.pupils_for_import(school).await?;
    let households = tx.households_for_import(school).await?;
    let contacts = tx.contacts_for_import(school).await?;
    let mut run = Run {
        app,
        by,
        school,
        write: !dry_run,
        report: ImportReport {
            kind: "ctf",
            dry_run,
            full: file.full,
            problems: file.problems.clone(),
            ..Default::default()
        },
        audits: Vec::new(),
    };
    let known = pupil::Known::new(&pupils);
    let by_key: HashMap<&str, &store::ImportedHousehold> = households
        .iter()
        .filter_map(|h| h.import_key.as_deref().map(|k| (k, h)))
        .collect();
    let by_id: HashMap<i64, &store::ImportedHousehold> =
        households.iter().map(|h| (h.id, h)).collect();
    let mut claimed: HashSet<i64> = HashSet::new();

    for g in groups(file) {
        // The household the group's pupils already live in, else the one the key names.
        let existing = g
            .pupils
            .iter()
            .filter_map(|p| known.find(p))
            .map(|p| p.household_id)
            .chain(by_key.get(g.key.as_str()).map(|h| h.id))
            .find(|id| !claimed.contains(id))
            .and_then(|id| by_id.get(&id).copied());
        let first = g.pupils[0];
        let address = &first.address;
        let household: Option<HouseholdId> = match existing {
            Some(h) => {
                claimed.insert(h.id);
                let mut changed = Vec::new();
                if h.address != address.lines || h.postcode.checked() != Some(&address.postcode) {
                    changed.push("address");
                }
                if h.import_key.as_deref() != Some(g.key.as_str()) && changed.is_empty() {
                    // Keyed for the next import; not a change anyone would see.
                    if run.write {
                        tx.set_household_from_mis(
                            HouseholdId(h.id),
                            &g.key,
                            &address.lines,
                            address.postcode.as_str(),
                        )
                        .await?;
                    }
                } else if !changed.is_empty() {
                    if run.write {
                        tx.set_household_from_mis(
                            HouseholdId(h.id),
                            &g.key,
                            &address.lines,
                            address.postcode.as_str(),
                        )
                        .await?;
                    }
                    let name = format!("{}, {}", address.lines, address.postcode.as_str());
                    run.note("change", "household", Some(h.id), name, changed);
                } else {
                    run.report.unchanged += 1;
                }
                Some(HouseholdId(h.id))
            }
            None => {
                let family = g
                    .contacts
                    .iter()
                    .find(|c| c.parental_responsibility)
                    .map(|c| surname(&c.name))
                    .unwrap_or(&first.surname);
                let landline = first
                    .phones
                    .iter()
                    .find(|(k, _)| k == "home")
                    .map(|(_, n)| n.as_str());
                let id = if run.write {
                    let id = tx
                        .create_household(
                            &NewHousehold {
                                school,
                                family_name: family,
                                address: &address.lines,
                                postcode: address.postcode.as_str(),
                                landline,
                                language_notes: None,
                                pets: None,
                            },
                            now,
                        )
                        .await?;
                    tx.set_household_from_mis(
                        id,
                        &g.key,
                        &address.lines,
                        address.postcode.as_str(),
                    )
                    .await?;
                    Some(id)
                } else {
                    None
                };
                let name = format!("{}, {}", address.lines, address.postcode.as_str());
                run.note("add", "household", id.map(|i| i.0), name, vec![]);
                id
            }
        };
        contacts_of(&mut run, &mut tx, household, &g, &contacts).await?;
        for p in &g.pupils {
            pupil::write(&mut run, &mut tx, household, p, known.find(p)).await?;
        }
    }

    if file.full {
        // A pupil is still on roll when the file names its UPN or its MIS id.
        let seen: HashSet<&str> = file.upns_seen.iter().map(String::as_str).collect();
        let seen_mis: HashSet<&str> = file.mis_ids_seen.iter().map(String::as_str).collect();
        for p in &pupils {
            let Some(upn) = p.upn.as_deref() else {
                continue;
            };
            let named_by_mis_id = p.mis_id.as_deref().is_some_and(|m| seen_mis.contains(m));
            if p.left_at.is_none() && !seen.contains(upn) && !named_by_mis_id {
                if run.write {
                    tx.mark_pupil_left(PupilId(p.id), now).await?;
                }
                run.note(
                    "left",
                    "pupil",
                    Some(p.id),
                    format!("{} ({upn})", p.name),
                    vec![],
                );
            }
        }
    }
    if run.write {
        let summary = json!({
            "kind": "import", "file": "ctf", "full": file.full,
            "added": run.report.added.len(), "changed": run.report.changed.len(),
            "left": run.report.left.len(), "unreadable": run.report.problems.len(),
        });
        run.audits.push(AuditEntry {
            at: app.now(),
            actor: by.actor(),
            school: Some(school),
            action: "import.ctf".into(),
            subject_type: "school",
            subject_id: Some(school.0),
            detail: summary,
        });
        tx.append_audits(&run.audits).await?;
        tx.commit().await?;
    }
    Ok(run.report)
}

fn surname(name: &str) -> &str {
    name.rsplit(' ').next().unwrap_or(name)
}

async fn contacts_of(
    run: &mut Run<'_>,
    tx: &mut Tx,
    household: Option<HouseholdId>,
    g: &Group<'_>,
    existing: &[ImportedContact],
) -> Result<()> {
    let home = &g.pupils[0].address;
    for c in &g.contacts {
        let lives_at_address = c.address.as_ref().is_none_or(|a| a == home);
        let new = ContactFromMis {
            name: &c.name,
            relationship: &c.relationship,
            parental_responsibility: c.parental_responsibility,
            lives_at_address,
            contact_order: c.order,
            email: c.email.as_deref(),
            phones: &c.phones,
        };
        let found = household.and_then(|h| {
            existing
                .iter()
                .find(|e| e.household_id == h.0 && norm(&e.name) == norm(&c.name))
        });
        match found {
            None => {
                let id = match (run.write, household) {
                    (true, Some(h)) => Some(tx.insert_contact_from_mis(h, &new).await?.0),
                    _ => None,
                };
                run.note("add", "contact", id, c.name.clone(), vec![]);
            }
            Some(e) => {
                let mut changed = Vec::new();
                if e.relationship != c.relationship {
                    changed.push("relationship");
                }
                if e.parental_responsibility != c.parental_responsibility {
                    changed.push("parental responsibility");
                }
                if e.contact_order != Some(c.order) {
                    changed.push("priority order");
                }
                if e.email != c.email {
                    changed.push("e-mail");
                }
                if !same_phones(&e.phones, &c.phones) {
                    changed.push("phones");
                }
                if changed.is_empty() {
                    run.report.unchanged += 1;
                    continue;
                }
                if run.write {
                    tx.update_contact_from_mis(HouseholdMemberId(e.id), &new)
                        .await?;
                }
                run.note("change", "contact", Some(e.id), c.name.clone(), changed);
            }
        }
    }
    Ok(())
}

/// Whether the phones an earlier import wrote are the MIS's now: same kinds, same checked
/// numbers, same order (a number stored before the parser was stricter never matches, so the
/// import writes the MIS's checked one).
fn same_phones(stored: &[(String, Recorded<PhoneNumber>)], read: &[(String, PhoneNumber)]) -> bool {
    stored.len() == read.len()
        && stored
            .iter()
            .zip(read)
            .all(|((sk, sn), (rk, rn))| sk == rk && sn.checked() == Some(rn))
}
