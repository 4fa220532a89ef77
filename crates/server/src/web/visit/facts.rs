//! A visit's plan in lines a person reads (who, where, why, when, with what), shared by the
//! visit's page and the authorisation page.

use super::super::page::{Ctx, WebError};
use super::super::time::Local;
use app::access::{HouseholdForPlanning, PlanningPupil};

pub struct Line {
    pub label: String,
    pub value: String,
}

fn line(label: &str, value: impl Into<String>) -> Line {
    Line {
        label: label.to_string(),
        value: value.into(),
    }
}

/// The plan in lines a person reads: who, where, why, when, with what.
pub async fn facts(
    ctx: &Ctx,
    visit: &store::Visit,
    settings: &domain::policy::PolicySettings,
) -> Result<(Vec<Line>, HouseholdForPlanning, PlanningPupil), WebError> {
    let local = Local::of(settings);
    // The planner's view (#10): what the page shows of the household, for all who see the visit.
    let (st, me) = (&ctx.state, &ctx.me);
    // Independent reads side by side: each is a round trip to the store.
    let at_school: Vec<i64> = [visit.buddy_staff_id, visit.backup_staff_id]
        .into_iter()
        .flatten()
        .collect();
    let (household, names, vehicle, decisions) = tokio::try_join!(
        app::school_admin::visit_household(st, me, visit.id),
        app::school::staff_names(st, me, &at_school),
        app::visits::vehicle(st, me, visit.id),
        app::visits::decisions(st, me, visit.id),
    )?;
    let pupil = household
        .pupils
        .iter()
        .find(|p| p.id == visit.pupil_id.0)
        .cloned()
        .ok_or(app::Refusal::not_found("pupil"))?;
    let name = |id: Option<i64>| {
        id.and_then(|i| names.get(&i).cloned())
            .unwrap_or_else(|| "—".into())
    };
    let mut facts = vec![
        line(
            "Pupil",
            format!(
                "{} ({})",
                pupil.name,
                pupil.year_group.clone().unwrap_or_default()
            ),
        ),
        line(
            "Household",
            format!(
                "{} family, {}, {}",
                household.family_name, household.address, household.postcode
            ),
        ),
        line(
            "Reason",
            settings
                .category(&visit.reason_category)
                .map_or(visit.reason_category.clone(), |c| c.label.clone()),
        ),
        line("Purpose", visit.purpose.clone()),
        line(
            "Could they come in instead?",
            match visit.parents_could_come_in {
                Some(true) => "Yes".to_string(),
                Some(false) => format!(
                    "No{}",
                    visit
                        .parents_come_in_note
                        .as_deref()
                        .map(|n| format!(": {n}"))
                        .unwrap_or_default()
                ),
                None => "Not answered".to_string(),
            },
        ),
        line(
            "Appointment",
            if visit.appointment == "unannounced" {
                format!(
                    "Unannounced: {}",
                    visit.unannounced_reason.clone().unwrap_or_default()
                )
            } else {
                format!(
                    "Agreed with the family{}",
                    visit
                        .agenda
                        .as_deref()
                        .map(|a| format!(": {a}"))
                        .unwrap_or_default()
                )
            },
        ),
        line(
            "Staff",
            visit
                .staff
                .iter()
                .map(|s| {
                    format!(
                        "{} ({}{})",
                        s.name,
                        s.role_on_visit,
                        if s.is_driver { ", driving" } else { "" }
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
        ),
        line("Buddy at school", name(visit.buddy_staff_id)),
    ];
    if visit.backup_staff_id.is_some() {
        facts.push(line("Back-up at school", name(visit.backup_staff_id)));
    }
    if let Some(w) = &visit.code_word {
        facts.push(line("Code word", w.clone()));
    }
    if let Some(a) = &visit.joint_agency {
        facts.push(line("With", a.clone()));
    }
    if let Some(v) = vehicle {
        facts.push(line(
            "Car",
            format!("{} {}", v.registration, v.make_model.unwrap_or_default()),
        ));
    }
    if let Some(t) = &visit.transport {
        facts.push(line(
            "Transporting the pupil",
            format!(
                "age {}, {} cm, car seat: {}, rear seat: {}",
                t.0.pupil_age_years.map_or("?".into(), |a| a.to_string()),
                t.0.pupil_height_cm.map_or("?".into(), |a| a.to_string()),
                if t.0.car_seat { "yes" } else { "no" },
                if t.0.rear_seat { "yes" } else { "no" }
            ),
        ));
    }
    if let Some(e) = &visit.expect_to_see {
        facts.push(line("Expect to see", e.clone()));
    }
    facts.push(line(
        "Planned",
        format!(
            "{}: leave school {}, arrive {}, leave the house {}, {} {}",
            local.day(visit.planned_leave_school),
            local.time(visit.planned_leave_school),
            local.time(visit.planned_arrive),
            local.time(visit.planned_leave_property),
            if visit.returns_to == "home" {
                "home"
            } else {
                "back at school"
            },
            local.time(visit.planned_return)
        ),
    ));
    facts.push(line(
        "First visit to this household",
        if visit.first_visit { "Yes" } else { "No" },
    ));
    for d in decisions {
        facts.push(line(
            "Decision",
            format!(
                "{} by {} on {}{}",
                d.decision.replace('_', " "),
                d.decided_by_name,
                local.day_time(d.decided_at),
                d.comment.map(|c| format!(": {c}")).unwrap_or_default()
            ),
        ));
    }
    Ok((facts, household, pupil))
}
