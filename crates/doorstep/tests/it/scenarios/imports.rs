//! Import from the MIS through the JSON API and the office's page: the dry run names the pupil
//! it cannot read, the import itself writes, and visiting staff are refused.

use super::*;
use axum::http::Method;

const CTF: &str = include_str!("../../../../app/tests/fixtures/ctf_full.xml");

/// `application/x-www-form-urlencoded` encoding of one value.
fn form_value(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                (b as char).to_string()
            }
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn the_office_checks_a_ctf_then_imports_it_and_a_teacher_may_not() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let office = app.login(&school.email("office")).await;
        let teacher = app.login(&school.email("teacher")).await;

        let report = app
            .post(
                &office,
                "/api/imports/ctf",
                json!({ "xml": CTF, "dry_run": true }),
            )
            .await
            .expect_status(StatusCode::OK);
        assert_eq!(
            report["added"].as_array().map(Vec::len),
            Some(17),
            "{report}"
        );
        assert_eq!(
            report["problems"][0]["element"], "CTFpupilData/Pupil[5]/UPN",
            "{report}"
        );
        let pupils = app
            .get(&office, "/api/pupils")
            .await
            .expect_status(StatusCode::OK);
        assert!(
            !pupils.to_string().contains("Nowak"),
            "a dry run writes nothing: {pupils}"
        );

        app.post(
            &teacher,
            "/api/imports/ctf",
            json!({ "xml": CTF, "dry_run": true }),
        )
        .await
        .expect_status(StatusCode::FORBIDDEN);
        let not_ctf = app
            .post(
                &office,
                "/api/imports/ctf",
                json!({ "xml": "<html></html>" }),
            )
            .await
            .expect_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(not_ctf["field"], "xml", "{not_ctf}");

        // The page: a check shows the unreadable pupil's element; the import writes.
        let form = Some("application/x-www-form-urlencoded");
        let (status, html) = app.get(&office, "/imports").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.as_str().unwrap_or("").contains("Common Transfer File"),
            "{html}"
        );
        let body = format!("xml={}&action=check", form_value(CTF));
        let (status, html) = app
            .send_raw(&office, Method::POST, "/imports/ctf", form, body)
            .await;
        let html = html.as_str().unwrap_or("").to_string();
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(html.contains("What the import would do"), "{html}");
        assert!(html.contains("CTFpupilData/Pupil[5]/UPN"), "{html}");
        assert!(html.contains("Siân Ŵyn Llŷr (K801200026003)"), "{html}");
        let body = format!("xml={}&action=import", form_value(CTF));
        let (status, html) = app
            .send_raw(&office, Method::POST, "/imports/ctf", form, body)
            .await;
        assert_eq!(status, StatusCode::OK, "{html}");
        let pupils = app
            .get(&office, "/api/pupils")
            .await
            .expect_status(StatusCode::OK);
        assert!(pupils.to_string().contains("Siân Ŵyn Llŷr"), "{pupils}");
        let (status, _) = app.get(&teacher, "/imports").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    })
    .await;
}

const WEEK2: &str = include_str!("../../../../app/tests/fixtures/ctf_week2.xml");

/// The roll entry of the pupil named `name`, as the office reads it.
async fn on_roll(app: &TestApp, office: &Session, name: &str) -> Value {
    let pupils = app
        .get(office, "/api/pupils")
        .await
        .expect_status(StatusCode::OK);
    pupils
        .as_array()
        .expect("the roll")
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{name} is not on the roll: {pupils}"))
        .clone()
}

#[tokio::test]
async fn a_full_ctf_marks_the_pupils_missing_from_it_as_left_and_a_partial_one_does_not() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let office = app.login(&school.email("office")).await;
        let import = |xml: String| {
            let (app, office) = (&app, &office);
            async move {
                app.post(office, "/api/imports/ctf", json!({ "xml": xml }))
                    .await
                    .expect_status(StatusCode::OK)
            }
        };
        import(CTF.to_string()).await;
        assert_eq!(
            on_roll(&app, &office, "Ava Brown").await["left_at"],
            Value::Null
        );

        // Next week's file without Ava, sent as a partial file: nobody is marked as left.
        let partial = WEEK2.replace(
            "<DocumentQualifier>full</DocumentQualifier>",
            "<DocumentQualifier>partial</DocumentQualifier>",
        );
        assert_ne!(partial, WEEK2, "the fixture names itself a full file");
        let report = import(partial).await;
        assert_eq!(report["full"], false, "{report}");
        assert_eq!(report["left"], json!([]), "{report}");
        assert_eq!(
            on_roll(&app, &office, "Ava Brown").await["left_at"],
            Value::Null
        );

        // The same file as a full one: Ava has left, on today's date, and the report says so.
        app.advance(30);
        let report = import(WEEK2.to_string()).await;
        assert_eq!(report["full"], true, "{report}");
        let left = report["left"].as_array().expect("the pupils left");
        assert_eq!(left.len(), 1, "{report}");
        assert_eq!(left[0]["name"], "Ava Brown (Z801200026004)", "{report}");
        let ava = on_roll(&app, &office, "Ava Brown").await;
        let left_at: chrono::DateTime<chrono::Utc> =
            serde_json::from_value(ava["left_at"].clone()).expect("the day Ava left");
        assert_eq!(left_at, app.now(), "{ava}");
        // Importing the full file again changes nothing and marks nobody else.
        let again = import(WEEK2.to_string()).await;
        assert_eq!(again["left"], json!([]), "{again}");
    })
    .await;
}

/// Nadia Newton's mobile as the head reads it.
async fn mobile_of(app: &TestApp, head: &Session) -> Value {
    let staff = app
        .get(head, "/api/staff")
        .await
        .expect_status(StatusCode::OK);
    staff
        .as_array()
        .expect("the staff")
        .iter()
        .find(|s| s["email"] == "n.newton@harton.demo")
        .expect("Nadia is imported")["mobile"]
        .clone()
}

#[tokio::test]
async fn an_empty_mobile_cell_in_the_staff_csv_keeps_the_mobile_doorstep_holds() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let head = app.login(&school.email("head")).await;
        let csv = |mobile: &str| {
            format!("name,email,mobile,roles\nNadia Newton,n.newton@harton.demo,{mobile},visiting_staff\n")
        };
        app.post(&head, "/api/imports/staff", json!({ "csv": csv("07700 900201") }))
            .await
            .expect_status(StatusCode::OK);
        let kept = mobile_of(&app, &head).await;
        assert!(kept.as_str().is_some_and(|m| !m.is_empty()), "{kept}");

        let report = app
            .post(&head, "/api/imports/staff", json!({ "csv": csv("") }))
            .await
            .expect_status(StatusCode::OK);
        assert_eq!(mobile_of(&app, &head).await, kept, "the empty cell cleared the mobile");
        assert_eq!(report["changed"], json!([]), "{report}");
        let notes = report["notes"].to_string();
        assert!(
            notes.contains("mobile left as it was for Nadia Newton"),
            "{report}"
        );
        // A new number in the cell still changes it.
        app.post(&head, "/api/imports/staff", json!({ "csv": csv("07700 900999") }))
            .await
            .expect_status(StatusCode::OK);
        assert_ne!(mobile_of(&app, &head).await, kept);
    })
    .await;
}
