//! Every route in the OpenAPI description, tried by every demo role and by an anonymous client, with
//! the ids of real demo records. A route added later is covered without touching this file.

use crate::helpers::{
    Answer, DemoSchool, Session, TRUST_ADMIN, TestApp, for_each_backend, risk_assessment,
    visit_plan,
};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeMap;

const DOMAIN: &str = "reach2.demo";

/// The demo roles of one school, by the local part of their e-mail, and the trust administrator.
const ROLES: [&str; 7] = [
    "teacher", "liaison", "office", "senior", "dsl", "head", "admin",
];

/// What a role must get from a sensitive route.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    /// 2xx: the role may do this.
    Allowed,
    /// 403: the role is signed in but may not.
    Forbidden,
}
use Expect::{Allowed, Forbidden};

/// A sensitive route and what each role named must get from it. Roles left out are not pinned.
struct Pinned {
    method: &'static str,
    path: &'static str,
    roles: Vec<(&'static str, Expect)>,
}

fn pinned(method: &'static str, path: &'static str, roles: Vec<(&'static str, Expect)>) -> Pinned {
    Pinned {
        method,
        path,
        roles,
    }
}

/// Allowed for the roles named, forbidden for every other.
fn only(allowed: &[&'static str]) -> Vec<(&'static str, Expect)> {
    ROLES
        .iter()
        .map(|r| {
            (
                *r,
                if allowed.contains(r) {
                    Allowed
                } else {
                    Forbidden
                },
            )
        })
        .collect()
}

/// Forbidden for the roles named.
fn refused(roles: &[&'static str]) -> Vec<(&'static str, Expect)> {
    roles.iter().map(|r| (*r, Forbidden)).collect()
}

fn sensitive() -> Vec<Pinned> {
    let not_leaders = ["teacher", "liaison", "office"];
    vec![
        pinned("post", "/api/schools", only(&["admin"])),
        pinned("get", "/api/audit", only(&["dsl", "head", "admin"])),
        pinned("post", "/api/staff", only(&["head", "admin"])),
        pinned("put", "/api/schools/{id}/policy", only(&["head", "admin"])),
        pinned("post", "/api/visits/{id}/authorise", refused(&not_leaders)),
        pinned("post", "/api/households/{id}/block", refused(&not_leaders)),
        pinned(
            "post",
            "/api/risk-assessments/{id}/sign-off",
            refused(&not_leaders),
        ),
        pinned("post", "/api/concerns/{id}/resolve", refused(&not_leaders)),
        // The office keeps the roll; visiting staff and leaders who are not the head do not.
        pinned(
            "post",
            "/api/imports/ctf",
            vec![
                ("office", Allowed),
                ("head", Allowed),
                ("teacher", Forbidden),
                ("liaison", Forbidden),
                ("dsl", Forbidden),
            ],
        ),
        // Staff accounts are the head's (P6); the office keeps the roll, not the staff list.
        pinned(
            "post",
            "/api/imports/staff",
            vec![
                ("office", Forbidden),
                ("head", Allowed),
                ("teacher", Forbidden),
                ("dsl", Forbidden),
            ],
        ),
    ]
}

/// Real records to put in the paths.
struct Records {
    school: DemoSchool,
    /// A visit waiting for authorisation, with an open safety concern.
    requested_visit: i64,
    /// A visit whose staff are out, with a panic alarm raised.
    out_visit: i64,
    assessment: i64,
    concern: i64,
    alarm: Option<i64>,
}

/// Steps of a visit that is under way, tried on the visit that is out.
const UNDER_WAY: [&str; 11] = [
    "check-in",
    "extend",
    "panic",
    "duress",
    "observations",
    "buddy-handover",
    "arrived",
    "nobody-home",
    "left",
    "returned",
    "information-pack",
];

impl Records {
    async fn create(app: &TestApp) -> Records {
        let school = app.school(DOMAIN).await;
        let teacher = app.login(&school.email("teacher")).await;
        let senior = app.login(&school.email("senior")).await;
        let head = app.login(&school.email("head")).await;
        let assessment = app
            .assess_risk(&senior, school.smith, "medium", "low")
            .await;
        app.sign_off(&senior, assessment)
            .await
            .expect_status(StatusCode::OK);

        let out_visit = app.planned_visit(&teacher, DOMAIN, json!({})).await;
        app.request(&teacher, out_visit)
            .await
            .expect_status(StatusCode::OK);
        app.authorise(&head, out_visit, json!({}))
            .await
            .expect_status(StatusCode::OK);
        app.step(&teacher, out_visit, "sign-out")
            .await
            .expect_status(StatusCode::OK);
        let (status, raised) = app
            .post(
                &teacher,
                &format!("/api/visits/{out_visit}/panic"),
                json!({ "note": "role test" }),
            )
            .await;
        let alarm = (status == StatusCode::CREATED)
            .then(|| raised["alarm_id"].as_i64())
            .flatten();

        let requested_visit = app.planned_visit(&teacher, DOMAIN, json!({})).await;
        app.request(&teacher, requested_visit)
            .await
            .expect_status(StatusCode::OK);
        let concern = app
            .post(
                &teacher,
                &format!("/api/visits/{requested_visit}/concerns"),
                json!({ "concern": "Not sure about going today." }),
            )
            .await
            .expect_status(StatusCode::CREATED);
        Records {
            requested_visit,
            out_visit,
            assessment,
            concern: concern["id"].as_i64().expect("a concern id"),
            alarm,
            school,
        }
    }

    /// The path with a real id in place of each `{…}` parameter, chosen by the collection before it.
    fn fill(&self, path: &str) -> String {
        let segments: Vec<&str> = path.split('/').collect();
        let mut out = Vec::new();
        for (i, segment) in segments.iter().enumerate() {
            if !segment.starts_with('{') {
                out.push(segment.to_string());
                continue;
            }
            let collection = if i > 0 { segments[i - 1] } else { "" };
            let action = segments.get(i + 1).copied().unwrap_or("");
            let id = match collection {
                "visits" if UNDER_WAY.contains(&action) => self.out_visit,
                "visits" => self.requested_visit,
                "households" => self.school.smith,
                "risk-assessments" => self.assessment,
                "staff" => self.school.staff("teacher"),
                "schools" => self.school.id,
                "pupils" => self.school.ava,
                "concerns" => self.concern,
                "alarms" => self.alarm.unwrap_or(1),
                // A collection this test does not know yet: a plausible id still finds bugs.
                _ => 1,
            };
            out.push(id.to_string());
        }
        out.join("/")
    }

    /// A body good enough to reach the route's checks; `{}` where nothing better is known.
    fn body(&self, app: &TestApp, method: &str, path: &str, role: &str) -> Value {
        match (method, path) {
            ("post", "/api/visits") => visit_plan(&self.school, app, json!({})),
            ("post", "/api/schools") => {
                json!({ "name": format!("New school by {role}"), "preset": "harton" })
            }
            ("post", "/api/staff") => json!({
                "name": "New Colleague",
                "email": format!("new.{role}@{DOMAIN}"),
                "roles": ["visiting_staff"],
                "password": "a long enough password",
            }),
            ("put", "/api/schools/{id}/policy") => {
                json!({ "preset": "harton", "change_note": format!("Proposed by {role}") })
            }
            ("post", "/api/imports/staff") => json!({
                "csv": "name,email,mobile,roles\n",
                "dry_run": true,
            }),
            ("post", "/api/imports/ctf") => json!({
                "xml": "<CTfile><CTFpupilData></CTFpupilData></CTfile>",
                "dry_run": true,
            }),
            ("post", "/api/households/{id}/block") => {
                json!({ "reason": "Aggressive on the phone." })
            }
            ("post", "/api/households/{id}/review") => json!({ "note": "Reviewed with the DSL." }),
            ("post", "/api/concerns/{id}/resolve") => json!({ "resolution": "Dealt with." }),
            ("post", "/api/visits/{id}/concerns") => json!({ "concern": "A worry." }),
            ("post", "/api/visits/{id}/cancel") => json!({ "reason": "Family moved the date." }),
            ("post", "/api/visits/{id}/decline" | "/api/visits/{id}/request-changes") => {
                json!({ "comment": "Not today." })
            }
            ("post", "/api/households") => json!({
                "family_name": format!("Family added by {role}"),
                "address": "1 Test Street, South Shields",
                "postcode": "NE33 3PX",
            }),
            ("post", "/api/households/{id}/members") => json!({
                "name": "Alex Smith",
                "relationship": "uncle",
                "parental_responsibility": false,
                "lives_at_address": true,
            }),
            ("post", "/api/households/{id}/cautions") => {
                json!({ "description": "Dog not always shut away.", "source": "neighbour" })
            }
            ("post", "/api/households/{id}/risk-assessments") => risk_assessment("low", "low"),
            ("post", "/api/pupils") => json!({
                "household_id": self.school.smith,
                "name": "Sam Smith",
                "date_of_birth": "2019-09-01",
            }),
            ("post", "/api/staff/{id}/vehicles") => json!({
                "registration": "NE70 ROL",
                "mot_expires": "2027-06-30",
                "business_insurance": true,
            }),
            ("put", "/api/visits/{id}") => {
                let mut plan = visit_plan(&self.school, app, json!({}));
                plan["revision"] = json!(1);
                plan
            }
            ("post", "/api/visits/{id}/reschedule") => json!({
                "planned_leave_school": app.at("13:00"),
                "planned_arrive": app.at("13:20"),
                "planned_leave_property": app.at("14:00"),
                "planned_return": app.at("14:20"),
            }),
            ("post", "/api/visits/{id}/extend") => json!({ "reason": "The family arrived late." }),
            ("post", "/api/visits/{id}/observations") => json!({ "kind": "not_invited_in" }),
            ("post", "/api/alarms/{id}/acknowledge") => json!({ "note": "I am ringing them now." }),
            ("post", "/api/alarms/{id}/resolve") => {
                json!({ "outcome": "Contact made, staff safe." })
            }
            ("post", "/api/me/duress-pin") => json!({ "pin": "4826" }),
            ("post", "/api/login") => {
                json!({ "email": "nobody@reach2.demo", "password": "wrong password" })
            }
            _ => json!({}),
        }
    }
}

#[tokio::test]
async fn every_route_is_tried_by_every_role_and_by_an_anonymous_client() {
    for_each_backend(|app| async move {
        let records = Records::create(&app).await;
        let mut clients: BTreeMap<&str, Session> = BTreeMap::new();
        for role in ROLES {
            let email = match role {
                "admin" => TRUST_ADMIN.to_string(),
                local => records.school.email(local),
            };
            clients.insert(role, app.login(&email).await);
        }
        let anonymous = Session::anonymous();

        let spec = app
            .get(&anonymous, "/api/openapi.json")
            .await
            .expect_status(StatusCode::OK);
        let mut routes: Vec<(String, String)> = spec["paths"]
            .as_object()
            .expect("the OpenAPI document lists paths")
            .iter()
            .flat_map(|(path, item)| {
                item.as_object()
                    .expect("a path item")
                    .keys()
                    .filter(|m| ["get", "post", "put", "patch", "delete"].contains(&m.as_str()))
                    .map(|m| (m.clone(), path.clone()))
                    .collect::<Vec<_>>()
            })
            .collect();
        assert!(
            routes.len() > 30,
            "only {} routes in the document",
            routes.len()
        );
        // Signing out ends the session, so it goes last.
        routes.sort_by_key(|(_, path)| path == "/api/logout");

        let expectations = sensitive();
        for Pinned { method, path, .. } in &expectations {
            assert!(
                routes.iter().any(|(m, p)| m == method && p == path),
                "{method} {path} is no longer in the OpenAPI document"
            );
        }

        let mut failures = Vec::new();
        for (method, path) in &routes {
            let uri = records.fill(path);
            let http_method =
                Method::from_bytes(method.to_uppercase().as_bytes()).expect("a method");
            let with_body = method != "get" && method != "delete";

            let body = with_body.then(|| records.body(&app, method, path, "anonymous"));
            let (status, answer) = app.send(&anonymous, http_method.clone(), &uri, body).await;
            // Signing in is open to all; signing out always clears the cookie, session or not.
            // So are asking for a reset link and using one (the link carries its own secret).
            let open = path == "/api/login"
                || path == "/api/logout"
                || path.starts_with("/api/password-reset");
            // Outside /api, an address carries its own secret (a calendar feed's token): a made-up
            // one must get nothing, but "not found" is the right answer rather than "sign in".
            // The SMS gateway's inbound route is signed with the gateway's secret, not a session.
            let own_secret = !path.starts_with("/api/") || path == "/api/sms/inbound";
            let refused = if own_secret {
                status.is_client_error()
            } else {
                status == StatusCode::UNAUTHORIZED
            };
            if !open && !refused {
                failures.push(format!("anonymous {method} {uri}: {status} {answer}"));
            }
            if status.is_server_error() || (status.is_client_error() && !names_field(&answer)) {
                failures.push(format!("anonymous {method} {uri}: {status} {answer}"));
            }

            for role in ROLES {
                let body = with_body.then(|| records.body(&app, method, path, role));
                let (status, answer) = app
                    .send(&clients[role], http_method.clone(), &uri, body)
                    .await;
                if status.is_server_error() {
                    failures.push(format!("{role} {method} {uri}: {status} {answer}"));
                }
                if status == StatusCode::UNAUTHORIZED && path != "/api/login" {
                    failures.push(format!(
                        "{role} {method} {uri}: signed in but told 401 {answer}"
                    ));
                }
                let expected = expectations
                    .iter()
                    .find(|e| e.method == method && e.path == path)
                    .and_then(|e| e.roles.iter().find(|(r, _)| *r == role))
                    .map(|(_, e)| *e);
                match expected {
                    Some(Allowed) if !status.is_success() => failures.push(format!(
                        "{role} {method} {uri}: expected success, got {status} {answer}"
                    )),
                    Some(Forbidden) if status != StatusCode::FORBIDDEN => failures.push(format!(
                        "{role} {method} {uri}: expected 403, got {status} {answer}"
                    )),
                    _ => {}
                }
                if status.is_client_error() && !names_field(&answer) {
                    failures.push(format!(
                        "{role} {method} {uri}: {status} without field and reason: {answer}"
                    ));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} on {}:\n{}",
            failures.len(),
            app.backend,
            failures.join("\n")
        );
    })
    .await;
}

/// A 4xx answer in the API's shape: `field` (null when no one field is at fault) and `reason`.
fn names_field(answer: &Value) -> bool {
    answer.get("field").is_some() && answer["reason"].is_string()
}
