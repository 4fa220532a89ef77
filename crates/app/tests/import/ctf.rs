//! `import_ctf` on the fixture files, as the office would see it.

use crate::helpers::{TestApp, backends};
use app::import::{CtfInput, ImportReport, Importer, import_ctf};
use store::{Db, Staff};

const FULL: &str = include_str!("../fixtures/ctf_full.xml");
const WEEK2: &str = include_str!("../fixtures/ctf_week2.xml");

async fn run(t: &TestApp, me: &Staff, xml: &str, dry_run: bool) -> ImportReport {
    let input = CtfInput {
        school_id: None,
        xml: xml.into(),
        dry_run,
    };
    import_ctf(&t.app(), Importer::Person(me), &input, t.now())
        .await
        .unwrap()
}

/// (pupils with a UPN on roll, households, imported adults) as the database holds them.
async fn held(db: &Db, t: &TestApp) -> (Vec<String>, usize, usize) {
    let mut on_roll = Vec::new();
    for p in db.pupils_of_school(t.school).await.unwrap() {
        let (upn, left) = db.pupil_roll_status(p.id).await.unwrap();
        if upn.is_some() && left.is_none() {
            on_roll.push(p.name);
        }
    }
    on_roll.sort();
    let households = db.households_of_school(t.school).await.unwrap();
    let mut adults = 0;
    for h in &households {
        adults += db.household_members(h.id).await.unwrap().len();
    }
    // The seeded Smith household and its one adult were typed in, not imported.
    (on_roll, households.len() - 1, adults - 1)
}

#[tokio::test]
async fn a_ctf_imports_pupils_households_and_contacts_and_a_second_import_changes_nothing() {
    for backend in backends() {
        let t = TestApp::start(backend, "harton").await;
        let b = t.backend;
        let office = t.db.staff(t.people.office).await.unwrap();
        let report = run(&t, &office, FULL, false).await;
        assert!(report.full, "[{b}]");
        assert_eq!(
            report.counts("pupil"),
            (5, 0, 0),
            "[{b}] {}",
            report.to_text()
        );
        assert_eq!(
            report.counts("household"),
            (4, 0, 0),
            "[{b}] {}",
            report.to_text()
        );
        assert_eq!(
            report.counts("contact"),
            (8, 0, 0),
            "[{b}] {}",
            report.to_text()
        );
        assert_eq!(report.problems.len(), 1, "[{b}] {:?}", report.problems);
        assert_eq!(
            report.problems[0].element, "CTFpupilData/Pupil[5]/UPN",
            "[{b}]"
        );
        let (pupils, households, adults) = held(&t.db, &t).await;
        assert_eq!(
            pupils,
            [
                "Ava Brown",
                "Leo Green",
                "Maja Nowak",
                "Oliver Nowak",
                "Siân Ŵyn Llŷr"
            ],
            "[{b}] the Welsh name is kept as the MIS wrote it"
        );
        assert_eq!((households, adults), (4, 8), "[{b}]");

        // The Nowak children share one household; Leo Green, at the same address with other
        // parents, has his own.
        let all = t.db.pupils_of_school(t.school).await.unwrap();
        let hh = |name: &str| all.iter().find(|p| p.name == name).unwrap().household_id;
        assert_eq!(hh("Oliver Nowak"), hh("Maja Nowak"), "[{b}]");
        assert_ne!(hh("Oliver Nowak"), hh("Leo Green"), "[{b}]");
        let nowaks = t.db.household(hh("Oliver Nowak")).await.unwrap();
        assert_eq!(
            (
                nowaks.address.as_str(),
                nowaks.postcode.as_str(),
                nowaks.family_name.as_str()
            ),
            ("10 Harton Lane, South Shields", "NE34 6AA", "Nowak"),
            "[{b}]"
        );
        let members = t.db.household_members(nowaks.id).await.unwrap();
        let names: Vec<_> = members.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(
            names,
            ["Mrs Anna Nowak", "Mr Piotr Nowak", "Mrs Zofia Kowalska"],
            "[{b}] priority order"
        );
        let pr: Vec<_> = members.iter().map(|m| m.parental_responsibility).collect();
        assert_eq!(pr, [true, true, false], "[{b}]");
        assert_eq!(members[2].relationship, "grandmother", "[{b}]");
        assert!(
            !members[2].lives_at_address,
            "[{b}] the grandmother lives in Dean Road"
        );
        assert_eq!(
            members[0].email.as_deref(),
            Some("anna.nowak@example.org"),
            "[{b}]"
        );
        let anna = t.db.member_phones(members[0].id).await.unwrap();
        let kinds: Vec<_> = anna.iter().map(|(k, n)| format!("{k} {n}")).collect();
        assert_eq!(
            kinds,
            ["mobile 07700900001", "home 01914560001", "work 01914569999"],
            "[{b}]"
        );
        let zofia = t.db.member_phones(members[2].id).await.unwrap();
        let kinds: Vec<_> = zofia.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(kinds, ["daytime", "alternative", "fax"], "[{b}]");

        let trail =
            t.db.audit_trail(office.trust_id, Some(t.school), None, 1000)
                .await
                .unwrap();
        let imports = trail
            .iter()
            .filter(|r| r.action.starts_with("import."))
            .count();
        assert_eq!(
            imports,
            5 + 4 + 8 + 1,
            "[{b}] one audit row per change and one for the file"
        );

        let again = run(&t, &office, FULL, false).await;
        assert!(
            again.added.is_empty() && again.changed.is_empty() && again.left.is_empty(),
            "[{b}] importing the same file twice changes nothing: {}",
            again.to_text()
        );
        assert_eq!(held(&t.db, &t).await.1, 4, "[{b}] no household duplicated");
    }
}

#[tokio::test]
async fn next_weeks_file_marks_the_missing_pupil_left_and_moves_one_household_keeping_its_caution()
{
    for backend in backends() {
        let t = TestApp::start(backend, "harton").await;
        let b = t.backend;
        let office = t.db.staff(t.people.office).await.unwrap();
        run(&t, &office, FULL, false).await;
        let all = t.db.pupils_of_school(t.school).await.unwrap();
        let sian = all
            .iter()
            .find(|p| p.name == "Siân Ŵyn Llŷr")
            .unwrap()
            .clone();
        let mut tx = t.db.begin().await.unwrap();
        tx.add_caution(
            sian.household_id,
            "Large dog, not always shut away",
            "visit 12 Nov",
            t.people.dsl,
            t.now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();

        let report = run(&t, &office, WEEK2, false).await;
        let text = report.to_text();
        assert_eq!(report.added, [], "[{b}] {text}");
        assert_eq!(report.left.len(), 1, "[{b}] {text}");
        assert_eq!(report.left[0].name, "Ava Brown (Z801200026004)", "[{b}]");
        assert_eq!(report.changed.len(), 1, "[{b}] {text}");
        assert_eq!(
            (report.changed[0].what, report.changed[0].detail.as_str()),
            ("household", "address"),
            "[{b}]"
        );

        let moved = t.db.household(sian.household_id).await.unwrap();
        assert_eq!(
            (moved.address.as_str(), moved.postcode.as_str()),
            ("7 Heol y Bont, Caerdydd", "CF11 2BB"),
            "[{b}]"
        );
        let cautions = t.db.caution_flags(sian.household_id).await.unwrap();
        assert_eq!(
            cautions.len(),
            1,
            "[{b}] the caution flag typed into Doorstep survives the import"
        );
        assert_eq!(
            t.db.pupil(sian.id).await.unwrap().household_id,
            sian.household_id,
            "[{b}]"
        );
        let ava = all.iter().find(|p| p.name == "Ava Brown").unwrap();
        let (_, left) = t.db.pupil_roll_status(ava.id).await.unwrap();
        assert_eq!(left, Some(t.now()), "[{b}] marked as left, not deleted");
        let (pupils, _, _) = held(&t.db, &t).await;
        assert_eq!(pupils.len(), 4, "[{b}]");
    }
}

#[tokio::test]
async fn a_dry_run_names_the_bad_element_and_writes_nothing() {
    for backend in backends() {
        let t = TestApp::start(backend, "harton").await;
        let b = t.backend;
        let office = t.db.staff(t.people.office).await.unwrap();
        let before =
            t.db.audit_trail(office.trust_id, Some(t.school), None, 1000)
                .await
                .unwrap()
                .len();
        let report = run(&t, &office, FULL, true).await;
        assert!(report.dry_run, "[{b}]");
        assert_eq!(report.counts("pupil"), (5, 0, 0), "[{b}]");
        let text = report.to_text();
        assert!(
            text.contains("cannot read CTFpupilData/Pupil[5]/UPN: has the wrong check letter: a UPN ending 801200026005 starts with N"),
            "[{b}] {text}"
        );
        assert!(
            text.contains("would be added: pupil Siân Ŵyn Llŷr (K801200026003)"),
            "[{b}] {text}"
        );
        assert_eq!(
            held(&t.db, &t).await,
            (vec![], 0, 0),
            "[{b}] nothing written"
        );
        assert_eq!(
            t.db.audit_trail(office.trust_id, Some(t.school), None, 1000)
                .await
                .unwrap()
                .len(),
            before,
            "[{b}]"
        );

        // Visiting staff may not import; a file that is not a CTF is refused naming it.
        let teacher = t.db.staff(t.people.teacher).await.unwrap();
        let input = CtfInput {
            school_id: None,
            xml: FULL.into(),
            dry_run: true,
        };
        let refused = import_ctf(&t.app(), Importer::Person(&teacher), &input, t.now()).await;
        assert!(
            matches!(refused, Err(app::Refusal::Forbidden(_))),
            "[{b}] {refused:?}"
        );
        let input = CtfInput {
            school_id: None,
            xml: "name,email\n".into(),
            dry_run: true,
        };
        let refused = import_ctf(&t.app(), Importer::Person(&office), &input, t.now()).await;
        assert!(
            matches!(&refused, Err(app::Refusal::Invalid { field, .. }) if field == "xml"),
            "[{b}] {refused:?}"
        );
    }
}
