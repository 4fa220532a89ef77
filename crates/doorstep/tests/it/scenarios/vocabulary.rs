//! #13 item 1, the richer policy vocabulary, through the API as a school lives it: a rule the
//! policy only advises ("in pairs where possible") passed with a reason the authoriser sees; a
//! Saturday visit under "visits only take place on school days"; a deputy DSL reading a child's
//! chronology; term dates imported from an iCalendar file; and the `example-absence-protocol` preset, written from a policy text of its own,
//! loaded into a school with its rules holding.

use super::*;
use axum::http::Method;

/// The school's policy changed by its head: `change` edits the current settings. The change is
/// a draft until the body the policy names approves it (G1): the chair of governors for a
/// governing body, else the trust administrator for a trust board.
pub(super) async fn change_policy(app: &TestApp, domain: &str, change: impl FnOnce(&mut Value)) {
    let school = app.school(domain).await;
    let head = app.login(&school.email("head")).await;
    let path = format!("/api/schools/{}/policy", school.id);
    let mut policy = app.get(&head, &path).await.expect_status(OK);
    change(&mut policy["settings"]);
    let body = json!({ "settings": policy["settings"], "change_note": "Governors' review." });
    let draft = app.put(&head, &path, body).await.expect_status(CREATED);
    let approve = format!("/api/policy-drafts/{}/approve", draft["draft"]["id"]);
    let chair = app.login(&school.email("chair")).await;
    if app.post(&chair, &approve, json!({})).await.0 != OK {
        let admin = app.login(TRUST_ADMIN).await;
        app.post(&admin, &approve, json!({}))
            .await
            .expect_status(OK);
    }
}

#[tokio::test]
async fn an_advisory_pairs_rule_is_passed_with_a_reason_the_authoriser_sees() {
    for_each_backend(|app| async move {
        // HSP-style wording: "staff will visit in twos whenever possible".
        change_policy(&app, "harton.demo", |s| {
            s["staffing"]["minimum"] = json!(2);
            s["staffing"]["first_visit_minimum"] = json!(2);
            s["advisory_rules"] = json!(["staffing.minimum"]);
        })
        .await;
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let head = app.login(&school.email("head")).await;
        let lone = json!({ "visitors": [visitor(teacher.id, "class teacher")] });
        let visit = app.planned_visit(&teacher, "harton.demo", lone).await;
        let path = format!("/api/visits/{visit}/request");

        // Without a reason the advisory rule still stops the request, marked as advice.
        let refused = app.request(&teacher, visit).await;
        assert_eq!(refused.1["unmet"][0]["advisory"], true, "{}", refused.1);
        refused.expect_refused("P12", "staffing.minimum");
        // "ok" is not a reason.
        app.post(&teacher, &path, json!({ "advisory_reason": "ok" }))
            .await
            .expect_field_error(StatusCode::UNPROCESSABLE_ENTITY, "advisory_reason");

        let reason = "Second member of staff is off sick today";
        let body = app
            .post(&teacher, &path, json!({ "advisory_reason": reason }))
            .await
            .expect_status(OK);
        assert_eq!(body["visit"]["status"], "requested");
        assert_eq!(body["advisory_reason"], reason);

        // The authoriser sees it, on the visit and on the authorise page, and may authorise.
        let seen = app
            .get(&head, &format!("/api/visits/{visit}"))
            .await
            .expect_status(OK);
        assert_eq!(seen["advisory_reason"], reason);
        let page = app
            .get(&head, &format!("/authorise/{visit}"))
            .await
            .expect_status(OK);
        let page = page.as_str().unwrap_or_default();
        assert!(page.contains(reason), "the authorise page shows the reason");
        app.authorise(&head, visit, json!({}))
            .await
            .expect_status(OK);
    })
    .await;
}

#[tokio::test]
async fn a_required_rule_still_blocks_whatever_the_reason() {
    for_each_backend(|app| async move {
        change_policy(&app, "harton.demo", |s| {
            s["staffing"]["minimum"] = json!(2);
            s["staffing"]["first_visit_minimum"] = json!(2);
        })
        .await;
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let lone = json!({ "visitors": [visitor(teacher.id, "class teacher")] });
        let visit = app.planned_visit(&teacher, "harton.demo", lone).await;
        let reason = json!({ "advisory_reason": "Second member of staff is off sick" });
        let refused = app
            .post(&teacher, &format!("/api/visits/{visit}/request"), reason)
            .await;
        assert_eq!(refused.1["unmet"][0]["advisory"], false, "{}", refused.1);
        refused.expect_refused("P12", "staffing.minimum");
    })
    .await;
}

#[tokio::test]
async fn a_saturday_visit_is_refused_when_visits_take_place_on_school_days_only() {
    for_each_backend(|app| async move {
        change_policy(&app, "harton.demo", |s| {
            s["calendar"] = json!({ "visits_only_on_school_days": true });
        })
        .await;
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        // The tests start on Monday 23 November 2026; Saturday is the 28th.
        let saturday = json!({
            "planned_leave_school": "2026-11-28T10:00:00Z",
            "planned_arrive": "2026-11-28T10:20:00Z",
            "planned_leave_property": "2026-11-28T11:00:00Z",
            "planned_return": "2026-11-28T11:20:00Z",
        });
        let visit = app.planned_visit(&teacher, "harton.demo", saturday).await;
        let why = app
            .request(&teacher, visit)
            .await
            .expect_refused("P7", "calendar.visits_only_on_school_days");
        assert!(why.contains("Saturday 28 November 2026"), "{why}");

        let monday = app.planned_visit(&teacher, "harton.demo", json!({})).await;
        app.request(&teacher, monday).await.expect_status(OK);
    })
    .await;
}

#[tokio::test]
async fn a_deputy_dsl_reads_a_childs_chronology_as_the_dsl_does() {
    for_each_backend(|app| async move {
        let school = app.school("reach2.demo").await;
        let head = app.login(&school.email("head")).await;
        let email = "deputy.dsl@reach2.demo";
        let made = app
            .post(
                &head,
                "/api/staff",
                json!({
                    "name": "Dee Deputy",
                    "email": email,
                    "mobile": "07700 900998",
                    "job_title": "Deputy Designated Safeguarding Lead",
                    "roles": ["deputy_dsl"],
                    "password": PASSWORD,
                }),
            )
            .await
            .expect_status(CREATED);
        assert_eq!(made["roles"], json!(["deputy_dsl"]));
        let deputy = app.login(email).await;
        let path = format!("/api/pupils/{}/chronology", school.ava);
        app.get(&deputy, &path).await.expect_status(OK);
        app.get(&app.login(&school.email("dsl")).await, &path)
            .await
            .expect_status(OK);
        // The teacher, on no visit for Ava, does not.
        app.get(&app.login(&school.email("teacher")).await, &path)
            .await
            .expect_status(StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn the_example_absence_protocol_loads_and_its_rules_hold() {
    for_each_backend(|app| async move {
        let school = app.school("hsp.demo").await;
        let head = app.login(&school.email("head")).await;
        let presets = app.get(&head, "/api/presets").await.expect_status(OK);
        let preset = presets
            .as_array()
            .and_then(|all| all.iter().find(|p| p["name"] == "example-absence-protocol"))
            .unwrap_or_else(|| panic!("no example-absence-protocol in {presets}"))
            .clone();
        change_policy(&app, "hsp.demo", |s| *s = preset["settings"].clone()).await;
        let teacher = app.login(&school.email("teacher")).await;
        let liaison = school.staff("liaison");
        let absence = |visitors: Value| {
            json!({ "reason_category": "first_day_absence", "visitors": visitors })
        };

        // 3.1 "the attendance lead and one other": the teacher and the senior leader are refused.
        let pair = json!([
            visitor(teacher.id, "class teacher"),
            visitor(school.staff("senior"), "deputy head"),
        ]);
        let visit = app
            .planned_visit(&teacher, "hsp.demo", absence(pair))
            .await;
        let why = app
            .request(&teacher, visit)
            .await
            .expect_refused("P12", "reasons.led_by");
        assert!(why.contains("the attendance lead"), "{why}");

        // With the attendance lead it goes ahead.
        let pair = json!([
            visitor(teacher.id, "class teacher"),
            visitor(liaison, "attendance lead"),
        ]);
        let visit = app
            .planned_visit(&teacher, "hsp.demo", absence(pair))
            .await;
        app.request(&teacher, visit).await.expect_status(OK);

        // 2.2 "between 08:30 and 16:30": a visit at 16:00 running to 17:00 is outside it.
        let late = json!({
            "planned_leave_school": app.at("16:00"),
            "planned_arrive": app.at("16:15"),
            "planned_leave_property": app.at("17:00"),
            "planned_return": app.at("17:15"),
        });
        let visit = app.planned_visit(&teacher, "hsp.demo", late).await;
        app.request(&teacher, visit)
            .await
            .expect_refused("P7", "calendar.visits_only_within_working_hours");
    })
    .await;
}

#[tokio::test]
async fn term_dates_imported_from_an_ical_file_make_the_holidays_no_school_days() {
    for_each_backend(|app| async move {
        change_policy(&app, "harton.demo", |s| {
            s["calendar"] = json!({ "visits_only_on_school_days": true });
        })
        .await;
        let school = app.school("harton.demo").await;
        let head = app.login(&school.email("head")).await;
        let teacher = app.login(&school.email("teacher")).await;
        let path = format!("/api/schools/{}/calendar/terms", school.id);
        // The first half of the autumn term ended on Friday 20 November; the second starts on
        // Monday 30th (a made-up calendar: the tests run on Monday the 23rd).
        let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example LA//Terms//EN\r\n\
BEGIN:VEVENT\r\nUID:a1@la\r\nSUMMARY:Autumn 1\r\nDTSTART;VALUE=DATE:20260903\r\nDTEND;VALUE=DATE:20261121\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:a2@la\r\nSUMMARY:Autumn 2\r\nDTSTART;VALUE=DATE:20261130\r\nDTEND;VALUE=DATE:20261219\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";
        let teacher_tries = app
            .send_raw(&teacher, Method::PUT, &path, Some("text/calendar"), ics)
            .await;
        assert_eq!(teacher_tries.0, FORBIDDEN, "{}", teacher_tries.1);
        let bad = app
            .send_raw(&head, Method::PUT, &path, Some("text/calendar"), "hello")
            .await;
        bad.expect_field_error(StatusCode::UNPROCESSABLE_ENTITY, "ics");
        let draft = app
            .send_raw(&head, Method::PUT, &path, Some("text/calendar"), ics)
            .await
            .expect_status(CREATED);
        // Term dates are part of the policy: in force once the governing body approves (G1).
        let chair = app.login(&school.email("chair")).await;
        let approve = format!("/api/policy-drafts/{}/approve", draft["draft"]["id"]);
        app.post(&chair, &approve, json!({}))
            .await
            .expect_status(OK);
        let version = app
            .get(&head, &format!("/api/schools/{}/policy", school.id))
            .await
            .expect_status(OK);
        let terms = &version["settings"]["calendar"]["terms"];
        assert_eq!(terms[0]["name"], "Autumn 1");
        assert_eq!(terms[0]["last_day"], "2026-11-20");

        let visit = app.planned_visit(&teacher, "harton.demo", json!({})).await;
        let why = app
            .request(&teacher, visit)
            .await
            .expect_refused("P7", "calendar.visits_only_on_school_days");
        assert!(why.contains("Monday 23 November 2026"), "{why}");
    })
    .await;
}

/// Terms as an iCal file: the autumn term from 3 September to `autumn_ends` (inclusive, given
/// as the all-day DTEND, the day after).
fn autumn_term(dtend: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example LA//Terms//EN\r\n\
BEGIN:VEVENT\r\nUID:a1@la\r\nSUMMARY:Autumn\r\nDTSTART;VALUE=DATE:20260903\r\nDTEND;VALUE=DATE:{dtend}\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n"
    )
}

#[tokio::test]
async fn two_schools_on_one_trust_policy_keep_their_own_terms_and_judge_the_same_day_differently() {
    for_each_backend(|app| async move {
        let kingsdown = app.school("kingsdown.demo").await;
        let reach2 = app.school("reach2.demo").await;
        let admin = app.login(TRUST_ADMIN).await;
        let adopted = json!({ "schools": [kingsdown.id, reach2.id], "school_may_change": [] });
        app.put(&admin, "/api/trust/policy", adopted)
            .await
            .expect_status(OK);
        // The trust's rule, for both schools: visits only take place on school days.
        let path = format!("/api/schools/{}/policy", kingsdown.id);
        let mut policy = app.get(&admin, &path).await.expect_status(OK);
        policy["settings"]["calendar"]["visits_only_on_school_days"] = json!(true);
        let body = json!({ "settings": policy["settings"], "change_note": "School days only." });
        let draft = app.put(&admin, &path, body).await.expect_status(CREATED);
        let approve = format!("/api/policy-drafts/{}/approve", draft["draft"]["id"]);
        app.post(&admin, &approve, json!({}))
            .await
            .expect_status(OK);
        // Each school's head imports its own terms: Kingsdown broke up on Friday 20 November,
        // REAch2 runs to 18 December. Neither is refused as the trust's setting.
        for (school, dtend) in [(&kingsdown, "20261121"), (&reach2, "20261219")] {
            let head = app.login(&school.email("head")).await;
            let terms = format!("/api/schools/{}/calendar/terms", school.id);
            let draft = app
                .send_raw(
                    &head,
                    Method::PUT,
                    &terms,
                    Some("text/calendar"),
                    autumn_term(dtend),
                )
                .await
                .expect_status(CREATED);
            assert_eq!(draft["draft"]["for_trust"], false, "{draft}");
            let approve = format!("/api/policy-drafts/{}/approve", draft["draft"]["id"]);
            let chair = app.login(&school.email("chair")).await;
            if app.post(&chair, &approve, json!({})).await.0 != OK {
                app.post(&admin, &approve, json!({}))
                    .await
                    .expect_status(OK);
            }
        }
        let terms_of = |s: &crate::helpers::DemoSchool| format!("/api/schools/{}/policy", s.id);
        let k = app
            .get(&admin, &terms_of(&kingsdown))
            .await
            .expect_status(OK);
        let r = app.get(&admin, &terms_of(&reach2)).await.expect_status(OK);
        assert_eq!(
            k["settings"]["calendar"]["terms"][0]["last_day"],
            "2026-11-20"
        );
        assert_eq!(
            r["settings"]["calendar"]["terms"][0]["last_day"],
            "2026-12-18"
        );
        assert_eq!(
            k["settings"]["calendar"]["visits_only_on_school_days"],
            true
        );
        assert_eq!(
            r["settings"]["calendar"]["visits_only_on_school_days"],
            true
        );

        // Monday 23 November: no school day at Kingsdown, a school day at REAch2.
        let teacher = app.login(&kingsdown.email("teacher")).await;
        let visit = app
            .planned_visit(&teacher, "kingsdown.demo", json!({}))
            .await;
        app.request(&teacher, visit)
            .await
            .expect_refused("P7", "calendar.visits_only_on_school_days");
        let teacher = app.login(&reach2.email("teacher")).await;
        let visit = app.planned_visit(&teacher, "reach2.demo", json!({})).await;
        let (status, body) = app.request(&teacher, visit).await;
        let unmet = body["unmet"].as_array().cloned().unwrap_or_default();
        assert!(
            !unmet
                .iter()
                .any(|u| u["rule"] == "calendar.visits_only_on_school_days"),
            "{status} {body}"
        );
    })
    .await;
}
