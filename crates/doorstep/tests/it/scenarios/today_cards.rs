//! Today with several visits at once (#9): the cards are read together for the whole page, and
//! each card still shows its own visit — its code word, buddy, check-ins and alarm line — and
//! never another's; the buddy sees the card of the visit they watch over, with its panic, and no
//! other.

use super::*;

/// A visit of the teacher to the Smith household with this buddy and code word, authorised.
async fn authorised_with(app: &TestApp, buddy: &str, code_word: &str) -> i64 {
    let school = app.school("harton.demo").await;
    let teacher = app.login(&school.email("teacher")).await;
    let head = app.login(&school.email("head")).await;
    let visit = app
        .planned_visit(
            &teacher,
            "harton.demo",
            json!({ "buddy_staff_id": school.staff(buddy), "code_word": code_word }),
        )
        .await;
    app.request(&teacher, visit).await.expect_status(OK);
    app.authorise(&head, visit, json!({}))
        .await
        .expect_status(OK);
    visit
}

/// The card of `visit` on a Today page: from its section to the next card (or list).
fn card_of(page: &str, visit: i64) -> &str {
    let start = page
        .find(&format!("id=\"visit-{visit}\""))
        .unwrap_or_else(|| panic!("no card for visit {visit}: {page}"));
    let rest = &page[start..];
    // Cards are sections at the page's top level; the help bar is a section inside its card.
    let end = rest.find("\n<section").map_or(rest.len(), |e| e);
    &rest[..end]
}

#[tokio::test]
async fn each_card_on_today_shows_its_own_visit_when_several_are_out() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let senior = app.login(&school.email("senior")).await;
        let assessment = app
            .assess_risk(&senior, school.smith, "medium", "low")
            .await;
        app.sign_off(&senior, assessment).await.expect_status(OK);
        let teacher = app.login(&school.email("teacher")).await;
        let quiet = authorised_with(&app, "office", "bluebell").await;
        let alarmed = authorised_with(&app, "senior", "hawthorn").await;
        let later = authorised_with(&app, "office", "primrose").await;
        for visit in [quiet, alarmed] {
            app.step(&teacher, visit, "sign-out")
                .await
                .expect_status(OK);
        }
        for _ in 0..2 {
            app.advance(5);
            app.post(
                &teacher,
                &format!("/api/visits/{quiet}/check-in"),
                json!({}),
            )
            .await
            .expect_status(OK);
        }
        app.post(
            &teacher,
            &format!("/api/visits/{alarmed}/panic"),
            json!({ "client_ref": "today-cards-1" }),
        )
        .await
        .expect_status(CREATED);

        let (status, page) = app.get(&teacher, "/today").await;
        assert_eq!(status, OK);
        let page = page.as_str().unwrap_or("");
        let (q, a, l) = (
            card_of(page, quiet),
            card_of(page, alarmed),
            card_of(page, later),
        );
        assert!(q.contains("bluebell") && !q.contains("hawthorn"), "{q}");
        assert!(a.contains("hawthorn") && !a.contains("bluebell"), "{a}");
        assert!(l.contains("primrose"), "{l}");
        assert!(
            q.contains("· 2 check-ins"),
            "the quiet visit's check-ins: {q}"
        );
        assert!(
            !a.contains("· 1 check-in") && !a.contains("· 2 check-ins"),
            "{a}"
        );
        assert!(
            a.contains("Panic alarm."),
            "the alarmed visit's help line: {a}"
        );
        assert!(
            !q.contains("Panic alarm.") && !l.contains("Panic alarm."),
            "{q}\n{l}"
        );
        let name = |who: &str| {
            let id = domain::StaffId(school.staff(who));
            let db = app.db.clone();
            async move { db.staff(id).await.expect("a demo member of staff").name }
        };
        let (senior_name, office_name) = (name("senior").await, name("office").await);
        assert!(a.contains(&senior_name) && !a.contains(&office_name), "{a}");
        assert!(q.contains(&office_name) && !q.contains(&senior_name), "{q}");
        assert!(q.contains("Smith family"), "{q}");

        // The senior leader buddies only the alarmed visit: theirs is the one card, with its word.
        let (status, page) = app.get(&senior, "/today").await;
        assert_eq!(status, OK);
        let page = page.as_str().unwrap_or("");
        assert!(page.contains(&format!("id=\"visit-{alarmed}\"")), "{page}");
        for other in [quiet, later] {
            assert!(!page.contains(&format!("id=\"visit-{other}\"")), "{page}");
        }
        assert!(
            page.contains("hawthorn") && !page.contains("bluebell"),
            "{page}"
        );
        // The buddy's card says the visitors pressed Panic (tester: it showed nothing).
        assert!(page.contains("The visitors pressed Panic."), "{page}");
    })
    .await;
}
