//! Requests that cannot be read: malformed or missing JSON, the wrong content type, an oversized
//! body, bad query strings and methods an address does not take.

use super::*;

#[tokio::test]
async fn malformed_json_is_refused_naming_the_body() {
    for_each_backend(|app| async move {
        let (school, teacher) = harton_teacher(&app).await;
        post_plan_text(&app, &teacher, "visit the Smiths at ten")
            .await
            .expect_field_error(BAD_REQUEST, "body");
        post_plan_text(&app, &teacher, "")
            .await
            .expect_field_error(BAD_REQUEST, "body");
        // Cut off in the middle: the answer names the field being read.
        let body = post_plan_text(&app, &teacher, r#"{"pupil_id": 1, "purpose": "#)
            .await
            .expect_field_error(BAD_REQUEST, "purpose");
        assert!(
            body["reason"].as_str().unwrap_or_default().contains("EOF"),
            "{body}"
        );

        // A value of the wrong type names the field that holds it.
        let mut plan = visit_plan(&school, &app, json!({}));
        plan["pupil_id"] = json!("Ava");
        app.post(&teacher, "/api/visits", plan)
            .await
            .expect_field_error(BAD_REQUEST, "pupil_id");

        // A field the plan does not have is named too.
        let plan = visit_plan(&school, &app, json!({ "colour": "red" }));
        let body = app.post(&teacher, "/api/visits", plan).await;
        assert_eq!(body.0, BAD_REQUEST, "{}", body.1);
        assert!(
            body.1["reason"]
                .as_str()
                .unwrap_or_default()
                .contains("colour"),
            "{}",
            body.1
        );
        assert_eq!(app.get(&teacher, "/api/visits").await.1, json!([]));
    })
    .await;
}

#[tokio::test]
async fn a_missing_field_is_named() {
    for_each_backend(|app| async move {
        let (school, teacher) = harton_teacher(&app).await;
        let mut plan = visit_plan(&school, &app, json!({}));
        plan.as_object_mut().expect("an object").remove("purpose");
        app.post(&teacher, "/api/visits", plan)
            .await
            .expect_field_error(BAD_REQUEST, "purpose");

        let plan = visit_plan(
            &school,
            &app,
            json!({ "appointment": { "agenda": "Attendance" } }),
        );
        app.post(&teacher, "/api/visits", plan)
            .await
            .expect_field_error(BAD_REQUEST, "appointment.kind");

        let plan = visit_plan(&school, &app, json!({ "purpose": "   " }));
        app.post(&teacher, "/api/visits", plan)
            .await
            .expect_field_error(UNPROCESSABLE, "purpose");
    })
    .await;
}

#[tokio::test]
async fn a_body_that_is_not_json_is_refused_naming_the_content_type() {
    for_each_backend(|app| async move {
        let (school, teacher) = harton_teacher(&app).await;
        let plan = visit_plan(&school, &app, json!({})).to_string();
        for content_type in [
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
            None,
        ] {
            app.send_raw(
                &teacher,
                Method::POST,
                "/api/visits",
                content_type,
                plan.clone(),
            )
            .await
            .expect_field_error(BAD_REQUEST, "content-type");
        }
        // An oversized body is refused before anything stores it, naming the field that was
        // too long (#12 item 5: "1 MB strings → 4xx naming the field").
        let huge = format!(r#"{{"purpose": "{}"}}"#, "a".repeat(300 * 1024));
        let req = Request::builder()
            .method(Method::POST)
            .uri("/api/visits")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::CONTENT_LENGTH, huge.len())
            .body(Body::from(huge.clone()))
            .expect("a request");
        let body = app
            .oneshot_as(&teacher, req)
            .await
            .expect_field_error(BAD_REQUEST, "purpose");
        assert!(
            body["reason"].as_str().unwrap_or_default().contains("KB"),
            "{body}"
        );
        // The same without a declared length.
        app.send_raw(
            &teacher,
            Method::POST,
            "/api/visits",
            Some("application/json"),
            huge,
        )
        .await
        .expect_field_error(BAD_REQUEST, "purpose");
    })
    .await;
}

#[tokio::test]
async fn bad_query_strings_and_methods_are_refused_naming_the_parameter() {
    for_each_backend(|app| async move {
        let (school, teacher) = harton_teacher(&app).await;
        let other = app.school("hsp.demo").await;
        let dsl = app.login(&school.email("dsl")).await;
        let head = app.login(&school.email("head")).await;
        for (who, path, field) in [
            (&teacher, "/api/visits?school_id=abc", "school_id"),
            (&teacher, "/api/visits?mine=maybe", "mine"),
            (&dsl, "/api/audit?limit=lots", "limit"),
            (&teacher, "/api/households?school_id=1.5", "school_id"),
        ] {
            app.get(who, path)
                .await
                .expect_field_error(BAD_REQUEST, field);
        }
        // A school the person cannot see, named in a query string or a body, is an unknown school_id.
        app.get(&teacher, &format!("/api/visits?school_id={}", other.id))
            .await
            .expect_field_error(UNPROCESSABLE, "school_id");
        app.post(
            &head,
            "/api/staff",
            json!({
                "name": "Nobody", "email": "nobody@harton.demo", "roles": ["office"],
                "password": "long enough password", "school_id": 99999
            }),
        )
        .await
        .expect_field_error(UNPROCESSABLE, "school_id");

        let visit = app.planned_visit(&teacher, "harton.demo", json!({})).await;
        app.get(
            &teacher,
            &format!("/api/visits/{visit}/policy-check?stage=tomorrow"),
        )
        .await
        .expect_field_error(BAD_REQUEST, "stage");
        for method in [Method::DELETE, Method::PATCH] {
            app.send(
                &teacher,
                method,
                &format!("/api/visits/{visit}"),
                Some(json!({})),
            )
            .await
            .expect_field_error(StatusCode::METHOD_NOT_ALLOWED, "method");
        }
    })
    .await;
}

/// `?status=` is parsed once into a visit's step: the listing filters by it, an empty one lists
/// every step, and a name that is no step is refused with 422 naming `status` and the steps allowed.
#[tokio::test]
async fn the_visit_list_status_filter_takes_only_a_step_doorstep_knows() {
    for_each_backend(|app| async move {
        let (_school, teacher) = harton_teacher(&app).await;
        let visit = app.planned_visit(&teacher, "harton.demo", json!({})).await;
        let drafts = app
            .get(&teacher, "/api/visits?status=draft")
            .await
            .expect_status(StatusCode::OK);
        let ids: Vec<i64> = drafts
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["id"].as_i64().unwrap())
            .collect();
        assert!(ids.contains(&visit), "the draft is listed: {drafts}");
        let requested = app
            .get(&teacher, "/api/visits?status=requested")
            .await
            .expect_status(StatusCode::OK);
        assert!(
            !requested.to_string().contains(&format!("\"id\":{visit},")),
            "a draft is not a requested visit: {requested}"
        );
        app.get(&teacher, "/api/visits?status=")
            .await
            .expect_status(StatusCode::OK);
        let body = app
            .get(&teacher, "/api/visits?status=gone")
            .await
            .expect_field_error(UNPROCESSABLE, "status");
        let words = body.to_string();
        assert!(
            words.contains("requested") && words.contains("signed_out") && words.contains("gone"),
            "the refusal lists the steps allowed and what was typed: {body}"
        );
    })
    .await;
}
