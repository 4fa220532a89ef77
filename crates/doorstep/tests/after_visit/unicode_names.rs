//! Issue 14 item 3: the slip, the visit record and the chronology served over HTTP print a
//! pupil's name exactly as typed, in any alphabet (pdftotext gives it back).

use crate::harness::{App, School, expect, for_each_backend, pdf_text};
use axum::http::{Method, StatusCode};
use serde_json::json;

const NAMES: [&str; 8] = [
    "Łukasz Wąsik-Żółć",
    "Siân Ŵyn Llŷr",
    "Ștefan Țurcanu",
    "Ayşe Ağaoğlu",
    "Ελένη Παπαδοπούλου",
    "Олена Коваленко",
    "محمد العلي",
    "王芳",
];

/// Adds a pupil called `name` to the Smith household (as the head); returns its id.
async fn pupil_named(app: &App, school: &School, name: &str) -> i64 {
    let head = app.login(&school.email("head")).await;
    let pupil = expect(
        app.post(
            &head,
            "/api/pupils",
            json!({ "household_id": school.smith, "name": name, "date_of_birth": "2017-03-04", "year_group": "Year 4" }),
        )
        .await,
        StatusCode::CREATED,
    );
    pupil["id"].as_i64().unwrap()
}

/// The PDF's text. pdftotext wraps right-to-left words in invisible direction marks
/// (U+202B … U+202C); they are dropped so the text reads as typed.
async fn pdf(app: &App, who: &crate::harness::Session, path: &str) -> String {
    let (status, headers, bytes) = app.raw(who, Method::GET, path, None).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    assert_eq!(headers["content-type"], "application/pdf");
    let text: String = pdf_text(&bytes)
        .chars()
        .filter(|c| !matches!(*c as u32, 0x202A..=0x202E | 0x2066..=0x2069))
        .collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn the_slip_record_and_chronology_print_an_arabic_name_as_typed() {
    for_each_backend(|app| async move {
        let school = app.school("stjosephs.demo").await;
        let name = "محمد العلي";
        let pupil = pupil_named(&app, &school, name).await;
        let visit = app
            .authorised_visit(&school, "10:00", json!({ "pupil_id": pupil }))
            .await;
        let teacher = app.login(&school.email("teacher")).await;
        app.set_time("10:00");
        app.steps(&teacher, visit, &["sign-out"]).await;
        app.set_time("10:20");
        app.steps(&teacher, visit, &["nobody-home"]).await;
        expect(
            app.post(&teacher, &format!("/api/visits/{visit}/slip"), json!({}))
                .await,
            StatusCode::CREATED,
        );

        let slip = pdf(&app, &teacher, &format!("/api/visits/{visit}/slip.pdf")).await;
        // The slip names the child by first name only, once, in the school's wording.
        assert!(
            slip.contains("IN POSITION OF RESPONSIBILITY FOR محمد")
                && slip.matches("محمد").count() == 1
                && !slip.contains("العلي"),
            "{slip}"
        );
        let record = pdf(&app, &teacher, &format!("/api/visits/{visit}/record.pdf")).await;
        assert!(record.contains(&format!("Student Name {name}")), "{record}");
        let chronology = pdf(
            &app,
            &teacher,
            &format!("/api/pupils/{pupil}/chronology.pdf"),
        )
        .await;
        assert!(
            chronology.contains(&format!("Chronology: {name}")),
            "{chronology}"
        );
        for text in [&slip, &record, &chronology] {
            assert!(!text.contains('?'), "a letter was lost: {text}");
        }
    })
    .await;
}

#[tokio::test]
async fn the_chronology_prints_names_in_every_alphabet_as_typed() {
    for_each_backend(|app| async move {
        let school = app.school("stjosephs.demo").await;
        let dsl = app.login(&school.email("dsl")).await;
        for name in NAMES {
            let pupil = pupil_named(&app, &school, name).await;
            let text = pdf(&app, &dsl, &format!("/api/pupils/{pupil}/chronology.pdf")).await;
            assert!(
                text.contains(&format!("Chronology: {name}")),
                "{name}: {text}"
            );
        }
    })
    .await;
}
