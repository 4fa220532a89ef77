//! The import page's file upload (`multipart/form-data`): a CTF file is checked, then exactly
//! what was checked is imported; a changed text, a file that is not text, not a CTF or over
//! 20 MB is refused beside the file input; a staff CSV file is read the same way; a post from
//! another site is refused.

use super::*;
use axum::body::Body;
use axum::http::{Method, Request, header};

const CTF: &str = include_str!("../../../../app/tests/fixtures/ctf_full.xml");
const BOUNDARY: &str = "doorstep-test-boundary";
const MULTIPART: &str = "multipart/form-data; boundary=doorstep-test-boundary";

/// A part of the form: a text input, or a file with its name.
enum Part<'a> {
    Text(&'a str, &'a str),
    File(&'a str, &'a str, &'a [u8]),
}

fn multipart(parts: &[Part]) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        let (head, bytes) = match part {
            Part::Text(name, value) => (
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"),
                value.as_bytes(),
            ),
            Part::File(name, file, bytes) => (
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                ),
                *bytes,
            ),
        };
        body.extend_from_slice(head.as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Posts the form to `path` as the browser would; the status and the page.
async fn post(
    app: &TestApp,
    who: &Session,
    path: &str,
    parts: &[Part<'_>],
) -> (StatusCode, String) {
    let (status, html) = app
        .send_raw(who, Method::POST, path, Some(MULTIPART), multipart(parts))
        .await;
    (status, html.as_str().unwrap_or_default().to_string())
}

/// The value of the hidden `checked` input of the form posting to `action`.
fn checked(html: &str, action: &str) -> String {
    let form = html
        .split(&format!("action=\"{action}\""))
        .nth(1)
        .unwrap_or_default();
    form.split("name=\"checked\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_string()
}

/// The message shown beside the input `field`.
fn error_beside(html: &str, field: &str) -> String {
    html.split(&format!("id=\"{field}-error\">"))
        .nth(1)
        .and_then(|s| s.split("</p>").next())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn the_office_uploads_a_ctf_file_checks_it_and_imports_exactly_what_was_checked() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let school = app.school("harton.demo").await;
        let office = app.login(&school.email("office")).await;
        let page = app.get(&office, "/imports").await.1;
        let page = page.as_str().unwrap_or_default();
        assert!(
            page.contains("enctype=\"multipart/form-data\""),
            "[{b}] {page}"
        );

        let file = Part::File("ctf_file", "harton.xml", CTF.as_bytes());
        let check = Part::Text("action", "check");
        let (status, html) = post(&app, &office, "/imports/ctf", &[file, check]).await;
        assert_eq!(status, StatusCode::OK, "[{b}] {html}");
        assert!(html.contains("What the import would do"), "[{b}] {html}");
        assert!(html.contains("17 added, 0 changed"), "[{b}] {html}");
        assert!(html.contains("CTFpupilData/Pupil[5]/UPN"), "[{b}] {html}");
        let pupils = app.get(&office, "/api/pupils").await.1.to_string();
        assert!(!pupils.contains("Nowak"), "[{b}] a check writes nothing");
        let fingerprint = checked(&html, "/imports/ctf");
        assert_eq!(fingerprint.len(), 64, "[{b}] {html}");

        // The text checked, changed before "Import": refused, nothing written.
        let changed = CTF.replace("Nowak", "Novak");
        let parts = [
            Part::Text("xml", &changed),
            Part::Text("checked", &fingerprint),
            Part::Text("action", "import"),
        ];
        let (status, html) = post(&app, &office, "/imports/ctf", &parts).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "[{b}] {html}");
        assert!(
            error_beside(&html, "xml").contains("changed after it was checked"),
            "[{b}] {html}"
        );
        let pupils = app.get(&office, "/api/pupils").await.1.to_string();
        assert!(
            !pupils.contains("Novak") && !pupils.contains("Nowak"),
            "[{b}]"
        );

        // What was checked (the page keeps its text), imported.
        let kept = CTF.trim();
        let parts = [
            Part::Text("xml", kept),
            Part::Text("checked", &fingerprint),
            Part::Text("action", "import"),
        ];
        let (status, html) = post(&app, &office, "/imports/ctf", &parts).await;
        assert_eq!(status, StatusCode::OK, "[{b}] {html}");
        assert!(html.contains("Imported"), "[{b}] {html}");
        let pupils = app.get(&office, "/api/pupils").await.1.to_string();
        assert!(pupils.contains("Siân Ŵyn Llŷr"), "[{b}] {pupils}");
        assert!(pupils.contains("Nowak"), "[{b}] {pupils}");
    })
    .await;
}

#[tokio::test]
async fn a_file_that_is_not_a_ctf_not_text_or_too_large_is_named_beside_the_file_input() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let school = app.school("harton.demo").await;
        let office = app.login(&school.email("office")).await;
        let check = || Part::Text("action", "check");

        let not_text: &[u8] = &[0x50, 0x4b, 0x03, 0x04, 0xff, 0xfe, 0x00, 0x9c];
        let parts = [Part::File("ctf_file", "pupils.xlsx", not_text), check()];
        let (status, html) = post(&app, &office, "/imports/ctf", &parts).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "[{b}] {html}");
        let said = error_beside(&html, "ctf_file");
        assert!(
            said.contains("pupils.xlsx is not a text file"),
            "[{b}] {html}"
        );

        let html_file = Part::File("ctf_file", "page.html", b"<html><body>hello</body></html>");
        let (status, html) = post(&app, &office, "/imports/ctf", &[html_file, check()]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "[{b}] {html}");
        assert!(!error_beside(&html, "ctf_file").is_empty(), "[{b}] {html}");

        let empty = Part::File("ctf_file", "empty.xml", b"  \n");
        let (status, html) = post(&app, &office, "/imports/ctf", &[empty, check()]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "[{b}] {html}");
        assert!(
            error_beside(&html, "ctf_file").contains("empty.xml is empty"),
            "[{b}]"
        );

        let huge = vec![b' '; 20 * 1024 * 1024 + 1];
        let parts = [Part::File("ctf_file", "huge.xml", &huge), check()];
        let (status, html) = post(&app, &office, "/imports/ctf", &parts).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "[{b}] {html}");
        assert!(
            error_beside(&html, "ctf_file").contains("larger than 20 MB"),
            "[{b}] {html}"
        );

        // A post from another site is refused before anything reads it.
        let body = multipart(&[
            Part::File("ctf_file", "harton.xml", CTF.as_bytes()),
            check(),
        ]);
        let req = Request::builder()
            .method(Method::POST)
            .uri("/imports/ctf")
            .header(header::CONTENT_TYPE, MULTIPART)
            .header("sec-fetch-site", "cross-site")
            .body(Body::from(body))
            .expect("a request");
        let (status, _) = app.oneshot_as(&office, req).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "[{b}]");
    })
    .await;
}

#[tokio::test]
async fn the_head_checks_a_staff_csv_file_before_importing_it() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let school = app.school("harton.demo").await;
        let head = app.login(&school.email("head")).await;
        let csv = "\u{feff}name,email,mobile,roles\nNadia Newton,n.newton@harton.demo,07700 900201,visiting_staff\n";
        let parts = [
            Part::File("csv_file", "staff.csv", csv.as_bytes()),
            Part::Text("action", "check"),
        ];
        let (status, html) = post(&app, &head, "/imports/staff", &parts).await;
        assert_eq!(status, StatusCode::OK, "[{b}] {html}");
        assert!(html.contains("1 added, 0 changed"), "[{b}] {html}");
        let staff = app.get(&head, "/api/staff").await.1.to_string();
        assert!(!staff.contains("Nadia Newton"), "[{b}] a check writes nothing");
        let fingerprint = checked(&html, "/imports/staff");
        let kept = csv.trim_start_matches('\u{feff}').trim();
        let parts = [
            Part::Text("csv", kept),
            Part::Text("checked", &fingerprint),
            Part::Text("action", "import"),
        ];
        let (status, html) = post(&app, &head, "/imports/staff", &parts).await;
        assert_eq!(status, StatusCode::OK, "[{b}] {html}");
        let staff = app.get(&head, "/api/staff").await.1.to_string();
        assert!(staff.contains("Nadia Newton"), "[{b}] {staff}");

        let parts = [
            Part::File("csv_file", "staff.csv", b"who,what\n"),
            Part::Text("action", "check"),
        ];
        let (status, html) = post(&app, &head, "/imports/staff", &parts).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "[{b}] {html}");
        assert!(!error_beside(&html, "csv_file").is_empty(), "[{b}] {html}");
    })
    .await;
}

/// Pasted text holding a control character (item 4 of #12) is named beside the text box with
/// the line it is on, not "the form could not be read"; so is a pasted box of the multipart form.
#[tokio::test]
async fn pasted_text_with_a_control_character_is_named_with_its_line() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let school = app.school("harton.demo").await;
        let office = app.login(&school.email("office")).await;
        let pasted = "<?xml version=\"1.0\"?>%0A<CTfile>%0A<Header>%07</Header>%0A</CTfile>";
        let form = Some("application/x-www-form-urlencoded");
        let body = format!("action=check&xml={pasted}");
        let (status, html) = app
            .send_raw(&office, Method::POST, "/imports/ctf", form, body)
            .await;
        let html = html.as_str().unwrap_or_default();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "[{b}] {html}");
        assert_eq!(
            error_beside(html, "xml"),
            "<span class=\"visually-hidden\">Error: </span>The pasted text has a control \
             character on line 3: paste it again from the original file",
            "[{b}] {html}"
        );
        assert!(!html.contains("could not be read"), "[{b}]");

        let csv = "name,email,mobile,roles\r\nAl Jones,al@harton.demo,,teacher\u{0}\r\n";
        let parts = [Part::Text("csv", csv), Part::Text("action", "check")];
        let (status, html) = post(&app, &office, "/imports/staff", &parts).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "[{b}] {html}");
        assert!(
            error_beside(&html, "csv").contains("control character on line 2"),
            "[{b}] {html}"
        );
    })
    .await;
}
