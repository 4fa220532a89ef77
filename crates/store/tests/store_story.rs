//! One story through the store API, run on SQLite and on a throwaway PostgreSQL.

// A panic is how a test fails; the workspace's `unwrap_used` lint is for production code.
#![allow(clippy::unwrap_used)]

use chrono::{NaiveDate, TimeZone, Utc};
use domain::policy::presets::preset;
use domain::visit::{VisitState, VisitStep, apply};
use domain::{Role, RoleSet, StaffId};
use doorstep_store::{
    AuditEntry, Db, NewHousehold, NewPupil, NewStaff, NewVisit, Secrets, StoreError, VisitFilter,
    VisitorOnPlan,
};

async fn backends() -> Vec<(&'static str, Db, Option<tempfile_guard::Guard>)> {
    let mut out = Vec::new();
    let (dir, url) = testkit::fresh_sqlite_url();
    out.push((
        "sqlite",
        Db::connect(&url, Secrets::for_tests())
            .await
            .expect("sqlite opens"),
        Some(tempfile_guard::Guard(dir)),
    ));
    if let Some(url) = testkit::fresh_postgres_url() {
        out.push((
            "postgres",
            Db::connect(&url, Secrets::for_tests())
                .await
                .expect("postgres opens"),
            None,
        ));
    }
    out
}

mod tempfile_guard {
    pub struct Guard(#[allow(dead_code)] pub tempfile::TempDir);
}

#[tokio::test]
async fn both_migration_folders_build_the_same_tables_and_columns() {
    let dbs = backends().await;
    if dbs.len() < 2 {
        eprintln!("PostgreSQL not installed here; schema comparison skipped");
        return;
    }
    let sqlite = dbs[0].1.schema_outline().await.unwrap();
    let pg = dbs[1].1.schema_outline().await.unwrap();
    assert!(sqlite.len() > 50);
    assert_eq!(sqlite, pg);
}

#[tokio::test]
async fn a_visit_is_planned_moved_and_audited_on_every_backend() {
    for (name, db, _guard) in backends().await {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
        let mut tx = db.begin().await.unwrap();
        let trust = tx.create_trust("Test Trust").await.unwrap();
        let school = tx
            .create_school(trust, "Harton Academy", None, "harton", now)
            .await
            .unwrap();
        let settings = preset("harton").unwrap();
        let policy = tx
            .add_policy_version(
                school,
                "harton",
                &settings,
                now.date_naive(),
                NaiveDate::from_ymd_opt(2027, 11, 1).unwrap(),
                None,
                None,
                now,
            )
            .await
            .unwrap();
        let roles = RoleSet::new(vec![Role::VisitingStaff]);
        let ann = tx
            .create_staff(
                &NewStaff {
                    trust,
                    school: Some(school),
                    name: "Ann",
                    email: "ann@x.org",
                    mobile: Some("07700900001"),
                    job_title: None,
                    password_hash: "h",
                    roles: &roles,
                },
                now,
            )
            .await
            .unwrap();
        let dup = tx
            .create_staff(
                &NewStaff {
                    trust,
                    school: Some(school),
                    name: "Ann 2",
                    email: "ann@x.org",
                    mobile: None,
                    job_title: None,
                    password_hash: "h",
                    roles: &roles,
                },
                now,
            )
            .await;
        assert!(
            matches!(dup, Err(StoreError::Conflict { field: "email", .. })),
            "{name}"
        );
        // The refused insert rolls the whole transaction back: no trust, school or staff is left.
        drop(tx);
        assert!(
            db.staff_list(trust, None).await.unwrap().is_empty(),
            "{name}"
        );
        let mut tx = db.begin().await.unwrap();
        let trust = tx.create_trust("Test Trust 2").await.unwrap();
        let school = tx
            .create_school(trust, "Harton Academy", None, "harton", now)
            .await
            .unwrap();
        let policy2 = tx
            .add_policy_version(
                school,
                "harton",
                &settings,
                now.date_naive(),
                NaiveDate::from_ymd_opt(2027, 11, 1).unwrap(),
                None,
                None,
                now,
            )
            .await
            .unwrap();
        let _ = (policy, ann);
        let ann = tx
            .create_staff(
                &NewStaff {
                    trust,
                    school: Some(school),
                    name: "Ann",
                    email: "ann2@x.org",
                    mobile: Some("07700900001"),
                    job_title: None,
                    password_hash: "h",
                    roles: &roles,
                },
                now,
            )
            .await
            .unwrap();
        let household = tx
            .create_household(
                &NewHousehold {
                    school,
                    family_name: "O'Brien",
                    address: "1 High St",
                    postcode: "NE34 6DL",
                    landline: None,
                    language_notes: None,
                    pets: Some("dog"),
                },
                now,
            )
            .await
            .unwrap();
        let pupil = tx
            .create_pupil(&NewPupil {
                school,
                household,
                name: "Sam O'Brien",
                date_of_birth: NaiveDate::from_ymd_opt(2015, 3, 1).unwrap(),
                height_cm: Some(140),
                year_group: Some("6"),
            })
            .await
            .unwrap();
        let visitors = [VisitorOnPlan {
            staff: ann,
            role_on_visit: "class teacher".into(),
            is_driver: false,
        }];
        let plan = NewVisit {
            school,
            pupil,
            household,
            policy_version: policy2.id,
            reason_category: "attendance_concern",
            purpose: "Talk about attendance",
            parents_could_come_in: Some(false),
            parents_come_in_note: None,
            appointment: "agreed",
            agenda: None,
            unannounced_reason: None,
            expect_to_see: Some("Mum"),
            planned_leave_school: now,
            planned_arrive: now + chrono::Duration::minutes(15),
            planned_leave_property: now + chrono::Duration::minutes(60),
            planned_return: now + chrono::Duration::minutes(80),
            returns_to: "school",
            first_visit: true,
            joint_agency: None,
            transport: None,
            buddy: None,
            backup: None,
            code_word: Some("Mr Jones"),
            vehicle: None,
            visitors: &visitors,
            rescheduled_from: None,
        };
        let visit = tx.create_visit(&plan, ann, now).await.unwrap();
        tx.append_audit(&AuditEntry {
            at: now,
            actor: Some(ann),
            school: Some(school),
            action: "visit.create".into(),
            subject_type: "visit",
            subject_id: Some(visit.0),
            detail: serde_json::json!({}),
        })
        .await
        .unwrap();
        tx.commit().await.unwrap();

        let stored = db.visit(visit).await.unwrap();
        assert_eq!(stored.staff.len(), 1, "{name}");
        assert_eq!(stored.planned_arrive, plan.planned_arrive, "{name}");
        assert!(stored.involves(ann));
        assert!(!stored.involves(StaffId(999)));

        let next = apply(&stored.state.0, VisitStep::Request { by: ann }, now).unwrap();
        let mut tx = db.begin().await.unwrap();
        let rev = tx
            .set_visit_state(visit, stored.revision, &next, now)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        // A second writer holding the old revision is refused.
        let mut tx = db.begin().await.unwrap();
        let stale = tx
            .set_visit_state(visit, stored.revision, &VisitState::Draft, now)
            .await;
        assert!(
            matches!(
                stale,
                Err(StoreError::Conflict {
                    field: "revision",
                    ..
                })
            ),
            "{name}"
        );
        drop(tx);
        let reread = db.visit(visit).await.unwrap();
        assert_eq!(reread.revision, rev);
        assert_eq!(reread.status, "requested");

        let mine = db
            .visits(&VisitFilter {
                involving: Some(ann),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].family_name, "O'Brien");
        let others = db
            .visits(&VisitFilter {
                involving: Some(StaffId(999)),
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(others.is_empty());

        let trail = db.audit_trail(trust, None, None, 10).await.unwrap();
        assert_eq!(trail.len(), 1, "{name}");
        // The audit trail cannot be rewritten.
        let tamper = match &db {
            Db::Sqlite(p, _) => sqlx::query("update audit_log set action = 'x'")
                .execute(p)
                .await
                .map(|_| ()),
            Db::Pg(p, _) => sqlx::query("delete from audit_log")
                .execute(p)
                .await
                .map(|_| ()),
        };
        assert!(tamper.is_err(), "{name}: audit log accepted a change");

        // A status this version does not know (a newer version wrote it, or the row was edited
        // by hand) fails the read naming the column and the value: never a default, never
        // a visit silently left out of a list.
        const UNKNOWN: &str = "update visits set status = 'on_hold'";
        match &db {
            Db::Sqlite(p, _) => sqlx::query(UNKNOWN).execute(p).await.map(|_| ()),
            Db::Pg(p, _) => sqlx::query(UNKNOWN).execute(p).await.map(|_| ()),
        }
        .unwrap();
        let one = db.visit(visit).await.unwrap_err().to_string();
        let listed = db
            .visits(&VisitFilter {
                involving: Some(ann),
                ..Default::default()
            })
            .await
            .unwrap_err()
            .to_string();
        for e in [one, listed] {
            assert!(
                e.contains("status")
                    && e.contains("'on_hold' is not a visit status Doorstep knows"),
                "{name}: {e}"
            );
        }
    }
}

#[tokio::test]
async fn the_board_reads_everyone_out_with_their_staff_and_deadlines_on_every_backend() {
    use doorstep_store::{NewDeadline, Watch};
    for (name, db, _guard) in backends().await {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
        let minutes = chrono::Duration::minutes;
        let mut tx = db.begin().await.unwrap();
        let trust = tx.create_trust("Board Trust").await.unwrap();
        let school = tx
            .create_school(trust, "Harton Academy", None, "harton", now)
            .await
            .unwrap();
        let policy = tx
            .add_policy_version(
                school,
                "harton",
                &preset("harton").unwrap(),
                now.date_naive(),
                NaiveDate::from_ymd_opt(2027, 11, 1).unwrap(),
                None,
                None,
                now,
            )
            .await
            .unwrap();
        let roles = RoleSet::new(vec![Role::VisitingStaff]);
        let mut people = Vec::new();
        for who in ["Zoe", "Ann", "Cara"] {
            people.push(
                tx.create_staff(
                    &NewStaff {
                        trust,
                        school: Some(school),
                        name: who,
                        email: &format!("{who}@board.test"),
                        mobile: None,
                        job_title: None,
                        password_hash: "h",
                        roles: &roles,
                    },
                    now,
                )
                .await
                .unwrap(),
            );
        }
        let household = tx
            .create_household(
                &NewHousehold {
                    school,
                    family_name: "Khan",
                    address: "3 Marsden Lane",
                    postcode: "NE34 7AB",
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
                school,
                household,
                name: "Zara Khan",
                date_of_birth: NaiveDate::from_ymd_opt(2014, 11, 2).unwrap(),
                height_cm: None,
                year_group: None,
            })
            .await
            .unwrap();
        // Zoe drives, so she is named first; then the rest by name.
        let visitors = [
            VisitorOnPlan {
                staff: people[1],
                role_on_visit: "teacher".into(),
                is_driver: false,
            },
            VisitorOnPlan {
                staff: people[0],
                role_on_visit: "liaison".into(),
                is_driver: true,
            },
        ];
        let visit = tx
            .create_visit(
                &NewVisit {
                    school,
                    pupil,
                    household,
                    policy_version: policy.id,
                    reason_category: "attendance_concern",
                    purpose: "Attendance",
                    parents_could_come_in: Some(false),
                    parents_come_in_note: None,
                    appointment: "agreed",
                    agenda: None,
                    unannounced_reason: None,
                    expect_to_see: None,
                    planned_leave_school: now,
                    planned_arrive: now + minutes(15),
                    planned_leave_property: now + minutes(60),
                    planned_return: now + minutes(80),
                    returns_to: "school",
                    first_visit: true,
                    joint_agency: None,
                    transport: None,
                    buddy: Some(people[2]),
                    backup: None,
                    code_word: None,
                    vehicle: None,
                    visitors: &visitors,
                    rescheduled_from: None,
                },
                people[1],
                now,
            )
            .await
            .unwrap();
        tx.put_watch(&Watch {
            visit_id: visit.0,
            school_id: school.0,
            signed_out_at: now,
            last_contact_at: now,
            extended_until: None,
            arrived: false,
            left_property: false,
            last_latitude: None,
            last_longitude: None,
            buddy_staff_id: Some(people[2].0),
            buddy_left_at: None,
        })
        .await
        .unwrap();
        tx.set_deadlines(
            visit,
            school,
            &[
                NewDeadline {
                    kind: "check_in",
                    due_at: now + minutes(30),
                    fires_at: now + minutes(35),
                    remind_at: None,
                },
                NewDeadline {
                    kind: "return",
                    due_at: now + minutes(80),
                    fires_at: now + minutes(90),
                    remind_at: None,
                },
            ],
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();

        let rows = db.out_now(school, now).await.unwrap();
        assert_eq!(rows.len(), 1, "{name}");
        let row = &rows[0];
        assert_eq!(
            row.staff,
            vec!["Zoe".to_string(), "Ann".to_string()],
            "{name}"
        );
        assert_eq!(row.family_name, "Khan", "{name}");
        assert_eq!(row.buddy_name.as_deref(), Some("Cara"), "{name}");
        assert_eq!(row.next_due, Some(now + minutes(30)), "{name}");
        assert_eq!(row.return_due, Some(now + minutes(80)), "{name}");
        assert!(!row.late, "{name}");
        // Past the check-in's firing time the visit is late, fired or not.
        assert!(
            db.out_now(school, now + minutes(36)).await.unwrap()[0].late,
            "{name}"
        );
        let _ = StaffId(0);
    }
}
