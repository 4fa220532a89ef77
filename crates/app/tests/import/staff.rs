//! `import_staff` on a staff CSV, as the head would see it: on SQLite and PostgreSQL.

use crate::helpers::{TestApp, backends};
use app::import::{ImportReport, Importer, StaffCsvInput, import_staff};
use domain::Role;
use store::Staff;

/// Two new colleagues, one existing one (e-mail in other case, new mobile and a new role), a
/// bad e-mail, an unknown role, a mobile that is not a UK mobile, and a new DSL.
const FILE: &str = "name,email,mobile,roles
Nadia Newton,n.newton@school.test,07700 900201,visiting_staff
Piotr Wąsik,P.Wasik@School.test,+44 7700 900202,visiting_staff;office
Tom Teacher,TEACHER@school.test,07700 900999,visiting_staff;attendance_lead
Bad Address,not-an-email,07700900203,office
Odd Role,odd.role@school.test,07700900204,caretaker
Landline Lou,lou@school.test,0191 456 1234,office
New Lead,new.lead@school.test,07700900205,visiting_staff;dsl
";

async fn run(t: &TestApp, me: &Staff, csv: &str, dry_run: bool) -> ImportReport {
    let input = StaffCsvInput {
        school_id: None,
        csv: csv.into(),
        dry_run,
    };
    import_staff(&t.app(), Importer::Person(me), &input, t.now())
        .await
        .unwrap()
}

async fn staff_emails(t: &TestApp, me: &Staff) -> Vec<String> {
    let mut all: Vec<String> =
        t.db.staff_list(me.trust_id, Some(t.school))
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.email)
            .collect();
    all.sort();
    all
}

#[tokio::test]
async fn a_staff_csv_adds_and_updates_by_email_names_bad_rows_and_grants_no_senior_role() {
    for backend in backends() {
        let t = TestApp::start(backend, "harton").await;
        let b = t.backend;
        let head = t.db.staff(t.people.head).await.unwrap();
        let before = staff_emails(&t, &head).await;

        let dry = run(&t, &head, FILE, true).await;
        assert_eq!(dry.counts("staff"), (2, 1, 0), "[{b}] {}", dry.to_text());
        assert_eq!(
            staff_emails(&t, &head).await,
            before,
            "[{b}] a dry run writes nothing"
        );
        let trail =
            t.db.audit_trail(head.trust_id, Some(t.school), None, 1000)
                .await
                .unwrap();
        assert!(
            !trail.iter().any(|r| r.action.starts_with("import.")),
            "[{b}]"
        );

        let report = run(&t, &head, FILE, false).await;
        assert_eq!(
            report.counts("staff"),
            (2, 1, 0),
            "[{b}] {}",
            report.to_text()
        );
        assert_eq!(report.changed[0].detail, "mobile, roles", "[{b}]");
        let problems: Vec<(&str, &str)> = report
            .problems
            .iter()
            .map(|p| (p.element.as_str(), p.reason.as_str()))
            .collect();
        assert_eq!(problems.len(), 3, "[{b}] {problems:?}");
        assert_eq!(problems[0].0, "line 5, column email", "[{b}]");
        assert!(
            problems[0].1.contains("is not an e-mail address"),
            "[{b}] {}",
            problems[0].1
        );
        assert_eq!(problems[1].0, "line 6, column roles", "[{b}]");
        assert!(problems[1].1.contains("'caretaker' is not a role"), "[{b}]");
        assert_eq!(problems[2].0, "line 7, column mobile", "[{b}]");
        assert!(problems[2].1.contains("not a UK mobile number"), "[{b}]");
        assert_eq!(report.needs_trust_admin.len(), 1, "[{b}]");
        assert_eq!(
            report.needs_trust_admin[0].element, "line 8, column roles",
            "[{b}]"
        );
        assert!(
            report.needs_trust_admin[0]
                .reason
                .contains("the designated safeguarding lead"),
            "[{b}]"
        );

        let after = staff_emails(&t, &head).await;
        assert_eq!(after.len(), before.len() + 2, "[{b}] {after:?}");
        assert!(after.contains(&"p.wasik@school.test".to_string()), "[{b}]");
        assert!(
            !after.contains(&"new.lead@school.test".to_string()),
            "[{b}] no DSL made"
        );
        let tom = t.db.staff(t.people.teacher).await.unwrap();
        assert_eq!(
            tom.mobile.as_ref().map(|m| m.as_str()),
            Some("07700900999"),
            "[{b}]"
        );
        assert!(tom.roles.has(Role::AttendanceLead), "[{b}]");
        assert_eq!(
            t.db.staff_login("teacher@school.test")
                .await
                .unwrap()
                .map(|(id, _)| id),
            Some(t.people.teacher),
            "[{b}] the e-mail is the key, not changed"
        );
        let piotr =
            t.db.staff_list(head.trust_id, Some(t.school))
                .await
                .unwrap()
                .into_iter()
                .find(|s| s.email == "p.wasik@school.test")
                .unwrap();
        assert_eq!(piotr.name, "Piotr Wąsik", "[{b}]");
        assert_eq!(
            piotr.mobile.as_ref().map(|m| m.as_str()),
            Some("+447700900202"),
            "[{b}]"
        );
        let trail =
            t.db.audit_trail(head.trust_id, Some(t.school), None, 1000)
                .await
                .unwrap();
        let actions: Vec<&str> = trail
            .iter()
            .filter(|r| r.action.starts_with("import."))
            .map(|r| r.action.as_str())
            .collect();
        assert_eq!(actions.len(), 2 + 1 + 1, "[{b}] {actions:?}");
        assert_eq!(
            actions.iter().filter(|a| **a == "import.staff.add").count(),
            2,
            "[{b}]"
        );

        let again = run(&t, &head, FILE, false).await;
        assert_eq!(
            again.counts("staff"),
            (0, 0, 0),
            "[{b}] {}",
            again.to_text()
        );
        assert_eq!(again.unchanged, 3, "[{b}]");
        assert_eq!(staff_emails(&t, &head).await, after, "[{b}] no duplicates");
    }
}

#[tokio::test]
async fn the_head_keeps_their_senior_role_and_the_office_may_not_import_staff() {
    for backend in backends() {
        let t = TestApp::start(backend, "harton").await;
        let b = t.backend;
        let head = t.db.staff(t.people.head).await.unwrap();
        // The head is listed as visiting staff only: the headteacher role stays.
        let csv =
            "name,email,mobile,roles\nHelen Head,head@school.test,07700900101,visiting_staff\n";
        let report = run(&t, &head, csv, false).await;
        assert_eq!(
            report.counts("staff"),
            (0, 1, 0),
            "[{b}] {}",
            report.to_text()
        );
        let after = t.db.staff(t.people.head).await.unwrap();
        assert!(after.roles.has(Role::Headteacher), "[{b}]");
        assert!(after.roles.has(Role::VisitingStaff), "[{b}]");

        let office = t.db.staff(t.people.office).await.unwrap();
        let input = StaffCsvInput {
            school_id: None,
            csv: csv.into(),
            dry_run: true,
        };
        let err = import_staff(&t.app(), Importer::Person(&office), &input, t.now())
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("import the school's staff"),
            "[{b}] {err}"
        );

        let bad = StaffCsvInput {
            school_id: None,
            csv: "name;email\nx;y\n".into(),
            dry_run: true,
        };
        let err = import_staff(&t.app(), Importer::Person(&head), &bad, t.now())
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("name,email,mobile,roles"),
            "[{b}] {err}"
        );
    }
}
