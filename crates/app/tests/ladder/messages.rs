//! Messages fit their channel (#11 item 7): every SMS the five presets can produce — each rung,
//! each alarm kind, each reminder — for a family and staff with long accented names is GSM-7, at
//! most three segments, and names no child and no street; e-mails carry the information pack
//! only on the rung the policy marks for the police contact.

use crate::helpers::{TestApp, backends, minutes};
use app::messages::Links;
use app::messages::gsm7::{is_gsm7, segments};
use app::messages::sms::MAX_SEGMENTS;
use app::{AlarmRequest, Channels, MonitorSettings};
use chrono::NaiveDate;
use domain::monitor::AlarmKind;
use domain::policy::presets;
use domain::roles::{Role, RoleSet};
use domain::visit::{VisitState, VisitStep};
use store::{NewHousehold, NewPupil, NewStaff, NewVisit, Notification, Visit, VisitorOnPlan};

const FAMILY: &str = "Wąsik-Łukaszewska";
const CHILD: &str = "Zuzanna Wąsik-Łukaszewska";
const STREET: &str = "27 Świętokrzyska Road";
const PUBLIC_URL: &str = "https://doorstep.st-josephs-catholic-academy.sch.uk";

/// A visit by two staff with accented names to the Wąsik-Łukaszewska family in Harton, signed out.
async fn accented_visit(app: &TestApp) -> Visit {
    let now = app.now();
    let school = app.db.school(app.school).await.unwrap();
    let mut tx = app.db.begin().await.unwrap();
    let mut visitors = Vec::new();
    for (name, email, mobile) in [
        (
            "Małgorzata Dąbrowska-Szczęsna",
            "mds@school.test",
            "07700900201",
        ),
        ("Siân Llŵyd-Ŵilliams", "sian@school.test", "07700900202"),
    ] {
        let id = tx
            .create_staff(
                &NewStaff {
                    trust: school.trust_id,
                    school: Some(app.school),
                    name,
                    email,
                    mobile: Some(mobile),
                    job_title: None,
                    password_hash: "not-a-real-hash",
                    roles: &RoleSet::new(vec![Role::VisitingStaff]),
                },
                now,
            )
            .await
            .unwrap();
        visitors.push(VisitorOnPlan {
            staff: id,
            role_on_visit: "Class teacher".into(),
            is_driver: false,
        });
    }
    let household = tx
        .create_household(
            &NewHousehold {
                school: app.school,
                family_name: FAMILY,
                address: &format!("{STREET}, Harton"),
                postcode: "NE34 6XX",
                landline: None,
                language_notes: None,
                pets: None,
            },
            now,
        )
        .await
        .unwrap();
    let pupil = tx
        .create_pupil(&NewPupil {
            school: app.school,
            household,
            name: CHILD,
            date_of_birth: NaiveDate::from_ymd_opt(2016, 2, 1).unwrap(),
            height_cm: None,
            year_group: Some("Year 5"),
        })
        .await
        .unwrap();
    let id = tx
        .create_visit(
            &NewVisit {
                school: app.school,
                pupil,
                household,
                policy_version: app.policy.id,
                reason_category: "attendance_concern",
                purpose: "Safe and well check",
                parents_could_come_in: Some(false),
                parents_come_in_note: None,
                appointment: "arranged",
                agenda: None,
                unannounced_reason: None,
                expect_to_see: Some("Zuzanna and her mother"),
                planned_leave_school: now,
                planned_arrive: now + minutes(10),
                planned_leave_property: now + minutes(240),
                planned_return: now + minutes(270),
                returns_to: "school",
                first_visit: false,
                joint_agency: None,
                transport: None,
                buddy: Some(app.people.buddy),
                backup: None,
                code_word: None,
                vehicle: None,
                visitors: &visitors,
                rescheduled_from: None,
            },
            app.people.head,
            now,
        )
        .await
        .unwrap();
    let authorised = VisitState::Authorised {
        authorised_at: now,
        authorised_by: app.people.head,
    };
    tx.set_visit_state(id, 1, &authorised, now).await.unwrap();
    tx.commit().await.unwrap();
    let visit = app.db.visit(id).await.unwrap();
    app.step(&visit, VisitStep::SignOut).await
}

/// Everything queued about the visit, to anyone.
async fn messages_of(app: &TestApp, visit: &Visit) -> Vec<Notification> {
    let school = app.db.school(app.school).await.unwrap();
    let mut all = Vec::new();
    for person in app
        .db
        .staff_list(school.trust_id, Some(app.school))
        .await
        .unwrap()
    {
        let to = app.db.notifications_to(person.id, 1000).await.unwrap();
        all.extend(to.into_iter().filter(|n| n.visit_id == Some(visit.id.0)));
    }
    all
}

#[tokio::test]
async fn every_sms_of_every_preset_is_gsm7_short_and_names_no_child_or_street() {
    for preset in presets::names() {
        for backend in backends() {
            let app = TestApp::start(backend, preset).await;
            let b = app.backend;
            let settings = MonitorSettings {
                links: Links::new(PUBLIC_URL).unwrap(),
                ..MonitorSettings::new("test")
            };
            let monitor = app::Monitor::new(
                app.db.clone(),
                app.clock.clone(),
                Channels::default(),
                settings,
            );
            let visit = accented_visit(&app).await;
            // The first check-in's reminder, then every alarm kind at once, then time enough
            // for every rung of every ladder (and the missed check-ins' own alarms).
            let check_in = &app.policy.settings.check_in;
            let remind_at = check_in.interval_minutes - check_in.remind_before_minutes;
            app.advance(minutes(i64::from(remind_at)));
            app.pass(&monitor).await;
            for kind in AlarmKind::ALL {
                let request = AlarmRequest {
                    kind,
                    raised_by: Some(app.people.buddy),
                    detail: serde_json::json!({}),
                };
                app::raise(&app.db, &visit, &request, app.now())
                    .await
                    .unwrap();
            }
            for _ in 0..4 {
                app.advance(minutes(30));
                app.pass(&monitor).await;
            }

            let all = messages_of(&app, &visit).await;
            let sms: Vec<&Notification> = all.iter().filter(|n| n.channel == "sms").collect();
            let reminders = sms.iter().filter(|n| n.alarm_id.is_none()).count();
            assert!(reminders > 0, "[{b}] {preset}: no reminder by SMS");
            let kinds_by_sms: std::collections::BTreeSet<i64> =
                sms.iter().filter_map(|n| n.alarm_id).collect();
            assert!(
                kinds_by_sms.len() >= AlarmKind::ALL.len() - 1,
                "[{b}] {preset}: every alarm but the slip's goes by SMS: {kinds_by_sms:?}"
            );
            // An unanswered slip's alarm links to the child-missing pack (#13), the rest to the
            // information pack.
            let slip_alarms: Vec<i64> = app
                .alarms_of(&visit)
                .await
                .iter()
                .filter(|a| a.kind == AlarmKind::SlipDeadlinePassed.as_str())
                .map(|a| a.id)
                .collect();
            for n in &sms {
                let body = &n.body;
                assert!(is_gsm7(body), "[{b}] {preset}: not GSM-7: {body}");
                let count = segments(body).unwrap();
                assert!(
                    count <= MAX_SEGMENTS,
                    "[{b}] {preset}: {count} segments: {body}"
                );
                for secret in ["Zuzanna", "Swietokrzyska", "27 ", "Road", "NE34 6XX"] {
                    assert!(
                        !body.contains(secret),
                        "[{b}] {preset}: {secret:?} in {body}"
                    );
                }
                assert!(body.contains("Wasik-Lukaszewska family"), "{body}");
                assert!(body.contains("Harton"), "[{b}] the place in a word: {body}");
                assert!(body.contains(PUBLIC_URL), "[{b}] a link: {body}");
                if let Some(alarm) = n.alarm_id {
                    let pack = if slip_alarms.contains(&alarm) {
                        "child-missing"
                    } else {
                        "pack"
                    };
                    assert!(
                        body.contains(&format!("{PUBLIC_URL}/visits/{}/{pack}", visit.id)),
                        "[{b}] the link to the {pack}: {body}"
                    );
                    assert!(
                        body.contains("Dabrowska-Szczesna") && body.contains("Llwyd-Williams"),
                        "[{b}] {preset}: the staff: {body}"
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn only_the_police_contact_rung_emails_the_information_pack() {
    for preset in presets::names() {
        for backend in backends() {
            let app = TestApp::start(backend, preset).await;
            let b = app.backend;
            let monitor = app.monitor(Channels::default());
            let visit = app.out_on_a_visit().await;
            let request = AlarmRequest {
                kind: AlarmKind::OverdueReturn,
                raised_by: None,
                detail: serde_json::json!({}),
            };
            let id = app::raise(&app.db, &visit, &request, app.now())
                .await
                .unwrap();
            app.advance(minutes(120));
            app.pass(&monitor).await;
            let alarm = app.db.alarm(id).await.unwrap();
            let ladder = &app.policy.settings.escalation;
            assert_eq!(
                ladder.iter().filter(|l| l.information_pack).count(),
                1,
                "[{b}] {preset}: one rung is marked for the police contact"
            );
            for (i, level) in ladder.iter().enumerate() {
                for n in app.level_messages(&alarm, i).await {
                    let has_pack = n.body.contains("INFORMATION PACK");
                    match n.channel.as_str() {
                        "sms" => assert!(!has_pack && !n.body.contains("Westoe")),
                        _ => assert_eq!(
                            has_pack, level.information_pack,
                            "[{b}] {preset}: rung {i} by {}: {}",
                            n.channel, n.body
                        ),
                    }
                    if !has_pack {
                        assert!(
                            !n.body.contains("Ava") && !n.body.contains("Westoe Road"),
                            "[{b}] {preset}: no child's name, no address: {}",
                            n.body
                        );
                        assert!(n.body.contains(&format!("/visits/{}/pack", visit.id)));
                    }
                }
            }
        }
    }
}
