//! B2: nothing sensitive leaves Doorstep by e-mail. A safeguarding concern, a break-glass
//! opening, an incident report (and the household block it brings) and an allegation against
//! staff each tell their readers that something is waiting — in broad terms, with a link — and
//! the words, the child's name, the family and the address stay behind sign-in. E-mail is not a
//! secure channel and safeguarding information is special category data (KCSIE). Checked on what
//! a real SMTP server receives.

use crate::helpers::{TestApp, backends};
use app::Channels;
use app::safeguarding::{
    BreakGlassInput, ConcernInput, NewIncidentInput, RecordInput, ReportInput, break_glass,
    raise_concern, record_head_only, record_incident, submit_incident,
};
use domain::safeguarding::{HeadOnlyKind, IncidentKind};
use domain::{Line, MultiLine};
use notify::Mailer;
use notify::testing::SmtpServer;

/// Words that would identify the child, the family, the home or what was said.
const SECRETS: [&str; 9] = [
    "Ava",
    "Smith",
    "Westoe",
    "ukasz",
    "Nowak",
    "hits her",
    "Marsden",
    "Covering Year 3",
    "went upstairs",
];

#[tokio::test]
async fn safeguarding_emails_say_something_is_waiting_and_carry_no_name_text_or_address() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let b = app.backend;
        let smtp = SmtpServer::start().await;
        let channels = Channels {
            mailer: Some(Mailer::new(&smtp.settings()).unwrap()),
            ..Channels::default()
        };
        let monitor = app.monitor(channels);
        let uc = app.app();
        let visit = app.authorised_visit(30, 60).await;
        let teacher = app.staff(app.people.teacher).await;

        let concern = ConcernInput {
            concern: MultiLine::parse("concern", "Ava said mum's partner Łukasz Nowak hits her")
                .unwrap(),
            source: None,
            visit_id: None,
            alarm_id: None,
            observed_at: None,
        };
        raise_concern(&uc, &teacher, app.pupil, &concern)
            .await
            .unwrap();

        let senior = app.staff(app.people.senior).await;
        let reason = "Covering Year 3 while Mrs Khan is off; visit to the Smiths on Friday";
        let glass = BreakGlassInput {
            reason: MultiLine::parse("reason", reason).unwrap(),
        };
        break_glass(&uc, &senior, app.pupil, &glass, app.now())
            .await
            .unwrap();

        let report = ReportInput {
            kind: IncidentKind::VerbalAbuse,
            occurred_at: app.now(),
            location: Some(Line::parse("location", "12 Westoe Road").unwrap()),
            account: Some(
                MultiLine::parse(
                    "account",
                    "Mr Nowak shouted at us on the step of 3 Marsden Lane",
                )
                .unwrap(),
            ),
            people_involved: None,
            injuries: None,
            police_called: false,
        };
        let incident = NewIncidentInput {
            visit_id: Some(visit.id.0),
            household_id: None,
            pupil_id: None,
            report,
        };
        let recorded = record_incident(&uc, &teacher, &incident).await.unwrap();
        submit_incident(&uc, &teacher, recorded.incident.id)
            .await
            .unwrap();

        let office = app.staff(app.people.office).await;
        let allegation = RecordInput {
            kind: HeadOnlyKind::AllegationAgainstStaff,
            visit_id: Some(visit.id.0),
            pupil_id: None,
            about_staff_id: Some(teacher.id.0),
            raised_by_name: Line::parse("raised_by_name", "Jo Smith, mother, by phone").unwrap(),
            received_at: None,
            account: MultiLine::parse("account", "Says the teacher went upstairs uninvited")
                .unwrap(),
        };
        record_head_only(&uc, &office, &allegation).await.unwrap();

        app.pass(&monitor).await;
        let mail = smtp.received();
        let subjects: Vec<String> = mail
            .iter()
            .filter_map(|m| {
                m.data
                    .lines()
                    .find(|l| l.starts_with("Subject:"))
                    .map(str::to_string)
            })
            .collect();
        for expected in [
            "A safeguarding concern has been raised",
            "Break-glass",
            "Incident report",
            "A household has been blocked",
            "An allegation against a member of staff",
        ] {
            assert!(
                subjects.iter().any(|s| s.contains(expected)),
                "[{b}] an e-mail saying {expected:?} in {subjects:?}"
            );
        }
        let concern_mail = mail
            .iter()
            .find(|m| {
                m.data.contains(
                    "A safeguarding concern about a pupil in Year 4 was raised by Tom Teacher at",
                )
            })
            .unwrap_or_else(|| panic!("[{b}] the DSL's e-mail: {mail:?}"));
        assert!(
            concern_mail.data.contains("open Doorstep to read it"),
            "[{b}]"
        );
        assert!(
            concern_mail.data.contains("/safeguarding"),
            "[{b}] with a link"
        );
        for m in &mail {
            for secret in SECRETS {
                assert!(
                    !m.data.contains(secret),
                    "[{b}] {secret:?} was e-mailed: {}",
                    m.data
                );
            }
            assert!(
                !m.data.contains("(P10)") && !m.data.contains("(A8)"),
                "[{b}] {}",
                m.data
            );
        }
        smtp.stop().await;
    }
}
