//! G5 through the routes: the governors' report as JSON, each table as CSV, the PDF
//! (`pdftotext`) and the page with its SVG charts, for a day of visits at Harton; no child's name
//! or address anywhere; a teacher refused on every route; the trust's report sums its schools.

use super::*;
use app::reports::GovernorsReport;

/// The demo's Smith pupil and household address, which a governors' report must never show.
const NEVER: [&str; 6] = [
    "Ava",
    "Zara",
    "Westoe Road",
    "Ocean Road",
    "Okafor",
    "Marsden",
];

fn range() -> String {
    format!("from={}&to={}", today(), today())
}

/// The text of a PDF, through `pdftotext -layout`, whitespace runs made single spaces per line.
fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, bytes).expect("writing the PDF");
    let out = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext is installed");
    assert!(out.status.success(), "pdftotext failed on the report");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

fn count(list: &Value, label: &str) -> i64 {
    list.as_array()
        .and_then(|a| a.iter().find(|c| c["label"] == label))
        .map_or(0, |c| c["count"].as_i64().unwrap_or(0))
}

#[tokio::test]
async fn governors_see_a_day_of_visits_as_json_csv_pdf_and_charts_and_a_teacher_may_not() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let head = app.login(&school.email("head")).await;
        let teacher = app.login(&school.email("teacher")).await;
        let json_path = format!("/api/reports/governors?school_id={}&{}", school.id, range());
        let before = app.get(&head, &json_path).await.expect_status(OK);

        // One visit made by two staff, one declined with the pupil named in the reason.
        let made = app.planned_visit(&teacher, "harton.demo", json!({})).await;
        app.request(&teacher, made).await.expect_status(OK);
        app.authorise(&head, made, json!({}))
            .await
            .expect_status(OK);
        app.walk_visit(&teacher, made).await;
        let declined = app.planned_visit(&teacher, "harton.demo", json!({})).await;
        app.request(&teacher, declined).await.expect_status(OK);
        let why = json!({ "comment": "Ava's stepdad Mr Okafor at 3 Marsden Lane is visiting on Friday instead." });
        app.post(&head, &format!("/api/visits/{declined}/decline"), why)
            .await
            .expect_status(OK);

        let after = app.get(&head, &json_path).await.expect_status(OK);
        let delta = |f: &str| after[f].as_i64().unwrap_or(0) - before[f].as_i64().unwrap_or(0);
        assert_eq!(after["title"], "Harton Academy", "{after}");
        assert_eq!(delta("visits"), 2, "{after}");
        assert_eq!(delta("paired_visits"), 1, "{after}");
        assert_eq!(delta("authorised"), 1, "{after}");
        assert_eq!(delta("declined"), 1, "{after}");
        let outcome = |r: &Value, l: &str| count(&r["visits_by_outcome"], l);
        assert_eq!(
            outcome(&after, "visit made") - outcome(&before, "visit made"),
            1
        );
        // B3: counted by the visit's reason category; the decider's words (an adult's surname,
        // an address) are not in the report.
        let reasons = after["declined_reasons"].to_string();
        assert!(!reasons.contains("Okafor") && !reasons.contains("Marsden"), "{reasons}");
        let declined_rows: i64 = after["declined_reasons"].as_array().map_or(0, |a| a.iter().map(|c| c["count"].as_i64().unwrap_or(0)).sum());
        assert_eq!(declined_rows, after["declined"].as_i64().unwrap_or(-1), "{after}");

        // Every table as CSV, for a spreadsheet; none names a child.
        let query = format!("school_id={}&{}", school.id, range());
        for table in GovernorsReport::TABLE_NAMES {
            let csv = app
                .download(
                    &head,
                    &format!("/api/reports/governors.csv?table={table}&{query}"),
                )
                .await;
            assert_eq!(csv.status, OK, "{table}");
            assert!(csv.content_type.starts_with("text/csv"), "{table}");
            let text = String::from_utf8(csv.bytes).expect("CSV is UTF-8");
            assert!(text.starts_with('\u{feff}'), "{table}: no byte-order mark");
            for never in NEVER {
                assert!(!text.contains(never), "{table} names {never}: {text}");
            }
            if table == "staffing" {
                let paired = after["paired_visits"].as_i64().unwrap_or(0);
                assert!(text.contains(&format!(",{paired}\n")), "{text}");
            }
        }
        let bad = app
            .get(
                &head,
                &format!("/api/reports/governors.csv?table=pupils&{query}"),
            )
            .await
            .expect_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad["field"], "table", "{bad}");

        // The PDF.
        let pdf = app
            .download(&head, &format!("/api/reports/governors.pdf?{query}"))
            .await;
        assert_eq!(pdf.status, OK);
        assert_eq!(pdf.content_type, "application/pdf");
        let text = pdf_text(&pdf.bytes);
        assert!(text.contains("Home visits report for governors"), "{text}");
        assert!(text.contains("Harton Academy"), "{text}");
        let made_line = format!("visit made {}", outcome(&after, "visit made"));
        assert!(text.lines().any(|l| l == made_line), "{made_line}: {text}");
        for never in NEVER {
            assert!(!text.contains(never), "the PDF names {never}: {text}");
        }

        // The page: charts drawn on the server, links to each CSV and the PDF.
        let (status, html) = app.get(&head, &format!("/reports/governors?{query}")).await;
        let html = html.as_str().unwrap_or_default().to_string();
        assert_eq!(status, OK, "{html}");
        // Visits by reason and by outcome drawn; no alarm was raised, so that chart says so.
        assert!(html.contains("<svg id=\"chart-reason\""), "{html}");
        assert!(html.contains("<svg id=\"chart-outcome\""), "{html}");
        // Every figure is also text for a screen reader, in the chart's description.
        let desc = html
            .split("<desc id=\"chart-outcome-desc\">")
            .nth(1)
            .unwrap_or_default();
        assert!(
            desc.split("</desc>")
                .next()
                .unwrap_or_default()
                .contains("visit made: "),
            "{html}"
        );
        assert!(html.contains("Visits by reason"), "{html}");
        assert!(html.contains("/api/reports/governors.pdf?"), "{html}");
        assert!(html.contains("table=visits_by_outcome"), "{html}");
        assert!(!html.contains("<script>"), "readable without JavaScript");
        for never in NEVER {
            assert!(!html.contains(never), "the page names {never}");
        }

        // A teacher is refused on every route.
        for path in [
            json_path.clone(),
            format!("/api/reports/governors.csv?table=visits_by_reason&{query}"),
            format!("/api/reports/governors.pdf?{query}"),
            format!("/reports/governors?{query}"),
        ] {
            let answer = app.download(&teacher, &path).await;
            assert_eq!(answer.status, FORBIDDEN, "{path}");
            let body = String::from_utf8_lossy(&answer.bytes);
            assert!(!body.contains("Harton Academy</"), "{path}: {body}");
        }
    })
    .await;
}

#[tokio::test]
async fn the_trust_report_sums_its_schools() {
    for_each_backend(|app| async move {
        let harton = app.school("harton.demo").await;
        let teacher = app.login(&harton.email("teacher")).await;
        let head = app.login(&harton.email("head")).await;
        let visit = app.planned_visit(&teacher, "harton.demo", json!({})).await;
        app.request(&teacher, visit).await.expect_status(OK);
        app.authorise(&head, visit, json!({}))
            .await
            .expect_status(OK);
        app.walk_visit(&teacher, visit).await;

        let admin = app.login(TRUST_ADMIN).await;
        let report = format!("/api/reports/governors?{}", range());
        let before = app.get(&admin, &report).await.expect_status(OK);
        // G2: Harton's teacher confirms reading the policy; the trust's count moves by one.
        app.post(
            &teacher,
            &format!("/api/schools/{}/policy/acknowledge", harton.id),
            json!({}),
        )
        .await
        .expect_status(OK);
        let trust = app.get(&admin, &report).await.expect_status(OK);
        let read = |r: &Value, f: &str| r["staff_read"][f].as_i64().unwrap_or(-1);
        assert_eq!(
            read(&trust, "acknowledged"),
            read(&before, "acknowledged") + 1
        );
        assert_eq!(read(&trust, "staff"), read(&before, "staff"), "{trust}");
        let policies = trust["policies"].as_array().cloned().unwrap_or_default();
        for f in ["acknowledged", "staff"] {
            let sum: i64 = policies.iter().map(|p| read(p, f)).sum();
            assert_eq!(read(&trust, f), sum, "{f}: {trust}");
        }
        let harton_line = policies.iter().find(|p| p["school"] == "Harton Academy");
        let harton_line = harton_line.unwrap_or_else(|| panic!("Harton's policy line: {trust}"));
        assert!(read(harton_line, "acknowledged") >= 1, "{trust}");
        assert_eq!(
            harton_line["acknowledgement"],
            format!(
                "{} of {} staff have read it ({} not yet)",
                read(harton_line, "acknowledged"),
                read(harton_line, "staff"),
                read(harton_line, "staff") - read(harton_line, "acknowledged")
            ),
            "{trust}"
        );
        // The acknowledgement table as CSV: a row a school and the trust's total.
        let csv = app
            .download(
                &admin,
                &format!(
                    "/api/reports/governors.csv?table=acknowledgement&{}",
                    range()
                ),
            )
            .await;
        let text = String::from_utf8(csv.bytes).expect("CSV is UTF-8");
        let total = format!(
            "All schools,,{},{},{}",
            read(&trust, "acknowledged"),
            read(&trust, "staff"),
            read(&trust, "staff") - read(&trust, "acknowledged")
        );
        assert!(text.lines().any(|l| l == total), "{total}: {text}");
        assert_eq!(text.lines().count(), policies.len() + 2, "{text}");
        let lines = trust["schools"].as_array().cloned().unwrap_or_default();
        assert!(lines.len() >= 2, "every school of the trust: {trust}");
        let mut visits = 0;
        for domain in ["harton.demo", "reach2.demo", "hsp.demo", "kingsdown.demo"] {
            let school = app.school(domain).await;
            let one = app
                .get(
                    &admin,
                    &format!("/api/reports/governors?school_id={}&{}", school.id, range()),
                )
                .await
                .expect_status(OK);
            let line = lines.iter().find(|l| l["school"] == one["title"]);
            let line = line.unwrap_or_else(|| panic!("{} missing: {trust}", one["title"]));
            assert_eq!(line["visits"], one["visits"], "{trust}");
            assert_eq!(
                line["alarms"],
                one["alarms"].as_array().map_or(0, |a| {
                    a.iter()
                        .map(|k| k["raised"].as_i64().unwrap_or(0))
                        .sum::<i64>()
                })
            );
            visits += one["visits"].as_i64().unwrap_or(0);
        }
        let all: i64 = lines
            .iter()
            .map(|l| l["visits"].as_i64().unwrap_or(0))
            .sum();
        assert_eq!(trust["visits"].as_i64(), Some(all), "{trust}");
        assert!(visits >= 1 && visits <= all, "{trust}");
        assert!(
            trust["title"]
                .as_str()
                .unwrap_or_default()
                .contains("all schools"),
            "{trust}"
        );
        // The schools' table as CSV, one row a school.
        let csv = app
            .download(
                &admin,
                &format!("/api/reports/governors.csv?table=schools&{}", range()),
            )
            .await;
        assert_eq!(csv.status, OK);
        let text = String::from_utf8(csv.bytes).expect("CSV is UTF-8");
        assert_eq!(text.lines().count(), lines.len() + 1, "{text}");
    })
    .await;
}
