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
