//! Scenarios written from the policy texts, one preset at a time.

// A panic is how a test fails; the workspace's `unwrap_used` lint is for production code.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use doorstep_domain::policy::presets::{self, preset};
use doorstep_domain::policy::{
    Appointment, BuddyFacts, RiskFacts, Stage, TransportFacts, Unmet, VehicleFacts, VisitFacts,
    VisitorFacts, evaluate,
};
use doorstep_domain::risk::RiskLevel;
use doorstep_domain::{CautionFlagId, Role, RoleSet};

fn at(h: u32, m: u32) -> DateTime<Utc> {
    // 23 November: GMT, so UTC is the school's local time.
    Utc.with_ymd_and_hms(2026, 11, 23, h, m, 0).unwrap()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn visitor(name: &str, roles: &[Role]) -> VisitorFacts {
    VisitorFacts {
        name: name.into(),
        roles: RoleSet::new(roles.to_vec()),
        has_mobile: true,
        acknowledged_risk_assessment: true,
    }
}

/// A repeat visit by two teachers at 10:00 that every preset accepts.
fn good_visit() -> VisitFacts {
    VisitFacts {
        reason_category: "attendance_concern".into(),
        parents_could_come_in: Some(false),
        appointment: Appointment::Agreed,
        visitors: vec![
            visitor("Ann Teacher", &[Role::VisitingStaff]),
            visitor("Bob Liaison", &[Role::VisitingStaff]),
        ],
        first_visit_to_household: false,
        risk_assessment: Some(RiskFacts {
            risk_after_controls: RiskLevel::Medium,
            signed_off: true,
        }),
        joint_with_agency: false,
        planned_leave_school: at(10, 0),
        planned_leave_property: at(11, 0),
        buddy: Some(BuddyFacts {
            name: "Olive Office".into(),
            roles: RoleSet::new(vec![Role::Office]),
        }),
        has_code_word: true,
        backup_at_school: true,
        vehicle: None,
        transport: None,
        household_blocked: false,
        caution_flags: vec![],
        caution_flags_acknowledged: vec![],
        authoriser_roles: Some(RoleSet::new(vec![Role::Headteacher])),
        open_safety_concerns: 0,
    }
}

fn check(name: &str, visit: &VisitFacts, stage: Stage) -> Vec<Unmet> {
    evaluate(&preset(name).unwrap(), visit, stage, today())
}

fn rules(unmet: &[Unmet]) -> Vec<&'static str> {
    unmet.iter().map(|u| u.rule).collect()
}

#[test]
fn every_preset_loads_and_accepts_an_ordinary_paired_visit() {
    for name in presets::names() {
        let unmet = check(name, &good_visit(), Stage::Authorise);
        assert!(unmet.is_empty(), "{name}: {unmet:?}");
    }
    assert!(preset("nowhere").unwrap_err().reason.contains("harton"));
}

#[test]
fn reach2_first_visit_without_a_signed_off_risk_assessment_cannot_be_authorised() {
    let mut v = good_visit();
    v.first_visit_to_household = true;
    v.risk_assessment = None;
    let unmet = check("reach2", &v, Stage::Authorise);
    assert_eq!(unmet.len(), 1);
    assert_eq!(unmet[0].requirement, "P8");
    v.risk_assessment = Some(RiskFacts {
        risk_after_controls: RiskLevel::Low,
        signed_off: false,
    });
    let unmet = check("reach2", &v, Stage::Authorise);
    assert_eq!(rules(&unmet), ["risk_assessment.sign_off_roles"]);
    assert!(unmet[0].why.contains("senior leader"));
    // Asking for the visit is fine before the senior leader signs it off.
    assert!(check("reach2", &v, Stage::Request).is_empty());
}

#[test]
fn st_josephs_visit_with_one_member_of_staff_is_refused() {
    let mut v = good_visit();
    v.visitors.truncate(1);
    let unmet = check("st-josephs", &v, Stage::Request);
    assert_eq!(unmet.len(), 1);
    assert_eq!(unmet[0].requirement, "P12");
    assert!(unmet[0].why.contains("at least 2"));
    // Even a joint visit with low risk does not change St Joseph's "always in pairs".
    v.joint_with_agency = true;
    assert!(!check("st-josephs", &v, Stage::Request).is_empty());
}

#[test]
fn hsp_lone_evening_visit_is_refused_without_backup_at_school() {
    let mut v = good_visit();
    v.visitors.truncate(1);
    v.planned_leave_school = at(18, 30);
    v.planned_leave_property = at(19, 15);
    v.buddy = None;
    v.backup_at_school = false;
    let unmet = check("hsp", &v, Stage::Request);
    assert_eq!(rules(&unmet), ["staffing.evening"]);
    assert!(unmet[0].why.contains("evening"));
    v.backup_at_school = true;
    assert!(check("hsp", &v, Stage::Request).is_empty());
    // The same lone visit in the afternoon is allowed.
    v.backup_at_school = false;
    v.planned_leave_school = at(13, 30);
    v.planned_leave_property = at(14, 30);
    assert!(check("hsp", &v, Stage::Request).is_empty());
}

#[test]
fn hsp_first_day_absence_visit_is_made_by_the_attendance_lead_plus_one() {
    let mut v = good_visit();
    v.reason_category = "first_day_absence".into();
    assert_eq!(
        rules(&check("hsp", &v, Stage::Request)),
        ["staffing.category_leads"]
    );
    v.visitors[0].roles = RoleSet::new(vec![Role::VisitingStaff, Role::AttendanceLead]);
    assert!(check("hsp", &v, Stage::Request).is_empty());
}

#[test]
fn reach2_lone_repeat_visit_only_when_low_risk_after_controls_or_joint() {
    let mut v = good_visit();
    v.visitors.truncate(1);
    let unmet = check("reach2", &v, Stage::Authorise);
    assert_eq!(rules(&unmet), ["staffing.minimum"]);
    assert!(unmet[0].why.contains("low risk after controls"));

    v.risk_assessment = Some(RiskFacts {
        risk_after_controls: RiskLevel::Low,
        signed_off: true,
    });
    assert!(check("reach2", &v, Stage::Authorise).is_empty());

    v.risk_assessment = Some(RiskFacts {
        risk_after_controls: RiskLevel::Low,
        signed_off: false,
    });
    assert!(rules(&check("reach2", &v, Stage::Authorise)).contains(&"staffing.minimum"));

    v.risk_assessment = Some(RiskFacts {
        risk_after_controls: RiskLevel::Medium,
        signed_off: true,
    });
    v.joint_with_agency = true;
    assert!(check("reach2", &v, Stage::Authorise).is_empty());

    // Never alone on a first visit, whatever the assessment says.
    v.first_visit_to_household = true;
    assert_eq!(
        rules(&check("reach2", &v, Stage::Authorise)),
        ["staffing.minimum"]
    );
}

#[test]
fn a_driver_with_an_expired_mot_cannot_sign_out_as_driver() {
    let mut v = good_visit();
    v.vehicle = Some(VehicleFacts {
        registration: "AB12CDE".into(),
        driver_name: "Ann Teacher".into(),
        licence_expires: NaiveDate::from_ymd_opt(2030, 1, 1),
        mot_expires: NaiveDate::from_ymd_opt(2026, 11, 1),
        insurance_expires: NaiveDate::from_ymd_opt(2027, 6, 1),
        business_insurance: true,
    });
    for name in presets::names() {
        let unmet = check(name, &v, Stage::SignOut);
        assert_eq!(
            rules(&unmet),
            ["travel.driver_documents_valid_on_the_day"],
            "{name}"
        );
        assert!(unmet[0].why.contains("MOT certificate") && unmet[0].why.contains("01/11/2026"));
    }
}

#[test]
fn transporting_a_small_child_needs_a_car_seat_two_staff_and_business_insurance() {
    let mut v = good_visit();
    v.visitors.truncate(1);
    v.vehicle = Some(VehicleFacts {
        registration: "AB12CDE".into(),
        driver_name: "Ann".into(),
        licence_expires: NaiveDate::from_ymd_opt(2030, 1, 1),
        mot_expires: NaiveDate::from_ymd_opt(2030, 1, 1),
        insurance_expires: NaiveDate::from_ymd_opt(2030, 1, 1),
        business_insurance: false,
    });
    v.transport = Some(TransportFacts {
        pupil_age_years: Some(8),
        pupil_height_cm: Some(128),
        car_seat: false,
        rear_seat: false,
    });
    let unmet = check("harton", &v, Stage::Request);
    assert_eq!(
        rules(&unmet),
        [
            "travel.transport_minimum_staff",
            "travel.transport_needs_business_insurance",
            "travel.pupil_sits_in_the_back",
            "travel.car_seat_under_years"
        ]
    );
    // A 12-year-old needs no car seat.
    v.transport = Some(TransportFacts {
        pupil_age_years: Some(12),
        pupil_height_cm: Some(150),
        car_seat: false,
        rear_seat: true,
    });
    assert!(!rules(&check("harton", &v, Stage::Request)).contains(&"travel.car_seat_under_years"));
}

#[test]
fn a_blocked_household_takes_no_new_request_in_any_preset() {
    let mut v = good_visit();
    v.household_blocked = true;
    for name in presets::names() {
        let unmet = check(name, &v, Stage::Request);
        assert_eq!(unmet.len(), 1, "{name}");
        assert_eq!(unmet[0].requirement, "P10");
    }
}

#[test]
fn only_the_roles_a_policy_names_can_authorise() {
    let mut v = good_visit();
    v.authoriser_roles = Some(RoleSet::new(vec![Role::Dsl]));
    // St Joseph's: headteacher or safeguarding team; HSP: headteacher or senior manager.
    assert!(check("st-josephs", &v, Stage::Authorise).is_empty());
    let unmet = check("hsp", &v, Stage::Authorise);
    assert_eq!(rules(&unmet), ["authorisation.roles"]);
    assert!(unmet[0].why.contains("the headteacher or a senior leader"));
    v.authoriser_roles = Some(RoleSet::new(vec![Role::Office]));
    for name in presets::names() {
        assert_eq!(
            rules(&check(name, &v, Stage::Authorise)),
            ["authorisation.roles"],
            "{name}"
        );
    }
}

#[test]
fn caution_flags_must_each_be_acknowledged_by_the_authoriser() {
    let mut v = good_visit();
    v.caution_flags = vec![CautionFlagId(1), CautionFlagId(2)];
    v.caution_flags_acknowledged = vec![CautionFlagId(1)];
    let unmet = check("reach2", &v, Stage::Authorise);
    assert_eq!(unmet[0].requirement, "P10");
    assert!(unmet[0].why.starts_with("1 caution flag"));
    v.caution_flags_acknowledged.push(CautionFlagId(2));
    assert!(check("reach2", &v, Stage::Authorise).is_empty());
}

#[test]
fn sen_trust_needs_an_assessment_every_visit_and_staff_to_acknowledge_it_before_leaving() {
    let mut v = good_visit();
    v.risk_assessment = None;
    assert_eq!(
        rules(&check("sen-trust-southend", &v, Stage::Request)),
        ["risk_assessment.required_for"]
    );
    v.risk_assessment = Some(RiskFacts {
        risk_after_controls: RiskLevel::Low,
        signed_off: true,
    });
    v.visitors[1].acknowledged_risk_assessment = false;
    assert!(check("sen-trust-southend", &v, Stage::Authorise).is_empty());
    let unmet = check("sen-trust-southend", &v, Stage::SignOut);
    assert_eq!(rules(&unmet), ["risk_assessment.staff_must_acknowledge"]);
    assert!(unmet[0].why.starts_with("Bob Liaison"));
}

#[test]
fn harton_pairs_agree_a_code_word_and_check_in_every_30_minutes() {
    let mut v = good_visit();
    v.has_code_word = false;
    assert_eq!(
        rules(&check("harton", &v, Stage::Request)),
        ["buddy.code_word"]
    );
    v.visitors.truncate(1);
    assert!(check("harton", &v, Stage::Request).is_empty());
    assert_eq!(preset("harton").unwrap().check_in.interval_minutes, 30);
}

#[test]
fn the_parents_come_in_question_and_unannounced_reason_are_required() {
    let mut v = good_visit();
    v.parents_could_come_in = None;
    v.appointment = Appointment::Unannounced { reason: " ".into() };
    let unmet = check("harton", &v, Stage::Request);
    assert_eq!(
        rules(&unmet),
        ["ask_parents_come_in_first", "unannounced_needs_reason"]
    );
    assert_eq!(unmet[0].requirement, "P2");
    assert_eq!(unmet[1].requirement, "P4");
}

#[test]
fn changed_settings_are_checked_before_they_are_accepted() {
    let mut s = preset("harton").unwrap();
    s.check_in.interval_minutes = 0;
    assert_eq!(s.check().unwrap_err().field, "check_in.interval_minutes");
    let mut s = preset("hsp").unwrap();
    s.escalation.reverse();
    assert_eq!(s.check().unwrap_err().field, "escalation");
    let text = presets::to_toml(&preset("reach2").unwrap());
    assert_eq!(
        doorstep_domain::policy::PolicySettings::from_toml(&text).unwrap(),
        preset("reach2").unwrap()
    );
}

#[test]
fn a_reason_that_needs_two_staff_refuses_a_lone_visit_for_that_reason_only() {
    let mut policy = preset("hsp").unwrap();
    let two = doorstep_domain::policy::ReasonDefaults {
        minimum_staff: Some(2),
        ..Default::default()
    };
    policy.reasons.insert("suspected_holiday".into(), two);
    policy.check().unwrap();
    let mut v = good_visit();
    v.visitors.truncate(1);
    assert!(evaluate(&policy, &v, Stage::Request, today()).is_empty());
    v.reason_category = "suspected_holiday".into();
    let unmet = evaluate(&policy, &v, Stage::Request, today());
    assert_eq!(rules(&unmet), ["reasons.minimum_staff"]);
    assert!(
        unmet[0]
            .why
            .contains("'Suspected term-time holiday' visit needs at least 2")
    );
}

#[test]
fn hsp_lone_visit_from_half_past_five_to_a_quarter_past_midnight_is_an_evening_visit() {
    let mut v = good_visit();
    v.visitors.truncate(1);
    v.backup_at_school = false;
    v.planned_leave_school = at(17, 30);
    v.planned_leave_property = at(17, 30) + chrono::Duration::minutes(6 * 60 + 45);
    assert_eq!(
        rules(&check("hsp", &v, Stage::Request)),
        ["staffing.evening"]
    );
    v.backup_at_school = true;
    assert!(check("hsp", &v, Stage::Request).is_empty());
}

#[test]
fn an_attendance_visit_accompanied_by_the_ewo_names_the_ewo_or_is_unmet() {
    // "Attendance visits are accompanied by the EWO": `reasons.<key>.led_by = ["ewo"]`.
    let mut p = preset("st-josephs").unwrap();
    p.reasons
        .entry("attendance_concern".into())
        .or_default()
        .led_by = vec![Role::Ewo];
    let p =
        doorstep_domain::policy::PolicySettings::from_toml(&toml::to_string(&p).unwrap()).unwrap();
    let mut v = good_visit();
    let unmet = evaluate(&p, &v, Stage::Request, today());
    assert_eq!(rules(&unmet), ["reasons.led_by"]);
    assert!(
        unmet[0].why.contains("education welfare officer (EWO)"),
        "{unmet:?}"
    );
    v.visitors[1] = visitor("Eve Welfare", &[Role::Ewo]);
    assert!(evaluate(&p, &v, Stage::Request, today()).is_empty());
    // The EWO is a rung recipient a policy can name too.
    #[derive(serde::Deserialize)]
    struct Rung {
        notify: Vec<doorstep_domain::policy::Recipient>,
    }
    let rung: Rung = toml::from_str("notify = [\"dsl\", \"ewo\"]").unwrap();
    assert_eq!(rung.notify[1], doorstep_domain::policy::Recipient::Ewo);
}
