//! The plan as typed: kept as text so a refused form comes back exactly as it was sent, and
//! read into the typed plan the use case takes.

use super::super::form::FormData;
use super::super::page::{Choice, Errors};
use super::super::time::Local;
use app::visits::{AppointmentInput, VisitPlanInput, VisitorInput};
use chrono::{DateTime, Duration, Utc};
use domain::text::Text;
use domain::visit::{ReturnsTo, TransportPlan};
use store::Visit;

pub(super) const VISITOR_ROWS: usize = 3;

/// The plan as typed, kept as text so a refused form comes back exactly as it was sent.
#[derive(Debug, Clone, Default)]
pub struct PlanForm {
    pub pupil_id: String,
    pub reason_category: String,
    pub purpose: String,
    pub parents_could_come_in: String,
    pub parents_come_in_note: String,
    pub appointment: String,
    pub agenda: String,
    pub unannounced_reason: String,
    pub expect_to_see: String,
    pub visitors: Vec<(String, String)>,
    pub buddy_staff_id: String,
    pub backup_staff_id: String,
    pub code_word: String,
    pub vehicle_id: String,
    pub joint_agency: String,
    pub transporting: bool,
    pub pupil_age_years: String,
    pub pupil_height_cm: String,
    pub car_seat: bool,
    pub rear_seat: bool,
    pub visit_date: String,
    pub planned_leave_school: String,
    pub planned_arrive: String,
    pub planned_leave_property: String,
    pub planned_return: String,
    /// C4: the visit runs past midnight, so a later time may be earlier on the clock.
    pub past_midnight: bool,
    pub returns_to: String,
    pub revision: String,
}

pub(super) fn opt_id(v: Option<i64>) -> String {
    v.map(|i| i.to_string()).unwrap_or_default()
}

impl PlanForm {
    pub(super) fn blank(me: &store::Staff, now: DateTime<Utc>, local: &Local) -> Self {
        let start = super::times::suggested_start(now, local);
        let mut visitors = vec![(
            me.id.0.to_string(),
            me.job_title
                .clone()
                .unwrap_or_else(|| "visiting staff".into()),
        )];
        visitors.resize(VISITOR_ROWS, (String::new(), String::new()));
        PlanForm {
            appointment: "agreed".into(),
            returns_to: "school".into(),
            rear_seat: true,
            visitors,
            visit_date: local.date_input(start),
            planned_leave_school: local.time_input(start),
            planned_arrive: local.time_input(start + Duration::minutes(15)),
            planned_leave_property: local.time_input(start + Duration::minutes(60)),
            planned_return: local.time_input(start + Duration::minutes(75)),
            ..Default::default()
        }
    }

    pub(super) fn of_visit(v: &Visit, local: &Local) -> Self {
        let mut visitors: Vec<(String, String)> = v
            .staff
            .iter()
            .map(|s| (s.staff_id.0.to_string(), s.role_on_visit.clone()))
            .collect();
        visitors.resize(
            VISITOR_ROWS.max(visitors.len()),
            (String::new(), String::new()),
        );
        let t = v.transport.as_ref().map(|t| &t.0);
        PlanForm {
            pupil_id: v.pupil_id.0.to_string(),
            reason_category: v.reason_category.clone(),
            purpose: v.purpose.clone(),
            parents_could_come_in: match v.parents_could_come_in {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => String::new(),
            },
            parents_come_in_note: v.parents_come_in_note.clone().unwrap_or_default(),
            appointment: v.appointment.clone(),
            agenda: v.agenda.clone().unwrap_or_default(),
            unannounced_reason: v.unannounced_reason.clone().unwrap_or_default(),
            expect_to_see: v.expect_to_see.clone().unwrap_or_default(),
            visitors,
            buddy_staff_id: opt_id(v.buddy_staff_id),
            backup_staff_id: opt_id(v.backup_staff_id),
            code_word: v.code_word.clone().unwrap_or_default(),
            vehicle_id: opt_id(v.vehicle_id),
            joint_agency: v.joint_agency.clone().unwrap_or_default(),
            transporting: t.is_some(),
            pupil_age_years: t
                .and_then(|t| t.pupil_age_years)
                .map(|a| a.to_string())
                .unwrap_or_default(),
            pupil_height_cm: t
                .and_then(|t| t.pupil_height_cm)
                .map(|a| a.to_string())
                .unwrap_or_default(),
            car_seat: t.is_some_and(|t| t.car_seat),
            rear_seat: t.is_none_or(|t| t.rear_seat),
            visit_date: local.date_input(v.planned_leave_school),
            planned_leave_school: local.time_input(v.planned_leave_school),
            planned_arrive: local.time_input(v.planned_arrive),
            planned_leave_property: local.time_input(v.planned_leave_property),
            planned_return: local.time_input(v.planned_return),
            past_midnight: local.date_input(v.planned_return)
                != local.date_input(v.planned_leave_school),
            returns_to: v.returns_to.clone(),
            revision: v.revision.to_string(),
        }
    }

    pub(super) fn of_form(f: &FormData) -> Self {
        let visitors = (0..VISITOR_ROWS)
            .map(|i| {
                (
                    f.get(&format!("visitors[{i}].staff_id")).to_string(),
                    f.get(&format!("visitors[{i}].role_on_visit")).to_string(),
                )
            })
            .collect();
        let s = |n: &str| f.get(n).to_string();
        PlanForm {
            pupil_id: s("pupil_id"),
            reason_category: s("reason_category"),
            purpose: s("purpose"),
            parents_could_come_in: s("parents_could_come_in"),
            parents_come_in_note: s("parents_come_in_note"),
            appointment: s("appointment"),
            agenda: s("appointment.agenda"),
            unannounced_reason: s("appointment.reason"),
            expect_to_see: s("expect_to_see"),
            visitors,
            buddy_staff_id: s("buddy_staff_id"),
            backup_staff_id: s("backup_staff_id"),
            code_word: s("code_word"),
            vehicle_id: s("vehicle_id"),
            joint_agency: s("joint_agency"),
            transporting: f.checked("transporting"),
            pupil_age_years: s("transport.pupil_age_years"),
            pupil_height_cm: s("transport.pupil_height_cm"),
            car_seat: f.checked("transport.car_seat"),
            rear_seat: f.checked("transport.rear_seat"),
            visit_date: s("visit_date"),
            planned_leave_school: s("planned_leave_school"),
            planned_arrive: s("planned_arrive"),
            planned_leave_property: s("planned_leave_property"),
            planned_return: s("planned_return"),
            past_midnight: f.checked("past_midnight"),
            returns_to: s("returns_to"),
            revision: s("revision"),
        }
    }

    /// The typed plan, and for each visitor sent the form row it came from. Problems the use
    /// case cannot see (an unreadable time, a number that is not one) are named here.
    pub(super) fn to_input(&self, local: &Local) -> Result<(VisitPlanInput, Vec<usize>), Errors> {
        let mut errors = Errors::none();
        let id = |errors: &mut Errors, field: &str, v: &str, what: &str| -> Option<i64> {
            if v.is_empty() {
                return None;
            }
            match v.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors.add(field, format!("Choose {what} from the list"));
                    None
                }
            }
        };
        let pupil = id(&mut errors, "pupil_id", &self.pupil_id, "the pupil");
        if self.pupil_id.is_empty() {
            errors.add("pupil_id", "Choose the pupil the visit is about");
        }
        if self.visit_date.is_empty() {
            errors.add("visit_date", "Enter the date of the visit");
        }
        let typed = super::times::TypedTimes {
            visit_date: &self.visit_date,
            planned_leave_school: &self.planned_leave_school,
            planned_arrive: &self.planned_arrive,
            planned_leave_property: &self.planned_leave_property,
            planned_return: &self.planned_return,
            past_midnight: self.past_midnight,
        };
        let parsed = super::times::read(&typed, local, &mut errors);
        let [leave, arrive, leave_property, back] = parsed;
        // A text that cannot be kept is named next to its box; the rest are still checked.
        macro_rules! checked {
            ($r:expr) => {
                match $r {
                    Ok(v) => Some(v),
                    Err(e) => {
                        errors.add(&e.field, e.reason);
                        None
                    }
                }
            };
        }
        let mut rows = Vec::new();
        let mut visitors = Vec::new();
        for (i, (staff, role)) in self.visitors.iter().enumerate() {
            if staff.is_empty() {
                continue;
            }
            let field = format!("visitors[{i}].staff_id");
            let role_field = format!("visitors[{i}].role_on_visit");
            let role_on_visit = checked!(Text::parse(&role_field, role));
            if let (Some(sid), Some(role_on_visit)) = (
                id(&mut errors, &field, staff, "a member of staff"),
                role_on_visit,
            ) {
                rows.push(i);
                visitors.push(VisitorInput {
                    staff_id: sid,
                    role_on_visit,
                });
            }
        }
        let buddy = id(
            &mut errors,
            "buddy_staff_id",
            &self.buddy_staff_id,
            "the buddy",
        );
        let backup = id(
            &mut errors,
            "backup_staff_id",
            &self.backup_staff_id,
            "who backs up",
        );
        let vehicle = id(&mut errors, "vehicle_id", &self.vehicle_id, "the vehicle");
        let number = |errors: &mut Errors, field: &str, v: &str| -> Option<u32> {
            if v.is_empty() {
                return None;
            }
            v.parse::<u32>().ok().or_else(|| {
                errors.add(field, "Enter a whole number");
                None
            })
        };
        let transport = self.transporting.then(|| TransportPlan {
            pupil_age_years: number(
                &mut errors,
                "transport.pupil_age_years",
                &self.pupil_age_years,
            ),
            pupil_height_cm: number(
                &mut errors,
                "transport.pupil_height_cm",
                &self.pupil_height_cm,
            ),
            car_seat: self.car_seat,
            rear_seat: self.rear_seat,
        });
        let purpose = checked!(Text::parse("purpose", &self.purpose));
        let parents_come_in_note = checked!(Text::parse_optional(
            "parents_come_in_note",
            &self.parents_come_in_note
        ));
        let appointment = if self.appointment == "unannounced" {
            checked!(Text::parse("appointment.reason", &self.unannounced_reason))
                .map(|reason| AppointmentInput::Unannounced { reason })
        } else {
            checked!(Text::parse_optional("appointment.agenda", &self.agenda))
                .map(|agenda| AppointmentInput::Agreed { agenda })
        };
        let expect_to_see = checked!(Text::parse_optional("expect_to_see", &self.expect_to_see));
        let joint_agency = checked!(Text::parse_optional("joint_agency", &self.joint_agency));
        let code_word = checked!(Text::parse_optional("code_word", &self.code_word));
        // Each of these is named above when it is missing or unreadable.
        let (true, Some(pupil_id), Some(planned_leave_school), Some(planned_arrive)) =
            (errors.is_empty(), pupil, leave, arrive)
        else {
            return Err(errors);
        };
        let (
            Some(purpose),
            Some(parents_come_in_note),
            Some(appointment),
            Some(expect_to_see),
            Some(joint_agency),
            Some(code_word),
        ) = (
            purpose,
            parents_come_in_note,
            appointment,
            expect_to_see,
            joint_agency,
            code_word,
        )
        else {
            return Err(errors);
        };
        let input = VisitPlanInput {
            pupil_id,
            reason_category: self.reason_category.clone(),
            purpose,
            parents_could_come_in: match self.parents_could_come_in.as_str() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            },
            parents_come_in_note,
            appointment,
            expect_to_see,
            planned_leave_school,
            planned_arrive,
            planned_leave_property: leave_property,
            planned_return: back,
            returns_to: if self.returns_to == "home" {
                ReturnsTo::Home
            } else {
                ReturnsTo::School
            },
            joint_agency,
            transport,
            visitors,
            buddy_staff_id: buddy,
            backup_staff_id: backup,
            code_word,
            vehicle_id: vehicle,
        };
        Ok((input, rows))
    }
}

impl PlanForm {
    pub(super) fn yes_no(&self) -> Vec<Choice> {
        let v = self.parents_could_come_in.as_str();
        vec![
            Choice::new("no", "No — a visit is needed", v == "no"),
            Choice::new("yes", "Yes — they could come into school", v == "yes"),
        ]
    }
    pub(super) fn appointments(&self) -> Vec<Choice> {
        let v = self.appointment.as_str();
        vec![
            Choice::new("agreed", "Agreed with the family", v != "unannounced"),
            Choice::new("unannounced", "Unannounced", v == "unannounced"),
        ]
    }
    pub(super) fn returns(&self) -> Vec<Choice> {
        let v = self.returns_to.as_str();
        vec![
            Choice::new("school", "Back to school", v != "home"),
            Choice::new("home", "Home afterwards", v == "home"),
        ]
    }
}
