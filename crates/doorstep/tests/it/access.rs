//! One access decision per record class (`app::access`), called directly — no HTTP — for every
//! demo role, with exactly the access each role has today. A record class added to
//! `RecordClass::ALL` without a test here fails [`every_record_class_has_its_decision_tested`].

mod audit_page;
mod code_word;
mod code_word_audit;
mod lists;
mod need_to_know;
mod planner;
mod routes;
mod second_factor;
mod sources;

use crate::helpers::{Answer, Session, TRUST_ADMIN, TestApp, for_each_backend};
use app::Refusal;
use app::access::{self, RecordClass};
use axum::http::StatusCode;
use domain::{HouseholdId, PupilId, VisitId};
use serde_json::json;
use std::collections::BTreeMap;

pub(crate) const DOMAIN: &str = "reach2.demo";

/// The people asked: each demo role of one school by the local part of their e-mail, the trust
/// administrator, and the head of another school of the trust.
pub(crate) const PEOPLE: [&str; 9] = [
    "teacher",
    "liaison",
    "office",
    "senior",
    "dsl",
    "head",
    "chair",
    "admin",
    "other-head",
];

/// The code word of the world's visit: in no demo record, so finding it anywhere is a leak.
pub(crate) const CODE_WORD: &str = "kingfisher";

/// What one person gets from a decision.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Got {
    Yes,
    /// "Not found": the record's existence is not revealed.
    Hidden,
    /// Signed in, may see the list, may not do this.
    Refused,
    /// A list by name only: no date of birth, no address.
    Names,
}
use Got::{Hidden, Names, Refused, Yes};

fn got<T>(r: Result<T, Refusal>) -> Got {
    match r {
        Ok(_) => Yes,
        Err(Refusal::NotFound(_)) => Hidden,
        Err(Refusal::Forbidden(_)) => Refused,
        Err(other) => panic!("an access decision failed: {}", other.chain()),
    }
}

/// What one person gets from a list's decision: the whole entries, names only, refused, or
/// "no such school" for a school they do not work in.
fn listed(r: Result<(domain::SchoolId, access::Detail), Refusal>) -> Got {
    match r {
        Ok((_, access::Detail::Full)) => Yes,
        Ok((_, access::Detail::NamesOnly)) => Names,
        Err(Refusal::Invalid { field, .. }) if field == "school_id" => Hidden,
        Err(other) => got::<()>(Err(other)),
    }
}

/// A fresh family (no demo history involves anyone with it) and one record of every class:
/// a visit by the teacher and the DSL with the senior leader as buddy, out with a panic alarm raised; a
/// safeguarding concern raised by the office; an incident reported by the teacher; a record for
/// the head about the liaison officer, and one about the head.
pub(crate) struct World {
    pub sessions: BTreeMap<&'static str, Session>,
    pub people: BTreeMap<&'static str, store::Staff>,
    pub household: HouseholdId,
    pub pupil: PupilId,
    pub visit: VisitId,
    pub alarm: i64,
    pub concern: i64,
    pub incident: i64,
    pub about_staff: i64,
    pub about_head: i64,
}

impl World {
    pub async fn create(app: &TestApp) -> World {
        let school = app.school(DOMAIN).await;
        let mut sessions: BTreeMap<&'static str, Session> = BTreeMap::new();
        for who in PEOPLE {
            let email = match who {
                "admin" => TRUST_ADMIN.to_string(),
                "other-head" => "head@harton.demo".to_string(),
                local => school.email(local),
            };
            sessions.insert(who, app.login(&email).await);
        }
        let s = |who: &str| sessions[who].clone();
        let household = app
            .post(&s("head"), "/api/households", json!({ "family_name": "Access", "address": "2 Test Row, Sunderland", "postcode": "SR1 1AA" }))
            .await
            .expect_status(StatusCode::CREATED);
        let household = household["id"].as_i64().expect("a household id");
        let pupil = app
            .post(&s("head"), "/api/pupils", json!({ "household_id": household, "name": "Ali Access", "date_of_birth": "2017-03-01" }))
            .await
            .expect_status(StatusCode::CREATED);
        let pupil = pupil["id"].as_i64().expect("a pupil id");
        let assessment = app
            .assess_risk(&s("senior"), household, "medium", "low")
            .await;
        app.sign_off(&s("senior"), assessment)
            .await
            .expect_status(StatusCode::OK);
        let overrides = json!({
            "pupil_id": pupil,
            "visitors": [
                { "staff_id": s("teacher").id, "role_on_visit": "class teacher" },
                { "staff_id": s("dsl").id, "role_on_visit": "designated safeguarding lead" },
            ],
            "buddy_staff_id": s("senior").id,
            "code_word": CODE_WORD,
        });
        let visit = app.planned_visit(&s("teacher"), DOMAIN, overrides).await;
        app.request(&s("teacher"), visit)
            .await
            .expect_status(StatusCode::OK);
        app.authorise(&s("head"), visit, json!({}))
            .await
            .expect_status(StatusCode::OK);
        app.step(&s("teacher"), visit, "sign-out")
            .await
            .expect_status(StatusCode::OK);
        let alarm = app
            .post(
                &s("teacher"),
                &format!("/api/visits/{visit}/panic"),
                json!({ "note": "access test" }),
            )
            .await
            .expect_status(StatusCode::CREATED);
        let concern = app
            .post(
                &s("office"),
                &format!("/api/pupils/{pupil}/safeguarding-concerns"),
                json!({ "concern": "Ali said he is often hungry." }),
            )
            .await
            .expect_status(StatusCode::CREATED);
        let incident = app
            .post(&s("teacher"), "/api/incidents", json!({
                "visit_id": visit, "household_id": household, "kind": "trip",
                "occurred_at": "2026-11-23T07:30:00Z", "location": "Front path", "injuries": "None"
            }))
            .await
            .expect_status(StatusCode::CREATED);
        let head_only = |about: i64| {
            json!({ "kind": "allegation_against_staff", "about_staff_id": about,
                    "raised_by_name": "A parent, by phone", "account": "An account for the test." })
        };
        let about_staff = app
            .post(
                &s("office"),
                "/api/head-only-records",
                head_only(s("liaison").id),
            )
            .await
            .expect_status(StatusCode::CREATED);
        let about_head = app
            .post(
                &s("office"),
                "/api/head-only-records",
                head_only(s("head").id),
            )
            .await
            .expect_status(StatusCode::CREATED);
        let mut people = BTreeMap::new();
        for who in PEOPLE {
            people.insert(who, app.staff(&sessions[who]).await);
        }
        World {
            sessions,
            people,
            household: HouseholdId(household),
            pupil: PupilId(pupil),
            visit: VisitId(visit),
            alarm: alarm["alarm_id"].as_i64().expect("an alarm id"),
            concern: concern["concern"]["id"].as_i64().expect("a concern id"),
            incident: incident["incident"]["id"].as_i64().expect("an incident id"),
            about_staff: about_staff["id"].as_i64().expect("a record id"),
            about_head: about_head["id"].as_i64().expect("a record id"),
        }
    }

    /// The world's school.
    fn school(&self) -> i64 {
        self.people["head"].school_id.expect("the head's school").0
    }

    /// What each person gets from one decision of `class`.
    pub async fn ask(&self, app: &app::App, class: RecordClass, who: &store::Staff) -> Vec<Got> {
        match class {
            RecordClass::Visit => vec![
                got(access::visible_visit(app, who, self.visit).await),
                got(access::visit_to_act_on(app, who, self.visit, "check in").await),
            ],
            RecordClass::Chronology => vec![
                got(access::readable_pupil(app, who, self.pupil).await),
                got(access::readable_visit_record(app, who, self.visit).await),
            ],
            RecordClass::Household => {
                vec![got(
                    access::visible_household(app, who, self.household).await
                )]
            }
            RecordClass::SafeguardingConcern => {
                vec![got(access::readable_concern(app, who, self.concern).await)]
            }
            RecordClass::Incident => {
                vec![got(access::readable_incident(app, who, self.incident).await)]
            }
            RecordClass::HeadOnly => vec![
                got(access::readable_head_only(app, who, self.about_staff).await),
                got(access::readable_head_only(app, who, self.about_head).await),
            ],
            RecordClass::AuditRow => vec![got(access::may_read_audit(who))],
            RecordClass::Alarm => vec![got(access::visible_alarm(app, who, self.alarm).await)],
            RecordClass::Roll => vec![listed(access::roll(app, who, Some(self.school())).await)],
            RecordClass::HouseholdRegister => vec![listed(
                access::household_register(app, who, Some(self.school())).await,
            )],
        }
    }
}

/// Today's rules, per class: what each of [`PEOPLE`] gets from each decision of the class.
fn expected(class: RecordClass) -> [Vec<Got>; 9] {
    let one = |g: [Got; 9]| g.map(|g| vec![g]);
    let twice = |g: [Got; 9]| g.map(|g| vec![g, g]);
    match class {
        //                     teacher liaison office senior dsl  head  chair   admin other-head
        RecordClass::Visit => twice([Yes, Hidden, Yes, Yes, Yes, Yes, Hidden, Yes, Hidden]),
        // The teacher and the buddy are on the authorised visit. The office raised a concern
        // about the child, which opens that concern to them and nothing else (#10).
        RecordClass::Chronology => {
            twice([Yes, Hidden, Hidden, Yes, Yes, Yes, Hidden, Hidden, Hidden])
        }
        RecordClass::Household => one([Yes, Hidden, Yes, Yes, Yes, Yes, Hidden, Yes, Hidden]),
        RecordClass::SafeguardingConcern => {
            one([Yes, Hidden, Yes, Yes, Yes, Yes, Hidden, Hidden, Hidden])
        }
        // Its author, the head and those who review a blocked household, and the involved.
        RecordClass::Incident => one([Yes, Hidden, Hidden, Yes, Yes, Yes, Hidden, Hidden, Hidden]),
        // About the liaison officer: the head alone. About the head: the chair and the trust.
        RecordClass::HeadOnly => [
            vec![Hidden, Hidden],
            vec![Hidden, Hidden],
            vec![Hidden, Hidden],
            vec![Hidden, Hidden],
            vec![Hidden, Hidden],
            vec![Yes, Hidden],
            vec![Hidden, Yes],
            vec![Hidden, Yes],
            vec![Hidden, Hidden],
        ],
        RecordClass::AuditRow => one([
            Refused, Refused, Refused, Refused, Yes, Yes, Refused, Yes, Yes,
        ]),
        // The school's alarm watchers and the visit's people. The demo liaison officer is also
        // the attendance lead, who watches the board: before the one list of watchers they saw
        // the alarm there and got "not found" acknowledging it.
        RecordClass::Alarm => one([Yes, Yes, Yes, Yes, Yes, Yes, Hidden, Yes, Hidden]),
        // B1: the office, the attendance lead (the liaison officer), the safeguarding leads and
        // the trust read the whole roll; the teacher and the senior leader names and year
        // groups; the chair of governors has no need to know individual children.
        RecordClass::Roll => one([Names, Yes, Yes, Names, Yes, Yes, Refused, Yes, Hidden]),
        // B2: addresses for those who keep the households (office, DSL, deputy DSL, head).
        RecordClass::HouseholdRegister => {
            one([Names, Names, Yes, Names, Yes, Yes, Refused, Names, Hidden])
        }
    }
}

async fn each_role_gets_todays_access(class: RecordClass) {
    for_each_backend(|app| async move {
        let world = World::create(&app).await;
        let use_cases = app.use_cases();
        let want = expected(class);
        let mut wrong = Vec::new();
        for (i, who) in PEOPLE.iter().enumerate() {
            let have = world.ask(&use_cases, class, &world.people[who]).await;
            if have != want[i] {
                wrong.push(format!("{who}: got {have:?}, expected {:?}", want[i]));
            }
        }
        assert!(
            wrong.is_empty(),
            "{class:?} on {}:\n{}",
            app.backend,
            wrong.join("\n")
        );
    })
    .await;
}

#[tokio::test]
async fn a_visit_is_seen_by_its_people_and_the_school_that_watches_it() {
    each_role_gets_todays_access(RecordClass::Visit).await;
}

#[tokio::test]
async fn a_childs_chronology_is_read_by_the_involved_and_the_safeguarding_leads() {
    each_role_gets_todays_access(RecordClass::Chronology).await;
}

#[tokio::test]
async fn a_household_is_seen_by_its_school_and_the_staff_visiting_it() {
    each_role_gets_todays_access(RecordClass::Household).await;
}

#[tokio::test]
async fn a_safeguarding_concern_is_read_as_the_childs_records_are() {
    each_role_gets_todays_access(RecordClass::SafeguardingConcern).await;
}

#[tokio::test]
async fn an_incident_is_read_by_its_author_the_head_and_the_involved() {
    each_role_gets_todays_access(RecordClass::Incident).await;
}

#[tokio::test]
async fn a_record_for_the_head_is_read_by_the_head_or_about_the_head_by_the_chair() {
    each_role_gets_todays_access(RecordClass::HeadOnly).await;
}

#[tokio::test]
async fn the_audit_trail_is_read_by_the_dsl_the_head_and_the_trust() {
    each_role_gets_todays_access(RecordClass::AuditRow).await;
}

#[tokio::test]
async fn an_alarm_is_seen_by_the_schools_watchers_and_the_visits_people() {
    each_role_gets_todays_access(RecordClass::Alarm).await;
}

#[tokio::test]
async fn the_pupil_roll_is_listed_whole_by_those_who_keep_it_and_by_name_to_planners() {
    each_role_gets_todays_access(RecordClass::Roll).await;
}

#[tokio::test]
async fn household_addresses_are_listed_to_those_who_keep_the_households() {
    each_role_gets_todays_access(RecordClass::HouseholdRegister).await;
}

#[test]
fn every_record_class_has_its_decision_tested() {
    // `expected` and `World::ask` match on the class without a wildcard, so a new class does not
    // compile until both say what each role gets; this guards the list itself.
    let tested = [
        RecordClass::Visit,
        RecordClass::Chronology,
        RecordClass::Household,
        RecordClass::SafeguardingConcern,
        RecordClass::Incident,
        RecordClass::HeadOnly,
        RecordClass::AuditRow,
        RecordClass::Alarm,
        RecordClass::Roll,
        RecordClass::HouseholdRegister,
    ];
    assert_eq!(RecordClass::ALL.len(), tested.len());
    for class in RecordClass::ALL {
        assert!(tested.contains(&class), "{class:?} has no access test");
    }
}
