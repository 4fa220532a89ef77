//! What the plan form offers to choose from: the school's pupils, its reasons for a visit, its
//! active staff and their cars, and the policy's rules in words.

use super::super::page::{Choice, Ctx, WebError};
use super::super::policy::rules_in_words;
use super::form::PlanForm;
use domain::SchoolId;

/// Everything the plan form offers to choose from.
pub struct Options {
    pub pupils: Vec<Choice>,
    pub reasons: Vec<Choice>,
    pub staff: Vec<(String, String)>,
    /// The staff who may be the buddy (P5, `buddy.roles`): those holding a role the policy
    /// lists, or everyone when it lists none; and whoever the plan names already, so a save
    /// does not drop them unseen (the policy check then names the rule).
    pub buddies: Vec<(String, String)>,
    pub vehicles: Vec<(String, String)>,
    pub rules: Vec<String>,
    /// Reasons with a usual length (minutes at the house), as JSON for the page script that
    /// pre-fills "Leave the house", and in words for the hint beside it.
    pub visit_lengths: String,
    pub length_hint: String,
}

pub(super) async fn options(
    ctx: &Ctx,
    school: SchoolId,
    form: &PlanForm,
) -> Result<Options, WebError> {
    let (st, me) = (&ctx.state, &ctx.me);
    // Independent reads side by side: each is a round trip to the store.
    let (policy, roll, directory, vehicles) = tokio::try_join!(
        app::school::current_policy(st, me, school),
        app::school::roll(st, me, school),
        app::school::staff_directory(st, me, school),
        app::school::vehicles(st, me, school),
    )?;
    let mut pupils = vec![Choice::new(
        "",
        "Choose the pupil",
        form.pupil_id.is_empty(),
    )];
    for p in roll {
        let mut label = format!(
            "{}{} — {} family",
            p.name,
            p.year_group
                .as_deref()
                .map(|y| format!(" ({y})"))
                .unwrap_or_default(),
            p.family_name,
        );
        if !p.postcode.is_empty() {
            label.push_str(&format!(", {}", p.postcode));
        }
        let value = p.pupil.0.to_string();
        let selected = value == form.pupil_id;
        pupils.push(Choice::new(value, label, selected));
    }
    let reasons = std::iter::once(Choice::new(
        "",
        "Choose a reason",
        form.reason_category.is_empty(),
    ))
    .chain(policy.settings.reason_categories.iter().map(|c| {
        Choice::new(
            c.key.clone(),
            c.label.clone(),
            c.key == form.reason_category,
        )
    }))
    .collect();
    let lengths: std::collections::BTreeMap<&str, u32> = policy
        .settings
        .reason_categories
        .iter()
        .filter_map(|c| Some((c.key.as_str(), policy.settings.visit_minutes(&c.key)?)))
        .collect();
    let length_hint = if lengths.is_empty() {
        String::new()
    } else {
        let usual: Vec<String> = policy
            .settings
            .reason_categories
            .iter()
            .filter_map(|c| {
                Some(format!(
                    "{}: {} minutes",
                    c.label,
                    lengths.get(c.key.as_str())?
                ))
            })
            .collect();
        format!(
            "Leave blank to use the usual length of the visit ({}).",
            usual.join("; ")
        )
    };
    let colleagues: Vec<_> = directory.into_iter().filter(|s| s.active).collect();
    let vehicles = vehicles
        .into_iter()
        .map(|v| {
            let driver = colleagues
                .iter()
                .find(|s| s.id == v.staff_id)
                .map_or("", |s| s.name.as_str());
            (
                v.id.0.to_string(),
                format!(
                    "{} — {} ({driver})",
                    v.registration,
                    v.make_model.as_deref().unwrap_or("vehicle")
                ),
            )
        })
        .collect();
    let choice = |s: &store::Staff| {
        let label = match &s.job_title {
            Some(t) => format!("{} — {t}", s.name),
            None => s.name.clone(),
        };
        (s.id.0.to_string(), label)
    };
    let buddies = colleagues
        .iter()
        .filter(|s| {
            policy.settings.buddy.allows(&s.roles) || s.id.0.to_string() == form.buddy_staff_id
        })
        .map(choice)
        .collect();
    let staff = colleagues.iter().map(choice).collect();
    Ok(Options {
        pupils,
        reasons,
        staff,
        buddies,
        vehicles,
        visit_lengths: serde_json::to_string(&lengths).unwrap_or_default(),
        length_hint,
        rules: rules_in_words(&policy.settings),
    })
}

/// `(value, label, selected)` for a select with a blank first entry.
pub(super) fn pick(all: &[(String, String)], blank: &str, current: &str) -> Vec<Choice> {
    std::iter::once(Choice::new("", blank, current.is_empty()))
        .chain(
            all.iter()
                .map(|(v, l)| Choice::new(v.clone(), l.clone(), v == current)),
        )
        .collect()
}

pub struct VisitorRow {
    pub staff_field: String,
    pub role_field: String,
    pub label: String,
    pub staff: Vec<Choice>,
    pub role: String,
}
