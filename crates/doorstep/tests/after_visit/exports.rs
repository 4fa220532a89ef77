//! G4, P7: the visits CSV opens in a spreadsheet with one row per visit and no broken quoting,
//! from the API and from `doorstep export`; the iCalendar feed parses with a real parser and a
//! revoked link stops at once.

use crate::harness::{App, School, expect, for_each_backend};
use axum::http::{Method, StatusCode};
use serde_json::json;

const PUPIL: &str = "=HYPERLINK(\"http://evil.example\",\"Zoë\")";
const FAMILY: &str = "O'Brien, \"Jo\"";
const ADDRESS: &str = "Flat 2, \"The Maltings\"\n10 High Street, South Shields";
const PURPOSE: &str = "+SUM(1,2) check in; \"urgent\", she said\nsecond line";

/// A household and pupil with names a spreadsheet chokes on, and a visit to them; plus the usual
/// visit to Ava. Returns the two visit ids.
async fn awkward_visits(app: &App, school: &School) -> (i64, i64) {
    let head = app.login(&school.email("head")).await;
    let household = json!({ "family_name": FAMILY, "address": ADDRESS, "postcode": "ne33 3px" });
    let household = expect(
        app.post(&head, "/api/households", household).await,
        StatusCode::CREATED,
    );
    let household_id = household["id"].as_i64().unwrap();
    let pupil = json!({ "household_id": household_id, "name": PUPIL, "date_of_birth": "2016-02-29", "year_group": "Year 5" });
    let pupil = expect(
        app.post(&head, "/api/pupils", pupil).await,
        StatusCode::CREATED,
    );
    let awkward = app
        .plan(
            school,
            "13:00",
            json!({ "pupil_id": pupil["id"], "purpose": PURPOSE }),
        )
        .await;
    let usual = app.plan(school, "10:00", json!({})).await;
    (awkward, usual)
}

/// Reads a CSV as a spreadsheet would, after its byte-order mark if it has one.
fn parse_csv(bytes: &[u8]) -> (Vec<String>, Vec<csv::StringRecord>) {
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.expect("a well-formed row"))
        .collect();
    (headers, rows)
}

fn check_rows(headers: &[String], rows: &[csv::StringRecord], awkward: i64, usual: i64) {
    assert_eq!(rows.len(), 2, "one row per visit");
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    for row in rows {
        assert_eq!(row.len(), headers.len(), "every row has every column");
    }
    let row = rows
        .iter()
        .find(|r| r[col("visit_id")] == awkward.to_string())
        .expect("the awkward visit");
    assert_eq!(
        &row[col("pupil")],
        format!("'{PUPIL}"),
        "a formula is neutralised"
    );
    assert_eq!(&row[col("family")], FAMILY);
    assert_eq!(&row[col("address")], ADDRESS);
    assert_eq!(&row[col("purpose")], format!("'{PURPOSE}"));
    assert_eq!(&row[col("postcode")], "NE33 3PX");
    assert_eq!(&row[col("staff")], "Lina Liaison; Tom Teacher");
    assert!(rows.iter().any(|r| r[col("visit_id")] == usual.to_string()));
}

#[tokio::test]
async fn the_visits_csv_has_one_row_per_visit_whatever_the_names_and_neutralises_formulas() {
    for_each_backend(|app| async move {
        let school = app.school("stjosephs.demo").await;
        let (awkward, usual) = awkward_visits(&app, &school).await;
        let dsl = app.login(&school.email("dsl")).await;
        let (status, headers, bytes) = app
            // Today's visits: the demo's history is older.
            .raw(
                &dsl,
                Method::GET,
                "/api/exports/visits.csv?from=2026-11-23",
                None,
            )
            .await;
        assert_eq!(
            status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&bytes)
        );
        assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
        assert!(
            headers["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment")
        );
        assert!(
            bytes.starts_with("\u{feff}".as_bytes()),
            "a download has Excel's byte-order mark"
        );
        let (names, rows) = parse_csv(&bytes);
        check_rows(&names, &rows, awkward, usual);

        // Filters on the day staff leave school.
        let (_, _, bytes) = app
            .raw(
                &dsl,
                Method::GET,
                "/api/exports/visits.csv?from=2026-11-24",
                None,
            )
            .await;
        assert!(parse_csv(&bytes).1.is_empty());
        let (_, _, bytes) = app
            .raw(
                &dsl,
                Method::GET,
                "/api/exports/visits.csv?from=2026-11-23&to=2026-11-23",
                None,
            )
            .await;
        assert_eq!(parse_csv(&bytes).1.len(), 2);
        let body = expect(
            app.get(&dsl, "/api/exports/visits.csv?from=23/11/2026")
                .await,
            StatusCode::BAD_REQUEST,
        );
        assert_eq!(body["field"], "from");
        // The export is the DSL's and the head's: it carries every child's outcomes. It is audited.
        let teacher = app.login(&school.email("teacher")).await;
        expect(
            app.get(&teacher, "/api/exports/visits.csv").await,
            StatusCode::FORBIDDEN,
        );
        let trail = expect(app.get(&dsl, "/api/audit").await, StatusCode::OK);
        assert!(
            trail
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["action"] == "visits.export_read")
        );

        // The same CSV from the command line, for scheduled jobs.
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_doorstep"))
            .args([
                "export",
                "visits",
                "--format",
                "csv",
                "--school",
                &school.id.to_string(),
                "--from",
                "2026-11-23",
            ])
            .env("DOORSTEP_DATABASE_URL", &app.url)
            // The harness wrote the code words with the test key.
            .env("DOORSTEP_SECRET_KEY", store::Secrets::TEST_KEY_HEX)
            .env("RUST_LOG", "error")
            .output()
            .expect("the doorstep binary runs");
        assert!(
            out.status.success(),
            "doorstep export failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stdout.starts_with(b"visit_id,"),
            "no byte-order mark for scripts"
        );
        let (names, rows) = parse_csv(&out.stdout);
        check_rows(&names, &rows, awkward, usual);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_doorstep"))
            .args(["export", "visits", "--school", "No Such School"])
            .env("DOORSTEP_DATABASE_URL", &app.url)
            // The harness wrote the code words with the test key.
            .env("DOORSTEP_SECRET_KEY", store::Secrets::TEST_KEY_HEX)
            .output()
            .unwrap();
        assert!(!out.status.success());
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("--school"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    })
    .await;
}

fn events(ics: &str) -> Vec<(String, String)> {
    let unfolded = icalendar::parser::unfold(ics);
    let cal = icalendar::parser::read_calendar(&unfolded).expect("a valid iCalendar file");
    cal.components
        .iter()
        .filter(|c| c.name.as_str() == "VEVENT")
        .map(|e| {
            let get = |k: &str| {
                e.find_prop(k)
                    .map(|p| p.val.as_str().to_string())
                    .unwrap_or_default()
            };
            (get("UID"), get("SUMMARY"))
        })
        .collect()
}

#[tokio::test]
async fn the_calendar_feed_parses_and_a_revoked_link_stops_at_once() {
    for_each_backend(|app| async move {
        let school = app.school("stjosephs.demo").await;
        let visit = app.authorised_visit(&school, "10:00", json!({})).await;
        let teacher = app.login(&school.email("teacher")).await;
        let link = expect(
            app.post(&teacher, "/api/calendar-links", json!({ "scope": "mine" }))
                .await,
            StatusCode::CREATED,
        );
        let url = link["url"].as_str().unwrap().to_string();
        assert!(url.starts_with("/ical/") && url.ends_with(".ics"));

        let (status, headers, bytes) = app.anonymous_get(&url).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/calendar")
        );
        let ics = String::from_utf8(bytes).unwrap();
        assert!(ics.parse::<icalendar::Calendar>().is_ok(), "{ics}");
        let evs = events(&ics);
        assert_eq!(evs.len(), 1, "{ics}");
        assert_eq!(evs[0].0, format!("visit-{visit}@doorstep"));
        assert!(evs[0].1.contains("Tom Teacher"));
        assert!(
            !ics.contains("Ava") && !ics.contains("Smith"),
            "no child or family in a calendar: {ics}"
        );

        // The school's calendar of whereabouts is for the office and leaders.
        expect(
            app.post(
                &teacher,
                "/api/calendar-links",
                json!({ "scope": "school" }),
            )
            .await,
            StatusCode::FORBIDDEN,
        );
        let office = app.login(&school.email("office")).await;
        let school_link = expect(
            app.post(&office, "/api/calendar-links", json!({ "scope": "school" }))
                .await,
            StatusCode::CREATED,
        );
        let (_, _, bytes) = app
            .anonymous_get(school_link["url"].as_str().unwrap())
            .await;
        let all = events(&String::from_utf8(bytes).unwrap());
        assert!(
            all.iter()
                .any(|(uid, _)| *uid == format!("visit-{visit}@doorstep")),
            "{all:?}"
        );
        assert!(all.len() > 1, "and the school's other visits: {all:?}");

        // Revoked: gone at once. Nobody else may revoke my link; a wrong secret is not found.
        let id = link["link"]["id"].as_i64().unwrap();
        expect(
            app.delete(&office, &format!("/api/calendar-links/{id}"))
                .await,
            StatusCode::NOT_FOUND,
        );
        expect(
            app.delete(&teacher, &format!("/api/calendar-links/{id}"))
                .await,
            StatusCode::OK,
        );
        assert_eq!(app.anonymous_get(&url).await.0, StatusCode::NOT_FOUND);
        assert_eq!(
            app.anonymous_get("/ical/not-a-secret.ics").await.0,
            StatusCode::NOT_FOUND
        );
        let mine = expect(
            app.get(&teacher, "/api/calendar-links").await,
            StatusCode::OK,
        );
        assert!(mine[0]["revoked_at"].is_string());
    })
    .await;
}
