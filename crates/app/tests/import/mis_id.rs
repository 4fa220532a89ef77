//! Pupils keyed by UPN and then by the MIS's own id (the CTF's `ApplicationReference`): a
//! pupil whose UPN the MIS replaced is updated, not added a second time and not marked as left.

use crate::helpers::{TestApp, backends};
use app::import::{CtfInput, ImportReport, Importer, import_ctf};
use domain::Upn;
use store::Staff;

const FULL: &str = include_str!("../fixtures/ctf_full.xml");
const OLIVER: &str = "<UPN>G801200026001</UPN>";

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

/// The fixture with Oliver Nowak under `upn` and the MIS's reference `reference`.
fn with_oliver(upn: &str, reference: &str) -> String {
    assert!(FULL.contains(OLIVER));
    FULL.replace(
        OLIVER,
        &format!("<UPN>{upn}</UPN><ApplicationReference>{reference}</ApplicationReference>"),
    )
}

/// Every pupil of the school named Oliver Nowak.
async fn olivers(t: &TestApp) -> Vec<domain::PupilId> {
    let all = t.db.pupils_of_school(t.school).await.unwrap();
    all.into_iter()
        .filter(|p| p.name == "Oliver Nowak")
        .map(|p| p.id)
        .collect()
}

#[tokio::test]
async fn a_pupil_whose_upn_changed_is_found_by_the_mis_id_and_updated_not_added() {
    for backend in backends() {
        let t = TestApp::start(backend, "harton").await;
        let b = t.backend;
        let office = t.db.staff(t.people.office).await.unwrap();
        run(
            &t,
            &office,
            &with_oliver("G801200026001", "ADM-1001"),
            false,
        )
        .await;
        let first = olivers(&t).await;
        assert_eq!(first.len(), 1, "[{b}]");
        assert_eq!(
            t.db.pupil_mis_id(first[0]).await.unwrap().as_deref(),
            Some("ADM-1001"),
            "[{b}] the MIS id is kept from the file"
        );

        // The MIS gives Oliver a new UPN; his reference stays.
        let new_upn = Upn::with_check_letter("801200026099").unwrap();
        let xml = with_oliver(new_upn.as_str(), "ADM-1001");
        let report = run(&t, &office, &xml, false).await;
        assert_eq!(
            report.counts("pupil"),
            (0, 1, 0),
            "[{b}] {}",
            report.to_text()
        );
        let line = report.changed.iter().find(|l| l.what == "pupil").unwrap();
        assert_eq!(line.detail, "UPN", "[{b}]");
        assert!(line.name.contains(new_upn.as_str()), "[{b}] {}", line.name);
        assert_eq!(
            olivers(&t).await,
            first,
            "[{b}] the same pupil, not a second"
        );
        let (upn, left) = t.db.pupil_roll_status(first[0]).await.unwrap();
        assert_eq!(upn.as_deref(), Some(new_upn.as_str()), "[{b}]");
        assert!(left.is_none(), "[{b}] still on roll");

        // The same file again changes nothing.
        let again = run(&t, &office, &xml, false).await;
        assert_eq!(
            again.counts("pupil"),
            (0, 0, 0),
            "[{b}] {}",
            again.to_text()
        );
    }
}

#[tokio::test]
async fn a_file_without_the_mis_id_keeps_the_one_held_and_an_overlong_one_is_named() {
    for backend in backends() {
        let t = TestApp::start(backend, "harton").await;
        let b = t.backend;
        let office = t.db.staff(t.people.office).await.unwrap();
        run(
            &t,
            &office,
            &with_oliver("G801200026001", "ADM-1001"),
            false,
        )
        .await;
        let report = run(&t, &office, FULL, false).await;
        assert_eq!(
            report.counts("pupil"),
            (0, 0, 0),
            "[{b}] {}",
            report.to_text()
        );
        let all = t.db.pupils_of_school(t.school).await.unwrap();
        let oliver = all.iter().find(|p| p.name == "Oliver Nowak").unwrap();
        assert_eq!(
            t.db.pupil_mis_id(oliver.id).await.unwrap().as_deref(),
            Some("ADM-1001"),
            "[{b}]"
        );

        let long = "X".repeat(101);
        let dry = run(&t, &office, &with_oliver("G801200026001", &long), true).await;
        assert!(
            dry.problems
                .iter()
                .any(|p| p.element == "CTFpupilData/Pupil[1]/ApplicationReference"),
            "[{b}] {:?}",
            dry.problems
        );
    }
}
