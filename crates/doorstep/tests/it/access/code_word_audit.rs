//! C7: a code-word read is recorded once per visit per person per UTC day. The visitors and the
//! buddy look at the Today page again and again while out; the trail says who was shown the
//! word each day without a row per look, and the first read of anyone is always there.

use super::World;
use crate::helpers::{Answer, Session, TestApp, for_each_backend};
use axum::http::StatusCode;

/// How many `visit.read_with_code_word` rows about the world's visit `who` has, as the DSL
/// reads the audit trail.
async fn code_word_reads(app: &TestApp, w: &World, who: &Session) -> usize {
    let path = format!(
        "/api/audit?subject_type=visit&subject_id={}&action=visit.read_with_code_word&actor_staff_id={}",
        w.visit.0, who.id
    );
    app.get(&w.sessions["dsl"], &path)
        .await
        .expect_status(StatusCode::OK)
        .as_array()
        .expect("audit rows")
        .len()
}

#[tokio::test]
async fn the_code_word_shown_again_the_same_day_is_recorded_once_per_person() {
    for_each_backend(|app| async move {
        let w = World::create(&app).await;
        let (teacher, buddy) = (&w.sessions["teacher"], &w.sessions["senior"]);
        let visit = format!("/api/visits/{}", w.visit.0);
        for _ in 0..3 {
            let (status, page) = app.get(teacher, "/today").await;
            assert_eq!(status, StatusCode::OK);
            assert!(
                page.to_string().contains(super::CODE_WORD),
                "the teacher's Today page"
            );
            app.get(teacher, &visit).await.expect_status(StatusCode::OK);
        }
        assert_eq!(code_word_reads(&app, &w, teacher).await, 1);
        // The buddy's first look is recorded too, once however often they look.
        assert_eq!(code_word_reads(&app, &w, buddy).await, 0);
        for _ in 0..2 {
            let shown = app.get(buddy, &visit).await.expect_status(StatusCode::OK);
            assert!(shown.to_string().contains(super::CODE_WORD), "{shown}");
        }
        assert_eq!(code_word_reads(&app, &w, buddy).await, 1);
    })
    .await;
}
