//! Crash and restart, and two instances on one PostgreSQL: every alarm fires once, none twice,
//! and every acknowledged check-in is still there.

use crate::process::{Client, Doorstep, eventually, seed};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::{Duration, Instant};

pub(crate) const T0: &str = "2026-11-23T09:00:00Z";
/// Four hours on: every deadline of the visits below, and every rung of every ladder, has passed.
const LATER: &str = "2026-11-23T13:00:00Z";
/// The Harton ladder has four levels; each missed deadline raises one alarm. Staff who never
/// left the property owe a check-in and leaving it; getting back is owed once they have left.
const LEVELS: usize = 4;
const KINDS: [&str; 2] = ["missed_check_in", "overdue_leaving"];

fn at(minutes: i64) -> String {
    (chrono::DateTime::parse_from_rfc3339(T0).expect("T0") + chrono::Duration::minutes(minutes))
        .to_rfc3339()
}

/// Plans, authorises and signs out `count` Harton visits, each with one acknowledged check-in.
/// Returns (visit id, check-in note) pairs.
pub(crate) fn visits_out(d: &Doorstep, count: usize) -> Vec<(i64, String)> {
    let teacher = d.login("teacher@harton.demo");
    let head = d.login("head@harton.demo");
    let me = teacher.must(teacher.get("/api/me"), "me");
    let school = me["school_id"].as_i64().expect("school");
    let staff = teacher.must(teacher.get("/api/staff"), "staff");
    let liaison = staff
        .as_array()
        .expect("list")
        .iter()
        .find(|s| s["email"] == "liaison@harton.demo")
        .expect("liaison")["id"]
        .clone();
    let pupils = teacher.must(
        teacher.get(&format!("/api/pupils?school_id={school}")),
        "pupils",
    );
    let ava = pupils
        .as_array()
        .expect("list")
        .iter()
        .find(|p| p["name"] == "Ava Smith")
        .expect("Ava")["id"]
        .clone();
    let mut out = Vec::new();
    for i in 0..count {
        let plan = json!({
            "pupil_id": ava, "reason_category": "attendance_concern", "purpose": format!("Attendance visit {i}"),
            "parents_could_come_in": false, "appointment": { "kind": "agreed", "agenda": "attendance" },
            "planned_leave_school": at(5), "planned_arrive": at(15), "planned_leave_property": at(60), "planned_return": at(80),
            "returns_to": "school", "visitors": [{ "staff_id": me["id"], "role_on_visit": "class teacher" }],
            "buddy_staff_id": liaison, "code_word": "Can you tell Mr Jones I will be late",
        });
        let visit = teacher.must(teacher.post("/api/visits", plan), "plan");
        let id = visit["visit"]["id"].as_i64().expect("visit id");
        teacher.must(
            teacher.post(&format!("/api/visits/{id}/request"), json!({})),
            "request",
        );
        head.must(
            head.post(
                &format!("/api/visits/{id}/authorise"),
                json!({ "comment": "ok" }),
            ),
            "authorise",
        );
        teacher.must(
            teacher.post(&format!("/api/visits/{id}/sign-out"), json!({})),
            "sign out",
        );
        let note = format!("arrived safely, visit {i}");
        teacher.must(
            teacher.post(
                &format!("/api/visits/{id}/check-in"),
                json!({ "note": note, "client_ref": format!("phone-{i}") }),
            ),
            "check in",
        );
        out.push((id, note));
    }
    out
}

/// Every alarm of the school, with the ladder levels each has fired.
fn alarms_with_levels(office: &Client) -> Vec<(Value, Vec<i64>)> {
    let (_, alarms) = office.get("/api/alarms");
    let mut out = Vec::new();
    for a in alarms.as_array().cloned().unwrap_or_default() {
        let id = a["id"].as_i64().expect("alarm id");
        let (_, detail) = office.get(&format!("/api/alarms/{id}"));
        let levels = detail["levels_fired"]
            .as_array()
            .map(|l| l.iter().filter_map(|x| x["level"].as_i64()).collect())
            .unwrap_or_default();
        out.push((a, levels));
    }
    out
}

fn all_fired(office: &Client, visits: usize) -> Option<Vec<(Value, Vec<i64>)>> {
    let alarms = alarms_with_levels(office);
    if std::env::var("DEBUG_LIVE").is_ok() {
        eprintln!(
            "{} alarms: {:?}",
            alarms.len(),
            alarms
                .iter()
                .map(|(a, l)| (a["kind"].clone(), l.clone()))
                .collect::<Vec<_>>()
        );
    }
    let complete = alarms.len() >= visits * KINDS.len()
        && alarms.iter().all(|(_, levels)| levels.len() >= LEVELS);
    complete.then_some(alarms)
}

/// Exactly one alarm per visit and missed deadline, and each ladder level fired once.
fn assert_once_each(alarms: &[(Value, Vec<i64>)], visits: &[(i64, String)]) {
    let mut per_visit_kind: HashMap<(i64, String), usize> = HashMap::new();
    for (a, levels) in alarms {
        *per_visit_kind
            .entry((
                a["visit_id"].as_i64().expect("visit"),
                a["kind"].as_str().expect("kind").to_string(),
            ))
            .or_default() += 1;
        let mut sorted = levels.clone();
        sorted.sort();
        assert_eq!(
            sorted,
            (0..LEVELS as i64).collect::<Vec<_>>(),
            "alarm {} fired levels {levels:?}",
            a["id"]
        );
    }
    for (visit, _) in visits {
        for kind in KINDS {
            assert_eq!(
                per_visit_kind.get(&(*visit, kind.to_string())),
                Some(&1),
                "visit {visit}: {kind}"
            );
        }
    }
    assert_eq!(alarms.len(), visits.len() * KINDS.len(), "no other alarms");
}

fn assert_check_ins_kept(d: &Doorstep, visits: &[(i64, String)]) {
    let teacher = d.login("teacher@harton.demo");
    for (id, note) in visits {
        let detail = teacher.must(teacher.get(&format!("/api/visits/{id}")), "visit");
        let notes: Vec<&str> = detail["check_ins"]
            .as_array()
            .expect("check-ins")
            .iter()
            .filter_map(|c| c["note"].as_str())
            .collect();
        assert_eq!(notes, [note.as_str()], "visit {id}'s acknowledged check-in");
    }
}

#[test]
fn alarms_that_fell_due_while_doorstep_was_killed_fire_once_on_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("doorstep.db").display()
    );
    seed(&url, T0);
    let first = Doorstep::start(&url, T0, "first");
    let visits = visits_out(&first, 3);
    first.kill9();

    // Four hours "later": every check-in, leaving and return deadline has passed.
    let restarted = Instant::now();
    let second = Doorstep::start(&url, LATER, "second");
    let office = second.login("office@harton.demo");
    let fired = eventually(Duration::from_secs(60), || all_fired(&office, visits.len()));
    eprintln!(
        "restart to every overdue alarm fired: {:?}",
        restarted.elapsed()
    );
    assert_once_each(&fired, &visits);
    // Killed again straight after, and restarted: nothing fires a second time.
    second.kill9();
    let third = Doorstep::start(&url, LATER, "third");
    let office = third.login("office@harton.demo");
    let health = office.get("/healthz");
    assert_eq!(health.0, 200, "{health:?}");
    std::thread::sleep(Duration::from_secs(2)); // two monitor passes of the new process
    assert_once_each(&alarms_with_levels(&office), &visits);
    assert_check_ins_kept(&third, &visits);
}

#[test]
fn two_instances_on_one_postgresql_fire_each_alarm_once_when_one_is_killed() {
    let Some(url) = testkit::fresh_postgres_url() else {
        eprintln!("PostgreSQL is not installed here; skipped");
        return;
    };
    seed(&url, T0);
    let planner = Doorstep::start(&url, T0, "planner");
    let visits = visits_out(&planner, 12);
    planner.kill9();

    let a = Doorstep::start(&url, LATER, "instance-a");
    let b = Doorstep::start(&url, LATER, "instance-b");
    let office = b.login("office@harton.demo");
    // Kill one instance while the ladders are still being climbed.
    eventually(Duration::from_secs(60), || {
        (!alarms_with_levels(&office).is_empty()).then_some(())
    });
    a.kill9();
    let fired = eventually(Duration::from_secs(90), || all_fired(&office, visits.len()));
    assert_once_each(&fired, &visits);
    // Every e-mail-less delivery (in-app) was queued once per person, level and channel.
    for (alarm, _) in &fired {
        let (_, detail) = office.get(&format!("/api/alarms/{}", alarm["id"]));
        let mut seen = std::collections::HashSet::new();
        for d in detail["deliveries"].as_array().expect("deliveries") {
            let key = d["idempotency_key"].as_str().expect("key").to_string();
            assert!(seen.insert(key.clone()), "delivered twice: {key}");
        }
    }
    assert_check_ins_kept(&b, &visits);
}
