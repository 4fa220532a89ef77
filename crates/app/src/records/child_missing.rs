//! A6, #13: the child-missing pack of a visit whose Home Visit Slip went unanswered — about the
//! *child* (last seen, the slip, contacts tried and to try, the school's instruction, cautions),
//! for whoever rings 101. Read through [`access::child_missing_reader`] and audited.

use crate::access::child_missing_reader;
use crate::{App, Refusal, Result, audit};
use domain::VisitId;
use domain::monitor::{
    AlarmKind, ChildMissingPack, ContactTried, FamilyContact, LastSeen, SlipLeftAt,
    ladder_for_policy,
};
use store::{Staff, VisitEvent};

/// The visit's child-missing pack, for the DSL, a deputy DSL or the headteacher of its school.
/// The instruction is the one the `[slip.unanswered]` rung carries (the school's words), or the
/// general guidance when the policy has no child-missing path. Audited as
/// `visit.child_missing_pack.read`. Errors: `NotFound("visit")`; `Forbidden` for other staff
/// who see the visit; `NotFound("Home Visit Slip")` when no slip was left.
pub async fn child_missing_pack(app: &App, me: &Staff, id: VisitId) -> Result<ChildMissingPack> {
    let (visit, pupil, school) = child_missing_reader(app, me, id).await?;
    let db = app.db();
    let slip = db
        .slip_of_visit(visit.id)
        .await?
        .ok_or_else(|| Refusal::not_found("Home Visit Slip"))?;
    let policy = app.policy_version(visit.policy_version_id).await?;
    let household = db.household(visit.household_id).await?;
    let members = db.household_members(visit.household_id).await?;
    let cautions = db.caution_flags(visit.household_id).await?;
    let events = db.visit_events(visit.id).await?;
    let left_by = db.staff(domain::StaffId(slip.left_by)).await?.name;
    // Doorstep keeps no register: the last visit record that says who was seen is the last
    // sighting it holds.
    let last_seen = db
        .outcomes_of_pupil(pupil.id)
        .await?
        .into_iter()
        .filter(|o| o.visit_id != visit.id)
        .filter_map(|o| {
            let seen = o.people_seen.filter(|s| !s.trim().is_empty())?;
            Some(LastSeen {
                at: o.recorded_at,
                what: format!("home visit {}: seen {seen}", o.visit_id),
            })
        })
        .next_back();
    let mut contacts_tried = Vec::new();
    for e in &events {
        if let Some(what) = tried(e) {
            let by = match e.actor_staff_id {
                Some(s) => db.staff(domain::StaffId(s)).await?.name,
                None => "Doorstep".into(),
            };
            contacts_tried.push(ContactTried {
                at: e.at,
                what: format!("{what} ({by})"),
            });
        }
    }
    if let (Some(at), Some(from)) = (slip.responded_at, &slip.response_from) {
        contacts_tried.push(ContactTried {
            at,
            what: format!("The family responded: {from}"),
        });
    }
    let mut contacts: Vec<FamilyContact> = household
        .landline
        .iter()
        .map(|l| FamilyContact {
            name: format!("the {} family's landline", household.family_name),
            relationship: String::new(),
            phone: Some(l.clone()),
        })
        .collect();
    contacts.extend(members.into_iter().map(|m| FamilyContact {
        name: m.name,
        relationship: m.relationship,
        phone: m.phone,
    }));
    let instruction = ladder_for_policy(AlarmKind::SlipDeadlinePassed, &policy.settings)
        .first()
        .map(|rung| rung.instruction.clone())
        .unwrap_or_default();
    let tz = policy.settings.tz();
    let pack = ChildMissingPack {
        school: school.name,
        school_phone: school.phone,
        child: pupil.name,
        year_group: pupil.year_group,
        date_of_birth: pupil.date_of_birth,
        last_seen,
        slip: SlipLeftAt {
            left_at: slip.left_at,
            respond_by: slip.respond_by,
            address: household.address,
            postcode: household.postcode,
            left_by,
            answered: slip.responded_at.is_some(),
        },
        contacts_tried,
        contacts,
        instruction,
        cautions: cautions.into_iter().map(|c| c.description).collect(),
        time_zone: tz.name().to_string(),
        tz,
    };
    audit::audit_read(
        app,
        me,
        "visit.child_missing_pack.read",
        "visit",
        visit.id.0,
        visit.school_id,
    )
    .await?;
    Ok(pack)
}

/// An attempt to reach the family, in words, from a step of the visit's record.
fn tried(e: &VisitEvent) -> Option<&'static str> {
    match e.step.as_str() {
        "arrived" => Some("Arrived at the address"),
        "nobody_home" => Some("Knocked: nobody answered the door"),
        "slip_left" => Some("Home Visit Slip put through the door"),
        _ => None,
    }
}
