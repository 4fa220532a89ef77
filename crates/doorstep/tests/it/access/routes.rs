//! Every route that reads one record by its id — each JSON route in the OpenAPI description and
//! each page of the web app, found in the server's source — is mapped to its record class, and
//! asked by every demo role: whoever the class's access decision refuses gets "not found" (or
//! "not allowed") from the route too. A route that reads a record without asking the decision
//! answers someone the decision refuses, and fails here; a new route that reads by id and is in
//! no class fails [`every_route_that_reads_a_record_by_id_asks_its_access_decision`] until it is
//! mapped.

use super::{Got, PEOPLE, World};
use crate::helpers::{Answer, TestApp, for_each_backend};
use app::access::RecordClass;
use axum::http::{Method, StatusCode};
use std::collections::BTreeSet;

/// What a route with an id reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Reads {
    Class(RecordClass),
    /// Not a need-to-know record: the school's directory of staff, schools and pupils' names
    /// (everyone at the school plans with them), or an address that carries its own secret.
    Directory,
}

/// The record class a GET route reads, by its path template; `None` when nobody has said.
pub(super) fn reads(path: &str) -> Option<Reads> {
    use RecordClass::*;
    let class = |c| Some(Reads::Class(c));
    let after = |prefix: &str| path.strip_prefix(prefix);
    // The record of a visit after it (outcome, actions, slip) is the child's record.
    if let Some(rest) = after("/api/visits/{id}").or_else(|| after("/visits/{id}")) {
        return match rest {
            "/outcome" | "/record.pdf" | "/slip" | "/slip.pdf" | "/child-missing"
            | "/child-missing.pdf" => class(Chronology),
            _ => class(Visit),
        };
    }
    // The panic button's confirm page: those who may press panic on the visit.
    if path == "/authorise/{id}" || path == "/today/{id}/panic-confirm" {
        return class(Visit);
    }
    if let Some(rest) = after("/api/pupils/{id}").or_else(|| after("/pupils/{id}")) {
        return match rest {
            // One entry of the roll (B1): whole, by name, or refused as the roll's decision.
            "" if path.starts_with("/api") => class(Roll),
            // The pupil's page shows their household's visits.
            "" => class(Household),
            _ => class(Chronology),
        };
    }
    let by_collection = [
        ("/api/households/{id}", Household),
        ("/households/{id}", Household),
        ("/api/risk-assessments/{id}", Household),
        ("/api/safeguarding-concerns/{id}", SafeguardingConcern),
        ("/api/incidents/{id}", Incident),
        ("/incidents/{id}", Incident),
        ("/api/head-only-records/{id}", HeadOnly),
        ("/api/alarms/{id}", Alarm),
    ];
    for (prefix, c) in by_collection {
        if path.starts_with(prefix) {
            return class(c);
        }
    }
    let directory = [
        "/api/schools/{id}",
        "/api/staff/{id}",
        "/staff/{id}",
        "/ical/{file}",
        "/reset-password/{token}",
        "/policy/{school}",
        // A draft of a school's policy: read by whoever may read that school's policy.
        "/api/policy-drafts/{id}",
        "/static/",
    ];
    directory
        .iter()
        .any(|d| path.starts_with(d))
        .then_some(Reads::Directory)
}

/// GET routes of the web app with a parameter.
fn page_routes() -> Vec<String> {
    let mut routes = source_get_routes();
    routes.retain(|r| r.contains('{'));
    routes
}

/// GET routes of the web app, read from the server's source (axum cannot list its routes):
/// every `.route("…", get(…))`.
pub(super) fn source_get_routes() -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../server/src");
    let mut files = vec![root];
    let mut routes = Vec::new();
    while let Some(path) = files.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).expect("reading the server's source") {
                files.push(entry.expect("a directory entry").path());
            }
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("reading a source file");
        let flat: String = text.split_whitespace().collect();
        for piece in flat.split(".route(\"").skip(1) {
            let Some((route, rest)) = piece.split_once('"') else {
                continue;
            };
            let rest = rest.trim_start_matches(',');
            if rest.starts_with("get(") {
                routes.push(route.to_string());
            }
        }
    }
    routes.sort();
    routes.dedup();
    routes
}

/// JSON GET routes with a parameter, from the OpenAPI description.
async fn api_routes(app: &TestApp, world: &World) -> Vec<String> {
    let mut routes = all_api_routes(app, world).await;
    routes.retain(|r| r.contains('{'));
    routes
}

/// Every JSON GET route, from the OpenAPI description.
pub(super) async fn all_api_routes(app: &TestApp, world: &World) -> Vec<String> {
    let spec = app
        .get(&world.sessions["head"], "/api/openapi.json")
        .await
        .expect_status(StatusCode::OK);
    spec["paths"]
        .as_object()
        .expect("the OpenAPI document lists paths")
        .iter()
        .filter(|(_, item)| item.get("get").is_some())
        .map(|(path, _)| path.clone())
        .collect()
}

/// The id to put in the path for the record the class's decision was asked about.
pub(super) fn fill(path: &str, class: RecordClass, world: &World) -> String {
    let id = match class {
        RecordClass::Visit => world.visit.0,
        RecordClass::Chronology if path.contains("pupils") => world.pupil.0,
        RecordClass::Chronology => world.visit.0,
        RecordClass::Household if path.contains("pupils") => world.pupil.0,
        RecordClass::Household if path.contains("risk-assessments/") => return String::new(),
        RecordClass::Household => world.household.0,
        RecordClass::SafeguardingConcern => world.concern,
        RecordClass::Incident => world.incident,
        RecordClass::HeadOnly => world.about_staff,
        RecordClass::AuditRow => 0,
        RecordClass::Alarm => world.alarm,
        RecordClass::Roll => world.pupil.0,
        RecordClass::HouseholdRegister => world.household.0,
    };
    path.replacen("{id}", &id.to_string(), 1)
}

#[tokio::test]
async fn every_route_that_reads_a_record_by_id_asks_its_access_decision() {
    for_each_backend(|app| async move {
        let world = World::create(&app).await;
        let use_cases = app.use_cases();
        let mut routes = api_routes(&app, &world).await;
        let pages = page_routes();
        assert!(
            pages.iter().any(|p| p == "/visits/{id}"),
            "no pages found in {pages:?}"
        );
        routes.extend(pages);

        let mut unmapped = Vec::new();
        let mut leaks = Vec::new();
        let mut answered: BTreeSet<String> = BTreeSet::new();
        for path in &routes {
            let class = match reads(path) {
                Some(Reads::Class(class)) => class,
                Some(Reads::Directory) => continue,
                None => {
                    unmapped.push(path.clone());
                    continue;
                }
            };
            let uri = fill(path, class, &world);
            if uri.is_empty() || uri.contains('{') {
                continue;
            }
            for who in PEOPLE {
                let staff = &world.people[who];
                let decided = world.ask(&use_cases, class, staff).await[0];
                let (status, answer) = app
                    .send(&world.sessions[who], Method::GET, &uri, None)
                    .await;
                let refused = status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN;
                // A list's entry by name only is an answer the decision allows.
                if decided != Got::Yes && decided != Got::Names && !refused {
                    let answer: String = answer.to_string().chars().take(160).collect();
                    leaks.push(format!(
                        "{who} GET {uri}: {status} {answer} (decision: {decided:?})"
                    ));
                }
                if status.is_success() {
                    answered.insert(format!("{class:?}"));
                }
            }
        }
        assert!(
            unmapped.is_empty(),
            "routes that read by id with no record class (map them in `reads`):\n{}",
            unmapped.join("\n")
        );
        assert!(
            leaks.is_empty(),
            "on {}:\n{}",
            app.backend,
            leaks.join("\n")
        );
        // The walk reached real records: each class was read by someone allowed to.
        for class in [
            "Visit",
            "Chronology",
            "Household",
            "SafeguardingConcern",
            "Incident",
            "HeadOnly",
            "Alarm",
        ] {
            assert!(
                answered.contains(class),
                "no route of {class} answered anyone: {answered:?}"
            );
        }
    })
    .await;
}
