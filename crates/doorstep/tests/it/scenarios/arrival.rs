//! #13: "arrived" required or optional, changed by the head like any setting: a choice the
//! policy's own answers name, refused in the school's words otherwise, and read in the diff.

use super::*;

#[tokio::test]
async fn a_head_makes_arrived_optional_and_the_draft_says_so_in_words() {
    for_each_backend(|app| async move {
        // REAch2 records "the time you are expected to arrive": required.
        let reach2 = app.school("reach2.demo").await;
        let head = app.login(&reach2.email("head")).await;
        let path = format!("/api/schools/{}/policy", reach2.id);
        let policy = app.get(&head, &path).await.expect_status(StatusCode::OK);
        assert_eq!(policy["settings"]["check_in"]["arrived"], "required");
        // The editor shows it as a choice of the two answers, with its help.
        let (_, page) = app.get(&head, "/policy").await;
        let page = page.as_str().unwrap_or_default();
        assert!(
            page.contains("name=\"check_in.arrived\"")
                && page.contains("<option value=\"optional\""),
            "{page}"
        );
        assert!(page.contains("Optional: staff may skip Arrived"), "{page}");

        let mut settings = policy["settings"].clone();
        settings["check_in"]["arrived"] = json!("sometimes");
        let (status, body) = app
            .put(
                &head,
                &path,
                json!({ "settings": settings, "change_note": "Trial" }),
            )
            .await;
        assert!(status.is_client_error(), "{status} {body}");
        let reason = body.to_string();
        assert!(
            reason.contains("required") && reason.contains("optional"),
            "the refusal names the answers: {body}"
        );

        settings["check_in"]["arrived"] = json!("optional");
        let draft = app
            .put(
                &head,
                &path,
                json!({ "settings": settings, "change_note": "Trial" }),
            )
            .await
            .expect_status(StatusCode::CREATED);
        let words: Vec<&str> = draft["changes"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c["words"].as_str())
            .collect();
        assert_eq!(
            words,
            ["Staff tap \"Arrived\" at the house: required → optional"],
            "{draft}"
        );
    })
    .await;
}
