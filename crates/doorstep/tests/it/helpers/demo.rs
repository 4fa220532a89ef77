//! The demo trust's records by name, and valid inputs built from them: a visit plan, a risk
//! assessment. Also the use cases tests walk through again and again (request, authorise, walk).

use super::{Answer, Session, TestApp};
use axum::http::StatusCode;
use domain::{HouseholdId, StaffId};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// A demo school's records, looked up once so tests can name them.
#[derive(Clone, Debug)]
pub struct DemoSchool {
    pub domain: String,
    pub id: i64,
    /// Local part of the e-mail ("head", "teacher") → staff id.
    staff: BTreeMap<String, i64>,
    /// The Smith household (no caution flags) and its pupil Ava.
    pub smith: i64,
    pub ava: i64,
    /// The Khan household's pupil Zara, and the household's one caution flag.
    pub zara: i64,
    pub khan_caution: i64,
    /// The teacher's car, with documents valid for a year.
    pub teacher_vehicle: i64,
}

impl DemoSchool {
    pub fn staff(&self, local: &str) -> i64 {
        *self
            .staff
            .get(local)
            .unwrap_or_else(|| panic!("no demo staff '{local}' at {}", self.domain))
    }

    pub fn email(&self, local: &str) -> String {
        format!("{local}@{}", self.domain)
    }
}

impl TestApp {
    pub async fn school(&self, domain: &str) -> DemoSchool {
        let head = self.staff_id(&format!("head@{domain}")).await;
        let school = self
            .db
            .staff(head)
            .await
            .expect("the demo head exists")
            .school_id
            .expect("the demo head works at a school");
        let mut staff = BTreeMap::new();
        for s in self
            .db
            .staff_list(
                self.db.staff(head).await.expect("head").trust_id,
                Some(school),
            )
            .await
            .expect("staff list")
        {
            if let Some((local, d)) = s.email.split_once('@')
                && d == domain
            {
                staff.insert(local.to_string(), s.id.0);
            }
        }
        let households = self
            .db
            .households_of_school(school)
            .await
            .expect("households");
        let household = |name: &str| -> HouseholdId {
            households
                .iter()
                .find(|h| h.family_name == name)
                .unwrap_or_else(|| panic!("no {name} household at {domain}"))
                .id
        };
        let (smith, khan) = (household("Smith"), household("Khan"));
        let pupils = self.db.pupils_of_school(school).await.expect("pupils");
        let pupil_of = |h: HouseholdId| -> i64 {
            pupils
                .iter()
                .find(|p| p.household_id == h)
                .expect("a pupil in the household")
                .id
                .0
        };
        let khan_caution = self
            .db
            .caution_flags(khan)
            .await
            .expect("caution flags")
            .first()
            .expect("the Khan household has a caution flag")
            .id
            .0;
        let teacher = StaffId(staff["teacher"]);
        let teacher_vehicle = self
            .db
            .vehicles_of(teacher)
            .await
            .expect("vehicles")
            .first()
            .expect("the demo teacher has a car")
            .id
            .0;
        DemoSchool {
            domain: domain.to_string(),
            id: school.0,
            staff,
            smith: smith.0,
            ava: pupil_of(smith),
            zara: pupil_of(khan),
            khan_caution,
            teacher_vehicle,
        }
    }

    async fn staff_id(&self, email: &str) -> StaffId {
        self.db
            .staff_login(email)
            .await
            .expect("looking up a login")
            .unwrap_or_else(|| panic!("no demo login {email}"))
            .0
    }

    /// Plans a visit to the Smith household's pupil as `who`: a valid plan for every preset
    /// (the teacher and the family liaison officer go, the office is the buddy, a code word is
    /// agreed, 10:00 to 11:20 today). `overrides` replaces top-level fields; `null` clears one.
    pub async fn plan_visit(
        &self,
        who: &Session,
        domain: &str,
        overrides: Value,
    ) -> (StatusCode, Value) {
        let school = self.school(domain).await;
        let plan = visit_plan(&school, self, overrides);
        self.post(who, "/api/visits", plan).await
    }

    /// [`plan_visit`](Self::plan_visit) that must succeed; the new visit's id.
    pub async fn planned_visit(&self, who: &Session, domain: &str, overrides: Value) -> i64 {
        let body = self
            .plan_visit(who, domain, overrides)
            .await
            .expect_status(StatusCode::CREATED);
        visit_id(&body)
    }

    pub async fn request(&self, who: &Session, visit: i64) -> (StatusCode, Value) {
        self.post(who, &format!("/api/visits/{visit}/request"), json!({}))
            .await
    }

    pub async fn authorise(&self, who: &Session, visit: i64, body: Value) -> (StatusCode, Value) {
        self.post(who, &format!("/api/visits/{visit}/authorise"), body)
            .await
    }

    /// One step of a visit in progress: "sign-out", "arrived", "left", "returned"...
    pub async fn step(&self, who: &Session, visit: i64, step: &str) -> (StatusCode, Value) {
        self.post(who, &format!("/api/visits/{visit}/{step}"), json!({}))
            .await
    }

    /// Walks an authorised visit through sign-out, arrival, leaving and the return to school.
    pub async fn walk_visit(&self, visitor: &Session, visit: i64) {
        for step in ["sign-out", "arrived", "left", "returned"] {
            self.advance(15);
            self.step(visitor, visit, step)
                .await
                .expect_status(StatusCode::OK);
        }
    }

    /// A completed risk assessment for a household; its id.
    pub async fn assess_risk(
        &self,
        who: &Session,
        household: i64,
        before: &str,
        after: &str,
    ) -> i64 {
        let body = self
            .post(
                who,
                &format!("/api/households/{household}/risk-assessments"),
                risk_assessment(before, after),
            )
            .await
            .expect_status(StatusCode::CREATED);
        body["assessment"]["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("no assessment id in {body}"))
    }

    pub async fn sign_off(&self, who: &Session, assessment: i64) -> (StatusCode, Value) {
        self.post(
            who,
            &format!("/api/risk-assessments/{assessment}/sign-off"),
            json!({ "comment": "Read and agreed." }),
        )
        .await
    }
}

/// The JSON of a valid visit plan for `school` (see [`TestApp::plan_visit`]).
pub fn visit_plan(school: &DemoSchool, app: &TestApp, overrides: Value) -> Value {
    let mut plan = json!({
        "pupil_id": school.ava,
        "reason_category": "attendance_concern",
        "purpose": "Ava has missed three days this week; check she is safe and agree a plan to get her back in.",
        "parents_could_come_in": false,
        "parents_come_in_note": "Mum has no transport and a baby at home.",
        "appointment": { "kind": "agreed", "agenda": "Attendance, and support the school can offer." },
        "expect_to_see": "Jo Smith (mother) and Ava",
        "planned_leave_school": app.at("10:00"),
        "planned_arrive": app.at("10:20"),
        "planned_leave_property": app.at("11:00"),
        "planned_return": app.at("11:20"),
        "returns_to": "school",
        "visitors": [
            { "staff_id": school.staff("teacher"), "role_on_visit": "class teacher" },
            { "staff_id": school.staff("liaison"), "role_on_visit": "family liaison officer" }
        ],
        "buddy_staff_id": school.staff("office"),
        "code_word": "bluebell",
    });
    let Value::Object(overrides) = overrides else {
        panic!("overrides must be a JSON object, got {overrides}");
    };
    for (key, value) in overrides {
        plan[key] = value;
    }
    plan
}

/// The REAch2 questionnaire with nothing of concern, at the given risk levels.
pub fn risk_assessment(before: &str, after: &str) -> Value {
    json!({
        "questionnaire": {
            "violent_offences": false,
            "drugs_or_alcohol": false,
            "risks_from_other_agencies": false,
            "pets": true,
            "pets_threatening": false,
            "intimidating_people": false,
            "property_hazards": false,
            "meet_outside_home": false,
            "safety_measures_in_place": true
        },
        "areas_of_concern": "",
        "risk_before_controls": before,
        "control_measures": "Two staff; the dog is kept in the garden; the buddy knows the code word.",
        "risk_after_controls": after
    })
}

/// The id of the visit in a visit answer.
pub fn visit_id(body: &Value) -> i64 {
    body["visit"]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no visit id in {body}"))
}

/// A visitor entry for a plan.
pub fn visitor(staff_id: i64, role: &str) -> Value {
    json!({ "staff_id": staff_id, "role_on_visit": role })
}
